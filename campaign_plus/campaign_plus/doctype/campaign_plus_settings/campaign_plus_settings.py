# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from campaign_plus.engine.tracking import tracking_base
from campaign_plus.engine.windows import check_cap, check_quiet_hours, clock
from campaign_plus.errors import translated_rule_errors
from campaign_plus.reputation.settings import validate_reputation_settings
from campaign_plus.webhooks.settings import validate_webhooks


class CampaignPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from campaign_plus.campaign_plus.doctype.campaign_plus_sending_limit.campaign_plus_sending_limit import (
			CampaignPlusSendingLimit,
		)
		from campaign_plus.campaign_plus.doctype.campaign_plus_webhook.campaign_plus_webhook import (
			CampaignPlusWebhook,
		)
		from campaign_plus.campaign_plus.doctype.campaign_score_rule.campaign_score_rule import (
			CampaignScoreRule,
		)

		accept_website_requests: DF.Check
		batch_size: DF.Int
		block_on_deliverability_errors: DF.Check
		brand_background_color: DF.Color | None
		brand_content_background: DF.Color | None
		brand_font: DF.Literal[
			"Arial",
			"Helvetica",
			"Georgia",
			"Verdana",
			"Trebuchet MS",
			"Tahoma",
			"Times New Roman",
			"Courier New",
		]
		brand_footer: DF.SmallText | None
		brand_legal_lines: DF.SmallText | None
		brand_link_color: DF.Color | None
		brand_logo: DF.AttachImage | None
		brand_primary_color: DF.Color | None
		brand_text_color: DF.Color | None
		brand_website: DF.Data | None
		confirmation_interval_hours: DF.Int
		confirmation_link_valid_days: DF.Int
		confirmation_template: DF.Link | None
		default_per_day: DF.Int
		default_per_hour: DF.Int
		default_per_minute: DF.Int
		email_account: DF.Link | None
		enable_lead_score: DF.Check
		enable_tracking: DF.Check
		feedback_id_sender: DF.Data | None
		form_submissions_per_minute: DF.Int
		frequency_cap: DF.Int
		frequency_cap_days: DF.Int
		guard_complaint_rate: DF.Percent
		guard_hard_bounce_rate: DF.Percent
		guard_minimum_volume: DF.Int
		guard_refusal_rate: DF.Percent
		guard_window_days: DF.Int
		mailto_unsubscribe: DF.Check
		max_catch_up_days: DF.Int
		opt_in_rule: DF.Literal["Private Persons", "All Recipients", "Not Required"]
		own_domains: DF.SmallText | None
		paced_delivery: DF.Check
		points_click: DF.Float
		points_form: DF.Float
		points_open: DF.Float
		points_reply: DF.Float
		points_unsubscribe: DF.Float
		quiet_hours_end: DF.Literal[
			"",
			"00:00",
			"00:15",
			"00:30",
			"00:45",
			"01:00",
			"01:15",
			"01:30",
			"01:45",
			"02:00",
			"02:15",
			"02:30",
			"02:45",
			"03:00",
			"03:15",
			"03:30",
			"03:45",
			"04:00",
			"04:15",
			"04:30",
			"04:45",
			"05:00",
			"05:15",
			"05:30",
			"05:45",
			"06:00",
			"06:15",
			"06:30",
			"06:45",
			"07:00",
			"07:15",
			"07:30",
			"07:45",
			"08:00",
			"08:15",
			"08:30",
			"08:45",
			"09:00",
			"09:15",
			"09:30",
			"09:45",
			"10:00",
			"10:15",
			"10:30",
			"10:45",
			"11:00",
			"11:15",
			"11:30",
			"11:45",
			"12:00",
			"12:15",
			"12:30",
			"12:45",
			"13:00",
			"13:15",
			"13:30",
			"13:45",
			"14:00",
			"14:15",
			"14:30",
			"14:45",
			"15:00",
			"15:15",
			"15:30",
			"15:45",
			"16:00",
			"16:15",
			"16:30",
			"16:45",
			"17:00",
			"17:15",
			"17:30",
			"17:45",
			"18:00",
			"18:15",
			"18:30",
			"18:45",
			"19:00",
			"19:15",
			"19:30",
			"19:45",
			"20:00",
			"20:15",
			"20:30",
			"20:45",
			"21:00",
			"21:15",
			"21:30",
			"21:45",
			"22:00",
			"22:15",
			"22:30",
			"22:45",
			"23:00",
			"23:15",
			"23:30",
			"23:45",
		]
		quiet_hours_start: DF.Literal[
			"",
			"00:00",
			"00:15",
			"00:30",
			"00:45",
			"01:00",
			"01:15",
			"01:30",
			"01:45",
			"02:00",
			"02:15",
			"02:30",
			"02:45",
			"03:00",
			"03:15",
			"03:30",
			"03:45",
			"04:00",
			"04:15",
			"04:30",
			"04:45",
			"05:00",
			"05:15",
			"05:30",
			"05:45",
			"06:00",
			"06:15",
			"06:30",
			"06:45",
			"07:00",
			"07:15",
			"07:30",
			"07:45",
			"08:00",
			"08:15",
			"08:30",
			"08:45",
			"09:00",
			"09:15",
			"09:30",
			"09:45",
			"10:00",
			"10:15",
			"10:30",
			"10:45",
			"11:00",
			"11:15",
			"11:30",
			"11:45",
			"12:00",
			"12:15",
			"12:30",
			"12:45",
			"13:00",
			"13:15",
			"13:30",
			"13:45",
			"14:00",
			"14:15",
			"14:30",
			"14:45",
			"15:00",
			"15:15",
			"15:30",
			"15:45",
			"16:00",
			"16:15",
			"16:30",
			"16:45",
			"17:00",
			"17:15",
			"17:30",
			"17:45",
			"18:00",
			"18:15",
			"18:30",
			"18:45",
			"19:00",
			"19:15",
			"19:30",
			"19:45",
			"20:00",
			"20:15",
			"20:30",
			"20:45",
			"21:00",
			"21:15",
			"21:30",
			"21:45",
			"22:00",
			"22:15",
			"22:30",
			"22:45",
			"23:00",
			"23:15",
			"23:30",
			"23:45",
		]
		reputation_guard: DF.Check
		require_tracking_consent: DF.Check
		score_fit_rules: DF.Table[CampaignScoreRule]
		score_half_life_days: DF.Float
		sending_limits: DF.Table[CampaignPlusSendingLimit]
		tracking_url: DF.Data | None
		webhooks: DF.Table[CampaignPlusWebhook]
		unsubscribe_link_valid_days: DF.Int
		utm_source: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.validate_quiet_hours()
		self.validate_frequency_cap()
		self.validate_sending_limits()
		self.validate_lead_capture_and_score()
		validate_reputation_settings(self)
		validate_webhooks(self)
		self.validate_tracking_url()

	def validate_tracking_url(self):
		with translated_rule_errors():
			self.tracking_url = tracking_base(self.tracking_url) or ""
		if self.tracking_url and self.has_value_changed("tracking_url"):
			from campaign_plus.tracking.server import check_address

			# saved all the same (the server may be set up after); why it failed is not shown: a
			# settings writer must not learn which ports answer on hosts this server reaches
			if check_address(self.tracking_url):
				frappe.msgprint(
					_(
						"{0} does not answer as the tracking server does. New campaign emails will point at it: check the tracking server and its proxy."
					).format(frappe.bold(self.tracking_url)),
					title=_("Tracking URL"),
					indicator="orange",
				)

	def validate_quiet_hours(self):
		with translated_rule_errors():
			check_quiet_hours(
				clock(self.quiet_hours_start),
				clock(self.quiet_hours_end),
				_("Campaign Plus Settings"),
			)

	def validate_frequency_cap(self):
		with translated_rule_errors():
			check_cap(self.frequency_cap, self.frequency_cap_days)

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

	def validate_lead_capture_and_score(self):
		from campaign_plus.scoring.settings import validate_settings

		validate_settings(self)
