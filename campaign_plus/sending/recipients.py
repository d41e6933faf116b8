# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Where a campaign's recipients come from.

Every function named in the ``campaign_plus_recipient_sources`` hook takes a campaign name and
returns engine :class:`Recipient` objects, loading them set-based (one query per doctype). This
app ships ERPNext's Email Campaign documents as a source; segments add theirs the same way.
"""

import frappe
from frappe.utils import getdate

from campaign_plus.engine.schedule import Recipient

HOOK = "campaign_plus_recipient_sources"


def load_recipients(campaign: str) -> list[Recipient]:
	"""Every source's recipients; a party enrolled twice counts once, from its earliest start."""
	by_party: dict[tuple[str, str], Recipient] = {}
	for path in frappe.get_hooks(HOOK):
		for recipient in frappe.get_attr(path)(campaign):
			key = (recipient.party_type, recipient.party)
			if key not in by_party or recipient.start_date < by_party[key].start_date:
				by_party[key] = recipient
	return list(by_party.values())


def _by_name(doctype: str, names: set[str], fields: list[str]) -> dict[str, dict]:
	if not names:
		return {}
	rows = frappe.get_all(doctype, filters={"name": ("in", list(names))}, fields=["name", *fields])
	return {row.name: row for row in rows}


def email_campaign_recipients(campaign: str) -> list[Recipient]:
	"""ERPNext's Email Campaigns of ``campaign``: a Lead, a Contact, or every member of an Email Group.

	A Lead / Contact Email Campaign marked Unsubscribed (by ERPNext) unsubscribes its recipient;
	an Email Group's campaign is never stopped as a whole: each member counts for itself.
	"""
	enrolments = frappe.get_all(
		"Email Campaign",
		filters={"campaign_name": campaign},
		fields=["name", "email_campaign_for", "recipient", "start_date", "status", "sender"],
	)
	wanted: dict[str, set[str]] = {"Lead": set(), "Contact": set(), "Email Group": set()}
	for row in enrolments:
		if row.email_campaign_for in wanted and row.recipient and row.start_date:
			wanted[row.email_campaign_for].add(row.recipient)

	parties = {
		doctype: _by_name(doctype, wanted[doctype], ["email_id", "unsubscribed"])
		for doctype in ("Lead", "Contact")
	}
	members: dict[str, list] = {}
	if wanted["Email Group"]:
		for member in frappe.get_all(
			"Email Group Member",
			filters={"email_group": ("in", list(wanted["Email Group"]))},
			fields=["name", "email_group", "email", "unsubscribed"],
		):
			members.setdefault(member.email_group, []).append(member)
	senders = _by_name("User", {row.sender for row in enrolments if row.sender}, ["email"])

	recipients = []
	for row in enrolments:
		if not (row.recipient and row.start_date):
			continue
		start = getdate(row.start_date)
		sender = senders[row.sender].email if row.sender in senders else None
		if row.email_campaign_for == "Email Group":
			for member in members.get(row.recipient, []):
				recipients.append(
					Recipient(
						"Email Group Member",
						member.name,
						member.email,
						start,
						bool(member.unsubscribed),
						row.name,
						sender,
					)
				)
		elif party := parties.get(row.email_campaign_for, {}).get(row.recipient):
			recipients.append(
				Recipient(
					row.email_campaign_for,
					party.name,
					party.email_id,
					start,
					bool(party.unsubscribed) or row.status == "Unsubscribed",
					row.name,
					sender,
				)
			)
	return recipients
