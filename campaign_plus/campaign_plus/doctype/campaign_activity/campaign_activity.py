# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from frappe.model.document import Document
from frappe.utils import cint, flt

from campaign_plus.engine.activities import ActivityStep, check_steps
from campaign_plus.engine.date_formula import format_terms, parse
from campaign_plus.errors import translated_rule_errors


class CampaignActivity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from campaign_plus.campaign_plus.doctype.campaign_activity_step.campaign_activity_step import (
			CampaignActivityStep,
		)

		activity_name: DF.Data
		description: DF.SmallText | None
		steps: DF.Table[CampaignActivityStep]
	# end: auto-generated types

	def validate(self):
		self.validate_steps()

	def validate_steps(self):
		"""Known types and priorities, a description, a date formula that parses (normalised), no
		negative cost or duration."""
		with translated_rule_errors():
			for row in self.steps:
				formula = (row.date_formula or "").strip()
				row.date_formula = format_terms(parse(formula)) if formula else None
			check_steps(as_steps(self))


def as_steps(doc) -> list[ActivityStep]:
	return [
		ActivityStep(
			row.idx,
			row.activity_type,
			row.description or "",
			row.priority or "Medium",
			row.date_formula or None,
			flt(row.cost),
			cint(row.duration),
		)
		for row in doc.steps
	]
