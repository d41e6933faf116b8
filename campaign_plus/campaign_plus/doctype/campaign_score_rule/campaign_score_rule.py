# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignScoreRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.Data | None
		document_type: DF.Literal["Lead", "Contact"]
		filters: DF.Code
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		points: DF.Float
	# end: auto-generated types

	pass
