# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Frappe's global unsubscribes on the suppression list (Email Unsubscribe document events)."""

import frappe

from campaign_plus.engine import suppression as rules
from campaign_plus.engine.schedule import normalize_email
from campaign_plus.suppression import records


def on_email_unsubscribe(doc, method=None) -> None:
	"""Email Unsubscribe ``after_insert``: unsubscribed from everything → an *Unsubscribed* entry
	(none for an address a spam complaint already keeps out: the list says the stronger reason)."""
	if not doc.global_unsubscribe or not doc.email:
		return
	if rules.SPAM_COMPLAINT in records.active_reasons([doc.email]).get(normalize_email(doc.email), set()):
		return
	records.add([records.Entry(doc.email, rules.UNSUBSCRIBE, rules.UNSUBSCRIBE_SOURCE)])


def on_email_unsubscribe_trash(doc, method=None) -> None:
	"""Email Unsubscribe ``on_trash`` (Frappe's way to subscribe again): the entry is lifted when no
	other global unsubscribe of the address is left."""
	if not doc.global_unsubscribe or not doc.email:
		return
	others = frappe.db.sql(
		"""SELECT COUNT(*) FROM `tabEmail Unsubscribe`
		WHERE `global_unsubscribe` = 1 AND `email` = %(email)s AND `name` != %(name)s""",
		{"email": normalize_email(doc.email), "name": doc.name},
	)[0][0]
	if not others:
		records.lift([doc.email], [rules.UNSUBSCRIBE])
