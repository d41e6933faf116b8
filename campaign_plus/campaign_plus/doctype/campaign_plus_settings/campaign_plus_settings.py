# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		batch_size: DF.Int
		email_account: DF.Link | None
		enable_tracking: DF.Check
		max_catch_up_days: DF.Int
		require_tracking_consent: DF.Check
	# end: auto-generated types

	pass
