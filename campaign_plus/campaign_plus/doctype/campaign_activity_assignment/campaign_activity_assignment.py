# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignActivityAssignment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activity: DF.Link
		assignment_key: DF.Data | None
		campaign: DF.Link | None
		sales_person: DF.Link
		start_date: DF.Date
		status: DF.Literal["Pending", "Open", "Canceled"]
		target_doctype: DF.Link
		target_name: DF.DynamicLink
		task_count: DF.Int
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_index("Campaign Activity Assignment", ["target_doctype", "target_name"])
