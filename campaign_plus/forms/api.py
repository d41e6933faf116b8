# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of campaign forms: the page's submission and view count (guests, POST,
with the form token the page was signed with), and the desk's field picker and embed code."""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import cint, strip_html

from campaign_plus.forms import definition, views
from campaign_plus.forms import submit as submission
from campaign_plus.forms.page import TOKEN, TOKEN_PURPOSE
from campaign_plus.utils.signing import read_token

DEFAULT_PER_MINUTE = 5
MAX_SUBMISSION_BYTES = 64 * 1024  # a form's fields fit in a few KB; Frappe itself reads up to 25 MB


def submissions_per_minute() -> int:
	"""The per-IP limit of Campaign Plus Settings (default 5 a minute)."""
	value = frappe.db.get_single_value("Campaign Plus Settings", "form_submissions_per_minute")
	return cint(value) if value not in (None, "") and cint(value) > 0 else DEFAULT_PER_MINUTE


def _ip() -> str | None:
	return getattr(frappe.local, "request_ip", None)


@rate_limit(limit=submissions_per_minute, seconds=60)
def _count_submission() -> None:
	"""Counts the request against the per-IP limit (Frappe's limiter; its key: this method's cmd)."""


def _body_size() -> int:
	"""The request body's length in bytes (0 outside a request)."""
	request = getattr(frappe.local, "request", None)
	return cint(getattr(request, "content_length", None) or 0) if request else 0


def _answer(status: int, answer: dict) -> dict:
	frappe.db.rollback()
	frappe.local.message_log = []
	frappe.local.response["http_status_code"] = status
	return answer


@frappe.whitelist(allow_guest=True, methods=["POST"])
def submit(form: str | None = None, **values) -> dict:
	"""A visitor sends a campaign form. The answer: ``{"ok": true, "message", "redirect"}``, or
	HTTP 400 with ``{"ok": false, "message", "errors": {field: message}}``, 429 over the per-IP
	limit, 413 for a body over 64 KB, 500 when something failed — nothing written, never a trace."""
	try:
		_count_submission()
	except frappe.RateLimitExceededError:
		return _answer(
			429,
			{
				"ok": False,
				"message": _("Too many submissions from your connection. Please try again in a minute."),
			},
		)
	if _body_size() > MAX_SUBMISSION_BYTES:
		return _answer(413, {"ok": False, "message": _("The form sent is too large.")})
	# A guest's only permission: the form token the page was signed with.
	token_fields = read_token(TOKEN_PURPOSE, values.get(TOKEN))
	try:
		outcome = submission.submit(form or "", token_fields, values, _ip())
	except frappe.ValidationError as error:
		return _answer(
			400,
			{
				"ok": False,
				"message": strip_html(str(error)) or _("The form could not be sent. Please try again later."),
			},
		)
	except Exception:
		answer = _answer(
			500, {"ok": False, "message": _("The form could not be sent. Please try again later.")}
		)
		frappe.log_error(title=f"Campaign Plus: form {form} submission")  # kept: Frappe commits the request
		return answer
	if not outcome.ok:
		return _answer(400, outcome.answer())
	return outcome.answer()


@rate_limit(limit=60, seconds=60)
def _count_view() -> None:
	"""Counts the request against the per-IP limit of views."""


@frappe.whitelist(allow_guest=True, methods=["POST"])
def view(form: str | None = None, cp_token: str | None = None) -> None:
	"""The form's page was shown (counted per form, day and website; over 60 a minute from one
	address, not counted)."""
	try:
		_count_view()
	except frappe.RateLimitExceededError:
		frappe.local.message_log = []
		return
	fields = read_token(TOKEN_PURPOSE, cp_token)
	if fields and len(fields) == 4 and fields[0] == form:
		views.count_view(form, fields[2])


@frappe.whitelist(methods=["GET", "POST"])
def field_choices(document_type: str) -> list[dict]:
	"""Desk: the fields a form creating ``document_type`` may fill."""
	frappe.has_permission(definition.FORM, "read", throw=True)
	if document_type not in ("Lead", "Contact"):
		frappe.throw(_("A form creates a Lead or a Contact."), title=_("Campaign Form"))
	return definition.fieldname_choices(document_type)


@frappe.whitelist(methods=["GET", "POST"])
def embed_code(name: str) -> dict:
	"""Desk: the form's page address and the code that shows it on another website."""
	frappe.get_doc(definition.FORM, name).check_permission("read")
	route = frappe.db.get_value(definition.FORM, name, "route")
	return {"url": definition.page_url(route), "code": definition.embed_code(route)}
