# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignFormView(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		embedded_on: DF.Data | None
		form: DF.Link | None
		view_date: DF.Date | None
		views: DF.Int
	# end: auto-generated types

	pass


def on_doctype_update():
	# one counter per form, day and website: each view is one upsert
	frappe.db.add_unique(
		"Campaign Form View", ["form", "view_date", "embedded_on"], constraint_name="unique_form_day_site"
	)
