# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignBounce(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		bounce_type: DF.Literal["Hard", "Soft"]
		campaign: DF.Link | None
		cleared: DF.Check
		cleared_by: DF.Link | None
		cleared_on: DF.Datetime | None
		communication: DF.Link | None
		diagnostic: DF.SmallText | None
		email: DF.Data | None
		received_on: DF.Datetime | None
		send_log: DF.Link | None
		status_code: DF.Data | None
	# end: auto-generated types

	def after_insert(self):
		"""A hard bounce keeps its address out of campaign email: a Hard Bounce suppression entry."""
		if self.bounce_type == "Hard" and not self.cleared:
			from campaign_plus.suppression import bounce_entries

			bounce_entries.add_for_bounces([self])

	def on_update(self):
		if self.cleared and self.has_value_changed("cleared") and not self.is_new():
			from campaign_plus.suppression import bounce_entries

			bounce_entries.lift_for_cleared(self.email)


def on_doctype_update():
	frappe.db.add_index("Campaign Bounce", ["email", "bounce_type", "cleared"])
	frappe.db.add_index("Campaign Bounce", ["campaign", "bounce_type"])
