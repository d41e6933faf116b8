# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignReputationPause(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		complaint_rate: DF.Percent
		complaints: DF.Int
		counted_since: DF.Datetime | None
		email_account: DF.Link | None
		emails_sent: DF.Int
		hard_bounce_rate: DF.Percent
		hard_bounces: DF.Int
		paused_on: DF.Datetime | None
		reason: DF.SmallText | None
		refusal_rate: DF.Percent
		reputation_refusals: DF.Int
		resumed_by: DF.Link | None
		resumed_on: DF.Datetime | None
		rows_deferred: DF.Int
		rows_released: DF.Int
		scope: DF.Literal["Campaign", "Email Account"]
		status: DF.Literal["Paused", "Resumed"]
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_index("Campaign Reputation Pause", ["status", "campaign"])
	frappe.db.add_index("Campaign Reputation Pause", ["status", "email_account"])
