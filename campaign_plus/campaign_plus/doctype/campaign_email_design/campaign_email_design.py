# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document

from campaign_plus.design import model


class CampaignEmailDesign(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		design: DF.JSON | None
		title: DF.Data
		version: DF.Int
	# end: auto-generated types

	def validate(self):
		model.validate_design(self)
