# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Who a campaign targets, and who its segments send to: the one place other features ask."""

import frappe
from frappe.utils import getdate

from campaign_plus.engine.schedule import Recipient


def campaign_targets(campaign: str) -> list[dict]:
	"""Members of the campaign's target segments whose own flag is set (party, email, customer)."""
	return frappe.db.sql(
		"""SELECT DISTINCT m.`party_type`, m.`party`, m.`email`, m.`customer`
		FROM `tabCampaign Segment Member` m
		JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
		WHERE s.`campaign` = %(campaign)s AND s.`campaign_target` = 1 AND m.`campaign_target` = 1
		ORDER BY m.`party_type`, m.`party`""",
		{"campaign": campaign},
		as_dict=True,
	)


def segment_recipients(campaign: str) -> list[Recipient]:
	"""Recipient source (hook ``campaign_plus_recipient_sources``): every member of the
	campaign's segments, starting on the later of the campaign's start and the day it joined."""
	start = frappe.db.get_value("Campaign", campaign, "cp_start_date")
	rows = frappe.db.sql(
		"""SELECT m.`party_type`, m.`party`, MAX(m.`email`) AS email, MIN(m.`creation`) AS joined,
			MAX(COALESCE(lead.`unsubscribed`, contact.`unsubscribed`, 0)) AS unsubscribed
		FROM `tabCampaign Segment Member` m
		JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
		LEFT JOIN `tabLead` lead ON m.`party_type` = 'Lead' AND lead.`name` = m.`party`
		LEFT JOIN `tabContact` contact ON m.`party_type` = 'Contact' AND contact.`name` = m.`party`
		WHERE s.`campaign` = %(campaign)s
		GROUP BY m.`party_type`, m.`party`""",
		{"campaign": campaign},
		as_dict=True,
	)
	start = getdate(start) if start else None
	return [
		Recipient(
			row.party_type,
			row.party,
			row.email,
			max(start, getdate(row.joined)) if start else getdate(row.joined),
			bool(row.unsubscribed),
		)
		for row in rows
	]
