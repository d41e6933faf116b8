# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignSegmentChange(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		added_by_step: DF.Int
		campaign_target: DF.Check
		change_type: DF.Literal["Added", "Removed", "Flag"]
		customer: DF.Data | None
		email: DF.Data | None
		party: DF.Data | None
		party_name: DF.Data | None
		party_type: DF.Link | None
		segment: DF.Link
		step: DF.Int
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_index("Campaign Segment Change", ["segment", "step"])
