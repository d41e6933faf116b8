# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CampaignEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link
		canceled: DF.Check
		canceled_by: DF.Link | None
		canceled_on: DF.Datetime | None
		cost: DF.Currency
		description: DF.SmallText
		duration: DF.Int
		entry_date: DF.Date
		entry_type: DF.Literal[
			"Manual", "Email Step Sent", "Segment Logged", "Prices Activated", "Prices Deactivated"
		]
		interactions: DF.Int
		sales_person: DF.Link | None
		segment: DF.Link | None
		user: DF.Link | None
	# end: auto-generated types

	def on_trash(self):
		self.refuse_deleting_an_active_entry()

	def refuse_deleting_an_active_entry(self):
		if not self.canceled:
			frappe.throw(
				_("Only canceled campaign entries can be deleted: cancel {0} first.").format(
					frappe.bold(self.name)
				),
				title=_("Entry Not Canceled"),
			)


def on_doctype_update():
	frappe.db.add_index("Campaign Entry", ["campaign", "canceled"])
