# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import json

from frappe.model.document import Document

from campaign_plus.segments.criteria import validated_filters


class CampaignSegmentCriteria(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		criteria_name: DF.Data
		description: DF.SmallText | None
		document_type: DF.Literal["Lead", "Contact", "Customer"]
		filters: DF.Code
	# end: auto-generated types

	def validate(self):
		self.validate_filters()

	def validate_filters(self):
		"""Refuse criteria that could not run; store them in Frappe's list form."""
		self.filters = json.dumps(validated_filters(self.document_type, self.filters or "[]"), default=str)
