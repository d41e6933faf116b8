# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Unsubscribing withdraws marketing consent.

Frappe's and ERPNext's unsubscribe paths are left as they are; these document events only add a
*Withdrawn* record (source Unsubscribe) to the address's consent history: an Email Unsubscribe
(global, or from a campaign, an Email Campaign, an Email Group or a newsletter), a Lead or
Contact marked unsubscribed, an Email Group member unsubscribed. An address that already refused
or withdrew gets no second record.
"""

import frappe
from frappe import _

from campaign_plus.consent import records
from campaign_plus.engine import consent
from campaign_plus.engine.consent import UNSUBSCRIBE, WITHDRAWN
from campaign_plus.engine.schedule import normalize_email

# Unsubscribing from one of these is an objection to marketing email.
MARKETING_REFERENCES = ("Campaign", "Email Campaign", "Email Group", "Newsletter")


def withdraw(
	email: str,
	*,
	party_type: str | None = None,
	party: str | None = None,
	campaign: str | None = None,
	note: str | None = None,
) -> str | None:
	"""Record that ``email`` withdrew its consent (unless it already refused or withdrew)."""
	email = normalize_email(email)
	if not email or not consent.needs_withdrawal(records.current_state(email)):
		return None
	if party_type not in records.PARTY_TYPES:
		party_type = party = None
	record = records.NewRecord(
		email,
		WITHDRAWN,
		UNSUBSCRIBE,
		party_type=party_type,
		party=party,
		campaign=campaign,
		note=note,
		ip_address=getattr(frappe.local, "request_ip", None),
	)
	return records.insert([record])[0]


def on_email_unsubscribe(doc, method=None) -> None:
	"""Email Unsubscribe ``after_insert``."""
	if not (doc.global_unsubscribe or doc.reference_doctype in MARKETING_REFERENCES):
		return
	campaign = None
	if doc.reference_doctype == "Campaign":
		campaign = doc.reference_name
	elif doc.reference_doctype == "Email Campaign":
		campaign = frappe.db.get_value("Email Campaign", doc.reference_name, "campaign_name")
	if doc.global_unsubscribe:
		note = _("Unsubscribed from all emails.")
	else:
		note = _("Unsubscribed from {0} {1}.").format(_(doc.reference_doctype), doc.reference_name)
	party_type, party = records.party_of(doc.email)
	withdraw(doc.email, party_type=party_type, party=party, campaign=campaign, note=note)


def on_party_update(doc, method=None) -> None:
	"""Lead / Contact ``on_update``: marked unsubscribed."""
	if doc.get("unsubscribed") and doc.has_value_changed("unsubscribed") and doc.get("email_id"):
		withdraw(
			doc.email_id,
			party_type=doc.doctype,
			party=doc.name,
			note=_("{0} marked as unsubscribed.").format(_(doc.doctype)),
		)


def on_group_member_update(doc, method=None) -> None:
	"""Email Group Member ``on_update``: unsubscribed from its group."""
	if doc.get("unsubscribed") and doc.has_value_changed("unsubscribed") and doc.get("email"):
		party_type, party = records.party_of(doc.email)
		withdraw(
			doc.email,
			party_type=party_type,
			party=party,
			note=_("Unsubscribed from Email Group {0}.").format(doc.email_group),
		)
