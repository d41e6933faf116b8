# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import cint

from campaign_plus.card.statuses import load_statuses
from campaign_plus.engine.status import StatusRule, check_status
from campaign_plus.errors import translated_rule_errors


class CampaignStatus(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		code: DF.Data
		description: DF.SmallText | None
		indicator_color: DF.Literal[
			"blue", "green", "orange", "red", "gray", "yellow", "purple", "pink", "cyan"
		]
		is_closed: DF.Check
		next_status: DF.Link | None
		sequence: DF.Int
	# end: auto-generated types

	def validate(self):
		self.clean_code()
		self.validate_next_status()

	def on_update(self):
		self.update_campaign_indicators()

	def clean_code(self):
		self.code = (self.code or "").strip()

	def as_rule(self) -> StatusRule:
		return StatusRule(
			self.name or self.code, cint(self.sequence), self.next_status or None, bool(self.is_closed)
		)

	def validate_next_status(self):
		statuses = load_statuses()
		if not self.is_new() and self.name in statuses:
			statuses.pop(self.name)
		with translated_rule_errors():
			check_status(self.as_rule(), statuses)

	def update_campaign_indicators(self):
		"""Campaigns keep a copy of their status colour for the list view: refresh it in one query."""
		if self.is_new() or self.has_value_changed("indicator_color"):
			campaign = frappe.qb.DocType("Campaign")
			(
				frappe.qb.update(campaign)
				.set(campaign.cp_status_color, self.indicator_color)
				.where(campaign.cp_status == self.name)
				.run()
			)
