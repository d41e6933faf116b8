# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

# The identity of a send: one row per campaign, email step and recipient, enforced by the database.
IDENTITY = ("campaign", "schedule_row", "party_type", "party")


class CampaignSendLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link
		bounced_on: DF.Datetime | None
		clicks: DF.Int
		complained_on: DF.Datetime | None
		delivered_on: DF.Datetime | None
		delivery_doubt: DF.Literal["", "May Not Have Arrived", "May Have Arrived Twice"]
		due_date: DF.Date | None
		email: DF.Data | None
		email_account: DF.Link | None
		email_campaign: DF.Link | None
		email_queue: DF.Link | None
		email_template: DF.Link | None
		error: DF.SmallText | None
		first_clicked_on: DF.Datetime | None
		first_opened_on: DF.Datetime | None
		local_send_time: DF.Data | None
		opens: DF.Int
		party: DF.DynamicLink
		party_type: DF.Link
		queued_on: DF.Datetime | None
		replied_on: DF.Datetime | None
		reputation_refused_on: DF.Datetime | None
		reason: DF.Literal[
			"",
			"Unsubscribed",
			"No Email",
			"Invalid Email",
			"Duplicate Address",
			"Campaign Closed",
			"Expired",
			"Template Error",
			"Send Error",
			"Bounced Address",
			"No Consent",
			"Quiet Hours",
			"Non-Business Day",
			"Frequency Cap",
			"Awaiting Winner",
			"Condition Not Met",
			"Sequence Stopped",
			"Deliverability Check",
			"Spam Complaint",
			"Suppressed",
			"Paused: Reputation",
		]
		schedule_row: DF.Data | None
		send_at: DF.Datetime | None
		sent_on: DF.Datetime | None
		soft_bounces: DF.Int
		status: DF.Literal[
			"Planned", "Queued", "Sent", "Failed", "Skipped", "Deferred", "Bounced", "Complained"
		]
		step_idx: DF.Int
		step_label: DF.Data | None
		time_zone: DF.Data | None
		tracking: DF.Literal["", "Individual", "Aggregate"]
		variant: DF.Data | None
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_unique("Campaign Send Log", IDENTITY, constraint_name="unique_campaign_step_recipient")
	frappe.db.add_index("Campaign Send Log", ["campaign", "status"])
	# a campaign's rows newest first (the list view), its last days (the emails-per-day chart)
	frappe.db.add_index("Campaign Send Log", ["campaign", "creation"])
	frappe.db.add_index("Campaign Send Log", ["status", "email_queue"])
	frappe.db.add_index("Campaign Send Log", ["party_type", "party"])
	frappe.db.add_index("Campaign Send Log", ["email", "status"])  # bounces matched by recipient
	# deferred rows whose moment has come; every campaign's sends of the last days (frequency cap)
	frappe.db.add_index("Campaign Send Log", ["status", "send_at"])
	# the reputation guard and the deliverability view: an account's recent sends
	frappe.db.add_index("Campaign Send Log", ["email_account", "queued_on"])
	# the Campaign form at every opening, read from the index alone over a campaign of 100,000: the
	# accounts it sends through (reputation status) and the emails a fault left in doubt
	frappe.db.add_index("Campaign Send Log", ["campaign", "email_account"])
	frappe.db.add_index("Campaign Send Log", ["campaign", "delivery_doubt"])
