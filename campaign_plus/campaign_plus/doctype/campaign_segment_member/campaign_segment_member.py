# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignSegmentMember(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		added_by_step: DF.Int
		campaign_target: DF.Check
		customer: DF.Link | None
		email: DF.Data | None
		party: DF.DynamicLink
		party_name: DF.Data | None
		party_type: DF.Link
		segment: DF.Link
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_unique(
		"Campaign Segment Member", ["segment", "party_type", "party"], constraint_name="unique_segment_party"
	)
	frappe.db.add_index("Campaign Segment Member", ["segment", "added_by_step"])
	frappe.db.add_index("Campaign Segment Member", ["party_type", "party"])
