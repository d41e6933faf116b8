# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignFormField(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		fieldname: DF.Autocomplete
		label: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		placeholder: DF.Data | None
		required: DF.Check
	# end: auto-generated types

	pass
