# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignSegment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link
		campaign_response: DF.Check
		campaign_target: DF.Check
		description: DF.SmallText | None
		last_action: DF.Data | None
		member_count: DF.Int
		segment_name: DF.Data
		unit_cost: DF.Currency
		unit_duration: DF.Int
	# end: auto-generated types

	def on_trash(self):
		self.delete_members_and_history()

	def delete_members_and_history(self):
		"""Members, steps and deltas go with the segment (set-based)."""
		for doctype in ("Campaign Segment Member", "Campaign Segment Change", "Campaign Segment Step"):
			frappe.db.delete(doctype, {"segment": self.name})
