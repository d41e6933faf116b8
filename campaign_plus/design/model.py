# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A Campaign Email Design's stored design: checked by the engine, versioned when it changes."""

import json

import frappe

from campaign_plus.engine import design as engine
from campaign_plus.errors import translated_rule_errors

DOCTYPE = "Campaign Email Design"


def validate_design(doc) -> None:
	"""Controller ``validate``: the design normalised (blocks checked, footer added) and its
	version raised when it differs from the stored one."""
	with translated_rule_errors():
		normalised = engine.normalise(doc.design or "{}")
	doc.design = engine.dumps(normalised)
	before = (
		None if doc.is_new() else frappe.db.get_value(DOCTYPE, doc.name, ["design", "version"], as_dict=True)
	)
	if before is None:
		doc.version = max(doc.version or 0, 1)
	elif _canonical(before.design) != doc.design:
		doc.version = (before.version or 0) + 1
	else:
		doc.version = before.version or 1


def _canonical(value) -> str | None:
	try:
		return engine.dumps(engine.normalise(value or "{}"))
	except Exception:
		return None


def load(name: str) -> tuple[dict, dict]:
	"""(the design's row: name, title, campaign, version; its normalised design)."""
	row = frappe.db.get_value(DOCTYPE, name, ["name", "title", "campaign", "version", "design"], as_dict=True)
	if not row:
		frappe.throw(
			frappe._("Email design {0} not found.").format(frappe.bold(name)), frappe.DoesNotExistError
		)
	with translated_rule_errors():
		design = engine.normalise(row.pop("design") or "{}")
	return row, design


def empty_design() -> str:
	return json.dumps({"schema": engine.SCHEMA, "settings": {}, "blocks": []})
