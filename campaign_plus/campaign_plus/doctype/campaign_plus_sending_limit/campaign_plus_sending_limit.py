# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignPlusSendingLimit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		email_account: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		per_day: DF.Int
		per_hour: DF.Int
		per_minute: DF.Int
	# end: auto-generated types

	pass
