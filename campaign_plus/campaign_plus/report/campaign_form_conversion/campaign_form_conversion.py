# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign Form Conversion: views → submissions → confirmed, per form."""

import frappe
from frappe import _

from campaign_plus.engine.tracking import ratio
from campaign_plus.forms.reports import conversion, form_columns


def execute(filters=None):
	filters = frappe._dict(filters or {})
	frappe.has_permission("Campaign Form", "report", throw=True)
	rows = conversion(filters)
	for row in rows:
		row["submission_rate"] = ratio(row["submissions"], row["views"])
		row["confirmation_rate"] = ratio(row["confirmed"], row["submissions"])
	return columns(), rows, None, chart(rows)


def columns() -> list[dict]:
	return [
		*form_columns(),
		{"fieldname": "views", "label": _("Views"), "fieldtype": "Int", "width": 90},
		{"fieldname": "submissions", "label": _("Submissions"), "fieldtype": "Int", "width": 110},
		{"fieldname": "submission_rate", "label": _("Submitted %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "confirmed", "label": _("Consent Confirmed"), "fieldtype": "Int", "width": 140},
		{"fieldname": "confirmation_rate", "label": _("Confirmed %"), "fieldtype": "Percent", "width": 110},
	]


def chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["form_title"] or row["form"] for row in rows],
			"datasets": [
				{"name": _("Views"), "values": [row["views"] for row in rows]},
				{"name": _("Submissions"), "values": [row["submissions"] for row in rows]},
				{"name": _("Consent Confirmed"), "values": [row["confirmed"] for row in rows]},
			],
		},
		"type": "bar",
	}
