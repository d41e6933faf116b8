# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A reply to a campaign email is a response.

Frappe threads an incoming email to the Campaign its original referred to (through the Email
Queue row's message id); the sender is matched to the party the campaign emailed.
"""

import frappe
from frappe.utils import getdate, now_datetime

from campaign_plus.utils.engagement import notify_engagement


def record_reply(doc, method=None):
	"""Communication.after_insert: a received email on a campaign → a Response interaction."""
	if doc.sent_or_received != "Received" or doc.reference_doctype != "Campaign" or not doc.sender:
		return
	if doc.flags.cp_bounce:  # a delivery failure report, not an answer
		return
	sender = frappe.utils.parse_addr(doc.sender)[1].strip().lower()
	party = frappe.db.sql(
		"""SELECT `name`, `party_type`, `party` FROM `tabCampaign Send Log`
		WHERE `campaign` = %(campaign)s AND LOWER(`email`) = %(email)s
			AND `status` IN ('Queued', 'Sent', 'Bounced', 'Complained')
		ORDER BY `queued_on` DESC, `creation` DESC LIMIT 1""",
		{"campaign": doc.reference_name, "email": sender},
		as_dict=True,
	)
	if not party:
		return
	# The ledger row answered (the latest campaign email to that address) carries the reply.
	frappe.db.sql(
		"UPDATE `tabCampaign Send Log` SET `replied_on` = IFNULL(`replied_on`, %(on)s) WHERE `name` = %(name)s",
		{"on": doc.communication_date or now_datetime(), "name": party[0].name},
	)
	notify_engagement(party[0].name, "reply")
	frappe.get_doc(
		{
			"doctype": "Campaign Interaction",
			"campaign": doc.reference_name,
			"interaction_type": "Response",
			"interaction_date": getdate(doc.communication_date or now_datetime()),
			"party_type": party[0].party_type,
			"party": party[0].party,
		}
	).insert(ignore_permissions=True)
