# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document

from campaign_plus.forms import definition


class CampaignForm(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from campaign_plus.campaign_plus.doctype.campaign_form_field.campaign_form_field import (
			CampaignFormField,
		)

		allowed_domains: DF.SmallText | None
		campaign: DF.Link | None
		consent_checkbox: DF.Literal["Required", "Optional", "No Checkbox"]
		consent_text: DF.SmallText | None
		document_type: DF.Literal["Lead", "Contact"]
		double_opt_in: DF.Check
		enabled: DF.Check
		form_fields: DF.Table[CampaignFormField]
		form_title: DF.Data
		introduction: DF.SmallText | None
		min_fill_seconds: DF.Int
		route: DF.Data | None
		segment: DF.Link | None
		submit_label: DF.Data | None
		thank_you_message: DF.SmallText | None
		thank_you_url: DF.Data | None
	# end: auto-generated types

	def validate(self):
		definition.validate(self)
