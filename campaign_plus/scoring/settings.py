# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The lead score's part of Campaign Plus Settings: points, half-life and fit rules (validated
against the meta as segment criteria are), and the Lead Capture part (own domains)."""

import json
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint, flt

from campaign_plus.engine import scoring, utm
from campaign_plus.engine.automation import SCORE_REACHED
from campaign_plus.errors import translated_rule_errors
from campaign_plus.segments.criteria import validated_filters

SETTINGS = "Campaign Plus Settings"
PARTY_DOCTYPES = ("Lead", "Contact")
POINT_FIELDS = {
	scoring.OPEN: "points_open",
	scoring.CLICK: "points_click",
	scoring.REPLY: "points_reply",
	scoring.FORM: "points_form",
	scoring.UNSUBSCRIBE: "points_unsubscribe",
}


@dataclass(frozen=True)
class FitRule:
	key: str
	document_type: str
	filters: list
	points: float


@dataclass(frozen=True)
class Scoring:
	enabled: bool
	settings: scoring.ScoreSettings
	rules: tuple[FitRule, ...]

	def rules_for(self, doctype: str) -> list[FitRule]:
		return [rule for rule in self.rules if rule.document_type == doctype]


def _points(values: dict) -> dict[str, float]:
	points = {}
	for kind, fieldname in POINT_FIELDS.items():
		value = values.get(fieldname)
		points[kind] = scoring.DEFAULT_POINTS[kind] if value in (None, "") else flt(value)
	return points


def load() -> Scoring:
	values = frappe.db.get_singles_dict(SETTINGS)
	enabled = values.get("enable_lead_score")
	half_life = values.get("score_half_life_days")
	rows = frappe.get_all(
		"Campaign Score Rule",
		filters={"parent": SETTINGS, "parenttype": SETTINGS},
		fields=["name", "document_type", "filters", "points"],
		order_by="idx asc",
	)
	rules = []
	for row in rows:
		try:
			filters = validated_filters(row.document_type, json.loads(row.filters or "[]"))
		except (ValueError, frappe.ValidationError):
			continue  # a rule saved before the doctype changed: left out until fixed
		rules.append(FitRule(row.name, row.document_type, filters, flt(row.points)))
	return Scoring(
		enabled=True if enabled in (None, "") else bool(cint(enabled)),
		settings=scoring.ScoreSettings.of(
			_points(values), scoring.DEFAULT_HALF_LIFE_DAYS if half_life in (None, "") else flt(half_life)
		),
		rules=tuple(rules),
	)


def thresholds() -> list[float]:
	"""Every score an event rule acts at (one query)."""
	return sorted(
		{
			flt(value)
			for value in frappe.get_all(
				"Campaign Event Rule",
				filters={"parenttype": "Campaign", "event": SCORE_REACHED},
				pluck="score_threshold",
			)
			if flt(value) > 0
		}
	)


def validate_settings(doc) -> None:
	"""Campaign Plus Settings ``validate``: own domains, points, half-life, fit rules."""
	with translated_rule_errors():
		utm.parse_domains(doc.get("own_domains"))
		scoring.check_settings(
			scoring.ScoreSettings.of(
				{kind: flt(doc.get(field)) for kind, field in POINT_FIELDS.items()},
				flt(doc.get("score_half_life_days")),
			)
		)
	for row in doc.get("score_fit_rules") or []:
		if row.document_type not in PARTY_DOCTYPES:
			frappe.throw(
				_("Fit rule {0}: a rule scores Leads or Contacts.").format(row.idx), title=_("Lead Score")
			)
		try:
			filters = json.loads(row.filters or "")
		except ValueError:
			frappe.throw(
				_("Fit rule {0}: the conditions are not valid JSON.").format(row.idx), title=_("Lead Score")
			)
		if not filters:
			frappe.throw(_("Fit rule {0}: set its conditions.").format(row.idx), title=_("Lead Score"))
		validated_filters(row.document_type, filters)
