# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignFormSubmission(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		consent: DF.Link | None
		consent_status: DF.Data | None
		email: DF.Data | None
		embedded_on: DF.Data | None
		form: DF.Link | None
		ip_address: DF.Data | None
		new_party: DF.Check
		page_url: DF.SmallText | None
		party: DF.DynamicLink | None
		party_type: DF.Link | None
		segment: DF.Link | None
		submitted_on: DF.Datetime | None
		utm_campaign: DF.Data | None
		utm_content: DF.Data | None
		utm_medium: DF.Data | None
		utm_source: DF.Data | None
		utm_term: DF.Data | None
	# end: auto-generated types

	pass


def on_doctype_update():
	frappe.db.add_index("Campaign Form Submission", ["party_type", "party"])
	frappe.db.add_index("Campaign Form Submission", ["form", "submitted_on"])
