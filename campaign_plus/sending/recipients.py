# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Where a campaign's recipients come from.

Every function named in the ``campaign_plus_recipient_sources`` hook takes a campaign name and
returns engine :class:`Recipient` objects, loading them set-based (one query per doctype). This
app ships ERPNext's Email Campaign documents as a source; segments add theirs the same way.
"""

import datetime as dt

import frappe

from campaign_plus.engine.schedule import Place, Recipient

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


def email_campaign_recipients(campaign: str) -> list[Recipient]:
	"""ERPNext's Email Campaigns of ``campaign``: a Lead, a Contact, or every member of an Email Group.

	A Lead / Contact Email Campaign marked Unsubscribed (by ERPNext) unsubscribes its recipient;
	an Email Group's campaign is never stopped as a whole: each member counts for itself.
	Leads and Contacts come with their enrolment in one query (a join, not a list of names), and
	with what the send windows need of where they are (the planner then need not read them again).
	"""
	# The start date is read as text: the driver's own date parsing costs ten times
	# dt.date.fromisoformat, and a planner run reads 100,000 of them.
	rows = frappe.db.sql(
		"""SELECT ec.`name`, ec.`email_campaign_for`, ec.`recipient`, CAST(ec.`start_date` AS CHAR),
			sender.`email`, COALESCE(lead.`name`, contact.`name`), COALESCE(lead.`email_id`, contact.`email_id`),
			ec.`status` = 'Unsubscribed' OR COALESCE(lead.`unsubscribed`, contact.`unsubscribed`, 0),
			COALESCE(lead.`cp_time_zone`, contact.`cp_time_zone`), lead.`country`, contact.`address`
		FROM `tabEmail Campaign` ec
		LEFT JOIN `tabLead` lead ON ec.`email_campaign_for` = 'Lead' AND lead.`name` = ec.`recipient`
		LEFT JOIN `tabContact` contact ON ec.`email_campaign_for` = 'Contact' AND contact.`name` = ec.`recipient`
		LEFT JOIN `tabUser` sender ON sender.`name` = ec.`sender`
		WHERE ec.`campaign_name` = %(campaign)s AND ec.`recipient` IS NOT NULL AND ec.`start_date` IS NOT NULL""",
		{"campaign": campaign},
	)
	groups = {row[2] for row in rows if row[1] == "Email Group"}
	members: dict[str, list] = {}
	if groups:
		for member in frappe.get_all(
			"Email Group Member",
			filters={"email_group": ("in", list(groups))},
			fields=["name", "email_group", "email", "unsubscribed"],
		):
			members.setdefault(member.email_group, []).append(member)

	recipients = []
	for name, doctype, recipient, start_date, sender, party, email, unsubscribed, *place in rows:
		start = dt.date.fromisoformat(start_date)
		if doctype == "Email Group":
			for member in members.get(recipient, []):
				recipients.append(
					Recipient(
						"Email Group Member",
						member.name,
						member.email,
						start,
						bool(member.unsubscribed),
						name,
						sender,
					)
				)
		elif doctype in ("Lead", "Contact") and party:
			recipients.append(
				Recipient(
					doctype,
					party,
					email,
					start,
					bool(unsubscribed),
					name,
					sender,
					Place(*place),  # zone, a Lead's country, a Contact's address
				)
			)
	return recipients
