# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignTargetCustomer(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		members: DF.Int
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_unique(
		"Campaign Target Customer", ["campaign", "customer"], constraint_name="unique_campaign_customer"
	)
	frappe.db.add_index("Campaign Target Customer", ["customer", "campaign"])
