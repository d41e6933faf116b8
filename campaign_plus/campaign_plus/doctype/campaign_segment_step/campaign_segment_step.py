# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignSegmentStep(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal["Add", "Reduce", "Refine", "Set Target"]
		added_count: DF.Int
		changed_count: DF.Int
		criteria: DF.Link | None
		document_type: DF.Link | None
		excluded: DF.SmallText | None
		filters: DF.Code | None
		removed_count: DF.Int
		segment: DF.Link
		step: DF.Int
		user: DF.Link | None
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_unique("Campaign Segment Step", ["segment", "step"], constraint_name="unique_segment_step")
