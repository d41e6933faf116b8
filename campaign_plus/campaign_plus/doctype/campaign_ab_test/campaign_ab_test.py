# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from campaign_plus.engine.experiments import check_test, letter
from campaign_plus.errors import translated_rule_errors


class CampaignABTest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from campaign_plus.campaign_plus.doctype.campaign_ab_variant.campaign_ab_variant import (
			CampaignABVariant,
		)

		campaign: DF.Link
		criterion: DF.Literal["Unique Opens", "Unique Clicks", "Replies", "Revenue"]
		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		decision: DF.SmallText | None
		p_value: DF.Float
		revenue_from: DF.Literal["Sales Invoice", "Sales Order"]
		schedule_row: DF.Data | None
		significant: DF.Check
		status: DF.Literal["Waiting", "Testing", "Winner Chosen"]
		step_idx: DF.Int
		step_label: DF.Data | None
		test_share: DF.Percent
		test_started_on: DF.Datetime | None
		variants: DF.Table[CampaignABVariant]
		wait_days: DF.Float
		winner: DF.Data | None
		winner_template: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.resolve_step()
		self.name_variants()
		self.check_rules()
		self.keep_a_started_test()

	def resolve_step(self):
		"""The step under test, by its number in the campaign's schedule (kept by its row once set)."""
		schedule = frappe.get_all(
			"Campaign Email Schedule",
			filters={"parent": self.campaign, "parenttype": "Campaign"},
			fields=["name", "idx", "email_template", "cp_step_label"],
		)
		row = next((r for r in schedule if r.name == self.schedule_row), None) if self.schedule_row else None
		row = row or next((r for r in schedule if r.idx == self.step_idx), None)
		if not row:
			frappe.throw(
				_("Campaign {0} has no step {1} in its email schedule.").format(
					frappe.bold(self.campaign), self.step_idx
				),
				title=_("Unknown Step"),
			)
		self.schedule_row, self.step_idx, self.step_label = row.name, row.idx, row.cp_step_label
		if not self.variants:  # a new test starts from the step's own template as variant A
			self.append("variants", {"email_template": row.email_template})
		other = frappe.db.get_value(
			"Campaign AB Test", {"schedule_row": row.name, "name": ("!=", self.name or "")}, "name"
		)
		if other:
			frappe.throw(
				_("Step {0} of this campaign already has an A/B test: {1}.").format(
					row.idx, frappe.bold(other)
				),
				title=_("A/B Test"),
			)

	def name_variants(self):
		for index, variant in enumerate(self.variants):
			variant.variant = letter(index) if index < 4 else None

	def check_rules(self):
		with translated_rule_errors():
			check_test(
				[v.email_template for v in self.variants], self.test_share, self.wait_days, self.criterion
			)

	def keep_a_started_test(self):
		"""Once recipients got a variant, the variants and the share stay as they were dealt."""
		if self.is_new() or self.status == "Waiting":
			return
		before = self.get_doc_before_save()
		changed = [v.email_template for v in before.variants] != [v.email_template for v in self.variants]
		if changed or before.test_share != self.test_share:
			frappe.throw(
				_(
					"Recipients have already received the variants: they and the test share can no longer change."
				),
				title=_("A/B Test Started"),
			)

	def on_trash(self):
		"""A started test without winner holds recipients: they must not wait for ever."""
		if self.status != "Testing":
			return
		waiting = frappe.db.count(
			"Campaign Send Log",
			{"schedule_row": self.schedule_row, "status": "Deferred", "reason": "Awaiting Winner"},
		)
		if waiting:
			frappe.throw(
				_(
					"{0} recipients are waiting for this test's winner: choose it before deleting the test."
				).format(waiting),
				title=_("A/B Test Started"),
			)


def on_doctype_update():
	frappe.db.add_unique("Campaign AB Test", ["schedule_row"], constraint_name="unique_step_test")
	frappe.db.add_index("Campaign AB Test", ["campaign", "status"])
