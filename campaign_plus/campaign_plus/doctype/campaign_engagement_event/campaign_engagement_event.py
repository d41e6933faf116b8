# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignEngagementEvent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		hit_on: DF.Datetime | None
		kind: DF.Literal["Open", "Click"]
		link_index: DF.Int
		link_url: DF.SmallText | None
		send_log: DF.Link
		user_agent_class: DF.Literal["Desktop", "Mobile", "Mail Proxy", "Bot", "Other"]
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_index("Campaign Engagement Event", ["send_log", "kind"])
	frappe.db.add_index("Campaign Engagement Event", ["campaign", "kind"])
