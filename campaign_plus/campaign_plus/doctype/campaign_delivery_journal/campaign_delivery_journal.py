# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignDeliveryJournal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Data | None
		email_account: DF.Data | None
		epoch: DF.Data | None
		holder: DF.Data | None
	# end: auto-generated types

	pass
