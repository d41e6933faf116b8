# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CampaignPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from campaign_plus.campaign_plus.doctype.campaign_plus_sending_limit.campaign_plus_sending_limit import (
			CampaignPlusSendingLimit,
		)

		accept_website_requests: DF.Check
		batch_size: DF.Int
		confirmation_interval_hours: DF.Int
		confirmation_link_valid_days: DF.Int
		confirmation_template: DF.Link | None
		default_per_day: DF.Int
		default_per_hour: DF.Int
		default_per_minute: DF.Int
		email_account: DF.Link | None
		enable_tracking: DF.Check
		max_catch_up_days: DF.Int
		opt_in_rule: DF.Literal["Private Persons", "All Recipients", "Not Required"]
		paced_delivery: DF.Check
		require_tracking_consent: DF.Check
		sending_limits: DF.Table[CampaignPlusSendingLimit]
	# end: auto-generated types

	def validate(self):
		self.validate_sending_limits()

	def validate_sending_limits(self):
		"""One row per Email Account, and no negative limit."""
		seen = set()
		for row in self.sending_limits:
			if row.email_account in seen:
				frappe.throw(
					_("Row {0}: {1} has sending limits in another row already.").format(
						row.idx, frappe.bold(row.email_account)
					),
					title=_("Duplicate Email Account"),
				)
			seen.add(row.email_account)
			for fieldname in ("per_minute", "per_hour", "per_day"):
				if (row.get(fieldname) or 0) < 0:
					frappe.throw(
						_("Row {0}: a sending limit cannot be negative (0: no limit).").format(row.idx)
					)
