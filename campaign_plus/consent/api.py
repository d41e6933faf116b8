# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of marketing consent: desk actions, the website's opt-in request, the
confirmation link (guests) and the export for one address."""

from dataclasses import asdict

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from campaign_plus.consent import double_opt_in, export, records
from campaign_plus.consent.settings import get_consent_settings
from campaign_plus.engine.schedule import is_valid_email, normalize_email
from campaign_plus.permissions import only_for_sales_managers
from campaign_plus.utils.email import ensure_outgoing_account
from campaign_plus.utils.language import known_language, set_language
from campaign_plus.utils.runtime import in_test

REQUEST_FROM = ("Lead", "Contact", "Campaign Segment")


@frappe.whitelist(methods=["POST"])
def request_confirmation(doctype: str, name: str) -> dict:
	"""Desk: email a Lead, a Contact or every member of a segment a link to confirm their opt-in."""
	if doctype not in REQUEST_FROM:
		frappe.throw(
			_(
				"Opt-in confirmation can be asked from a Lead, a Contact or a Campaign Segment, not from {0}."
			).format(_(doctype)),
			title=_("Invalid Target"),
		)
	frappe.get_doc(doctype, name).check_permission("read")
	frappe.has_permission(records.DOCTYPE, "create", throw=True)
	ensure_outgoing_account(get_consent_settings().email_account)
	if doctype == "Campaign Segment":
		result = double_opt_in.request_for_segment(name)
	else:
		targets = double_opt_in.party_targets(doctype, name)
		if not targets or not targets[0].email:
			frappe.throw(
				_("{0} {1} has no email address.").format(_(doctype), frappe.bold(name)),
				title=_("No Email Address"),
			)
		result = double_opt_in.request(targets)
	return asdict(result)


def check_permission_for_guests() -> None:
	"""A guest may ask for an opt-in confirmation only while the settings accept website requests."""
	if not get_consent_settings().accept_website_requests:
		frappe.throw(
			_("Opt-in requests from the website are not accepted."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=5, seconds=60 * 60)
def request_opt_in(email: str, language: str | None = None) -> str:
	"""Website: a visitor asks to receive campaign emails at ``email``; a confirmation email
	follows. The answer is the same whatever the address (known, granted, asked already or not),
	so it tells nothing about who is on file."""
	check_permission_for_guests()
	email = normalize_email(email)
	if not is_valid_email(email):
		frappe.throw(_("Enter a valid email address."), title=_("Invalid Email"))
	ensure_outgoing_account(get_consent_settings().email_account)
	party_type, party = records.party_of(email)
	target = double_opt_in.Target(
		email, party_type, party, known_language(language) or getattr(frappe.local, "lang", None)
	)
	double_opt_in.request(
		[target],
		asked_by_the_person=True,
		ip_address=getattr(frappe.local, "request_ip", None),
		note=_("Asked from the website."),
	)
	return _(
		"Thank you. If this address can receive our emails, a message asking you to confirm is on its way."
	)


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=60, seconds=60 * 60)
def confirm(token: str | None = None) -> None:
	"""The link of the confirmation email: records the double opt-in once, shows a small page."""
	fields = double_opt_in.has_permission_to_confirm(token)
	result = double_opt_in.confirm(fields, getattr(frappe.local, "request_ip", None))
	if result.outcome == double_opt_in.CONFIRMED and not in_test():
		frappe.db.commit()
	if result.language:  # the recipient's; a bad link keeps the visitor's browser language
		set_language(result.language)
	show_confirmation_page(result)


def show_confirmation_page(result: double_opt_in.Confirmation) -> None:
	if result.outcome == double_opt_in.INVALID:
		frappe.respond_as_web_page(
			_("Invalid or Expired Link"),
			_(
				"This confirmation link is invalid or has expired: nothing was recorded. "
				"Ask again to receive a new confirmation email."
			),
			http_status_code=400,
			indicator_color="red",
		)
		return
	email = frappe.bold(frappe.utils.escape_html(result.email))
	if result.outcome == double_opt_in.ALREADY_CONFIRMED:
		title = _("Subscription Already Confirmed")
		message = _("Your subscription with {0} was already confirmed: nothing has changed.").format(email)
	else:
		title = _("Subscription Confirmed")
		message = _(
			"Thank you: {0} will receive our emails. You can unsubscribe at any time with the link "
			"at the bottom of each of them."
		).format(email)
	frappe.respond_as_web_page(title, message, success=True, indicator_color="green")


@frappe.whitelist(methods=["POST"])
def export_consent(email: str, file_format: str = "CSV") -> None:
	"""Download the consent history and campaign emails of one address (Sales Manager). POST only:
	the address never shows in a URL or a server log."""
	only_for_sales_managers()
	frappe.has_permission(records.DOCTYPE, "export", throw=True)
	filename, content = export.export(email, file_format)
	frappe.response["type"] = "download"
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = content
	frappe.response["content_type"] = (
		"text/csv; charset=utf-8" if file_format == "CSV" else "application/json"
	)
