# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Outgoing email checks shared by the services that send."""

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount


def ensure_outgoing_account(email_account: str | None = None) -> None:
	"""A clear error, before anything is recorded, when no account can send (``email_account``:
	the one chosen in Campaign Plus Settings, if any)."""
	if email_account and frappe.db.get_value("Email Account", email_account, "enable_outgoing"):
		return
	if not EmailAccount.find_outgoing():
		frappe.throw(
			_("Set up a default outgoing Email Account (or choose one in Campaign Plus Settings) first."),
			title=_("No Outgoing Email Account"),
		)
