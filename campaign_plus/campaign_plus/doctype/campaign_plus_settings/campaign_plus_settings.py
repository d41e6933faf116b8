# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CampaignPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		accept_website_requests: DF.Check
		batch_size: DF.Int
		confirmation_interval_hours: DF.Int
		confirmation_link_valid_days: DF.Int
		confirmation_template: DF.Link | None
		email_account: DF.Link | None
		enable_tracking: DF.Check
		max_catch_up_days: DF.Int
		opt_in_rule: DF.Literal["Private Persons", "All Recipients", "Not Required"]
		require_tracking_consent: DF.Check
	# end: auto-generated types

	pass
