# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignInteraction(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link
		canceled: DF.Check
		cost: DF.Currency
		duration: DF.Int
		entry: DF.Link | None
		interaction_date: DF.Date
		interaction_type: DF.Literal[
			"Segment Logged", "Call", "Meeting", "Email", "Task", "Response", "Automation"
		]
		party: DF.DynamicLink
		party_type: DF.Link
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		rule: DF.Data | None
		rule_action: DF.Data | None
		rule_event: DF.Data | None
		segment: DF.Link | None
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_index("Campaign Interaction", ["campaign", "canceled"])
	frappe.db.add_index("Campaign Interaction", ["entry"])
	# An event rule acts once per recipient: the database refuses a second interaction for it.
	frappe.db.add_unique(
		"Campaign Interaction", ["rule", "party_type", "party"], constraint_name="unique_rule_recipient"
	)
