# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from campaign_plus.suppression import records


class CampaignSuppression(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		active: DF.Check
		campaign: DF.Link | None
		email: DF.Data
		lifted_by: DF.Link | None
		lifted_on: DF.Datetime | None
		note: DF.SmallText | None
		reason: DF.Literal["By Hand", "Hard Bounce", "Spam Complaint", "Unsubscribed"]
		send_log: DF.Link | None
		since: DF.Datetime | None
		source: DF.Literal[
			"By Hand",
			"CSV Import",
			"Email Report",
			"Provider Webhook",
			"Delivery",
			"Unsubscribe",
			"Migration",
		]
	# end: auto-generated types

	def validate(self):
		records.validate_entry(self)


def on_doctype_update():
	# one entry per address and reason (the list's writes rely on it: INSERT … ON DUPLICATE KEY)
	frappe.db.add_unique("Campaign Suppression", ["email", "reason"], constraint_name="unique_email_reason")
	frappe.db.add_index("Campaign Suppression", ["active", "email"])
