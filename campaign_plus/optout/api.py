# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Guest endpoints of unsubscribing: the one-click URL of ``List-Unsubscribe``, the unsubscribe
page of the email's footer and its form, and Frappe's own unsubscribe link of emails sent before.

- ``one_click`` — POST with ``List-Unsubscribe=One-Click`` (form-urlencoded or multipart, as
  RFC 8058 says): no cookie, no CSRF token, no redirect; 200 at once; repeated POSTs are
  success. A GET (a link scanner, a client opening the URL) shows the page and changes nothing.
- ``page`` — GET only shows: in the recipient's language, with the sender's name, the two
  choices as buttons of a form that POSTs to ``choose``.
- ``legacy_unsubscribe`` — Frappe's ``frappe.email.queue.unsubscribe`` link (in campaign emails
  sent before this page existed): for a campaign, its signature checked by Frappe, it shows the
  same page (nothing happens on GET); any other link goes to Frappe's own handler.

A bad, altered or expired token gets a page that says so (400) and nothing is written. The
unsubscribe link of a test email (``unsubscribe_links.test_page_url``) gets a page that says it
is a test; nothing is written either.
"""

from html import escape

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from campaign_plus.engine.mailheaders import ONE_CLICK
from campaign_plus.optout import actions
from campaign_plus.utils import unsubscribe_links
from campaign_plus.utils.language import set_language
from campaign_plus.utils.runtime import in_test

CHOOSE_METHOD = "/api/method/campaign_plus.optout.api.choose"


def _commit() -> None:
	if not in_test():
		frappe.db.commit()


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=600, seconds=60)
def one_click(t: str | None = None) -> str | None:
	"""The ``List-Unsubscribe`` URL."""
	if frappe.request and frappe.request.method != "POST":
		return show_page(t)
	if unsubscribe_links.is_test_token(t):
		return _("This is a test email: nothing was changed.")
	if not unsubscribe_links.read_token(t):
		frappe.local.response["http_status_code"] = 400
		return _("This unsubscribe link is invalid or has expired.")
	if (frappe.form_dict.get("List-Unsubscribe") or "").strip() != ONE_CLICK.split("=", 1)[1]:
		frappe.local.response["http_status_code"] = 400
		return _("Not a one-click unsubscribe request.")
	person = actions.one_click(t)
	if not person:
		frappe.local.response["http_status_code"] = 400
		return _("This unsubscribe link is invalid or has expired.")
	_commit()
	return "OK"


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=120, seconds=60)
def page(t: str | None = None) -> None:
	"""The unsubscribe page of a campaign email's footer (GET: nothing changes)."""
	if unsubscribe_links.is_test_token(t):
		return test_page()
	if not unsubscribe_links.read_token(t):
		return invalid_page()
	show_page(t)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=60, seconds=60)
def choose(t: str | None = None, choice: str | None = None) -> None:
	"""The page's form: a person's choice."""
	if unsubscribe_links.is_test_token(t):
		return test_page()
	if not unsubscribe_links.read_token(t):
		return invalid_page()
	person, outcome = actions.choose(t, choice or "")
	if not person:
		return invalid_page()
	if outcome is None:
		return show_page(t)
	_commit()
	render(person, t, outcome, done=True)


@frappe.whitelist(allow_guest=True)
def legacy_unsubscribe(doctype: str, name: str, email: str) -> None:
	"""Frappe's unsubscribe link: a campaign's shows the page; others go to Frappe."""
	from frappe.email.queue import unsubscribe as frappes

	if doctype == "Campaign":
		if not has_permission_to_unsubscribe():
			return invalid_page()
		row = frappe.get_all(
			actions.LEDGER,
			filters={"campaign": name, "email": email},
			order_by="creation desc",
			pluck="name",
			limit=1,
		)
		if row:
			return show_page(unsubscribe_links.token_signer()(row[0]))
	return frappes(doctype, name, email)


def has_permission_to_unsubscribe() -> bool:
	"""Frappe's signature of its unsubscribe link (its query string, signed by the site)."""
	from frappe.utils.verified_command import verify_request

	try:
		return bool(verify_request())
	except ValueError:  # no signature at all
		return False


# --- the page -----------------------------------------------------------------------------------
def show_page(token: str | None) -> None:
	if unsubscribe_links.is_test_token(token):
		return test_page()
	person = actions.recipient(token)
	if not person:
		return invalid_page()
	render(person, token, actions.state(person))


def invalid_page() -> None:
	frappe.respond_as_web_page(
		_("Invalid or Expired Link"),
		_("This unsubscribe link is invalid or has expired: nothing was changed."),
		http_status_code=400,
		indicator_color="red",
		primary_action=None,
	)


def test_page() -> None:
	"""The unsubscribe link of a test email: it names no recipient, nothing happens."""
	frappe.respond_as_web_page(
		_("Test Email"),
		'<div class="cp-unsubscribe" data-outcome="test">'
		+ escape(
			_(
				"This is the unsubscribe link of a test email: in the campaign's emails, it leads each "
				"recipient to their own unsubscribe page. Nothing was changed."
			)
		)
		+ "</div>",
		indicator_color="blue",
		primary_action=None,
	)


def _button(token: str, choice: str, label: str, primary: bool = False) -> str:
	style = "btn-primary" if primary else "btn-default"
	csrf = ""
	if frappe.session.user != "Guest":  # a signed-in visitor's POST needs its CSRF token
		csrf = f'<input type="hidden" name="csrf_token" value="{escape(frappe.sessions.get_csrf_token())}">'
	return (
		f'<form method="post" action="{CHOOSE_METHOD}" style="margin-top:12px">'
		f'<input type="hidden" name="t" value="{escape(token)}">{csrf}'
		f'<button type="submit" name="choice" value="{escape(choice)}" '
		f'class="btn {style} btn-sm btn-block" data-choice="{escape(choice)}">{escape(label)}</button>'
		"</form>"
	)


def render(person: actions.Recipient, token: str, outcome: str | None, done: bool = False) -> None:
	set_language(person.language)
	email = f"<b>{escape(person.email)}</b>"
	campaign = f"<b>{escape(person.campaign_title)}</b>"
	sender = escape(person.sender)
	if outcome == actions.UNSUBSCRIBED_CAMPAIGN:
		title = _("Unsubscribed")
		text = _("{0} will no longer receive the emails of {1} from {2}.").format(email, campaign, sender)
		buttons = _button(token, actions.ALL, _("Unsubscribe from all our marketing emails")) + _button(
			token, actions.RESUBSCRIBED, _("I changed my mind")
		)
	elif outcome == actions.UNSUBSCRIBED_ALL:
		title = _("Unsubscribed")
		text = _("{0} will no longer receive marketing emails from {1}.").format(email, sender)
		buttons = _button(token, actions.RESUBSCRIBED, _("I changed my mind"))
	else:
		title = _("Unsubscribe")
		if outcome == actions.RESUBSCRIBED:
			title = _("Subscribed Again")
			lead = _("Thank you: {0} will receive our emails again.").format(email)
		else:
			lead = _("{0} receives the emails of {1} from {2}.").format(email, campaign, sender)
		text = lead + " " + _("Choose what you no longer want to receive:")
		buttons = _button(token, actions.CAMPAIGN, _("Unsubscribe from this campaign"), True) + _button(
			token, actions.ALL, _("Unsubscribe from all our marketing emails")
		)
	frappe.respond_as_web_page(
		title,
		f'<div class="cp-unsubscribe" data-outcome="{escape(outcome or "")}">{text}{buttons}</div>',
		success=done,
		indicator_color="green" if done else "blue",
		primary_action=None,
	)
