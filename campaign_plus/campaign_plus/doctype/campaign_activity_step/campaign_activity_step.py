# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignActivityStep(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activity_type: DF.Literal["Call", "Meeting", "Email", "Task"]
		cost: DF.Currency
		date_formula: DF.Data | None
		description: DF.SmallText
		duration: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		priority: DF.Literal["High", "Medium", "Low"]
	# end: auto-generated types

	pass
