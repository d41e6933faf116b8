# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignEventRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal[
			"Assign Activity", "Create Opportunity", "Add to Segment", "Stop Sequence", "Notify Sales Person"
		]
		activity: DF.Link | None
		event: DF.Literal["Click", "Reply", "Order", "Score Reached"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		sales_person: DF.Link | None
		score_threshold: DF.Float
		segment: DF.Link | None
	# end: auto-generated types

	pass
