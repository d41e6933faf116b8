# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignStepEngagement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link
		hits: DF.Int
		kind: DF.Literal["Open", "Click"]
		last_hit_on: DF.Datetime | None
		link_key: DF.Data | None
		link_url: DF.SmallText | None
		schedule_row: DF.Data | None
		step_idx: DF.Int
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_unique(
		"Campaign Step Engagement",
		("campaign", "schedule_row", "kind", "link_key"),
		constraint_name="unique_campaign_step_kind_link",
	)
