# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Lead Score Distribution: how many Leads (or Contacts) have a score in each band."""

import frappe
from frappe import _
from frappe.utils import flt

from campaign_plus.engine.tracking import ratio
from campaign_plus.scoring.reports import distribution


def execute(filters=None):
	filters = frappe._dict(filters or {})
	doctype = filters.document_type or "Lead"
	if doctype not in ("Lead", "Contact"):
		frappe.throw(_("Scores are kept on Leads and Contacts."), title=_("Lead Score"))
	frappe.has_permission(doctype, "report", throw=True)
	bands = distribution(doctype, flt(filters.band_width) or 10.0)
	total = sum(band["count"] for band in bands)
	rows = [
		{
			"band": f"{band['low']:g} – {band['high']:g}",
			"low": band["low"],
			"count": band["count"],
			"share": ratio(band["count"], total),
		}
		for band in bands
	]
	return columns(doctype), rows, None, chart(rows, doctype)


def columns(doctype: str) -> list[dict]:
	return [
		{"fieldname": "band", "label": _("Score"), "fieldtype": "Data", "width": 140},
		{"fieldname": "low", "label": _("From Score"), "fieldtype": "Float", "width": 90},
		{"fieldname": "count", "label": _(doctype), "fieldtype": "Int", "width": 110},
		{"fieldname": "share", "label": _("Share %"), "fieldtype": "Percent", "width": 100},
	]


def chart(rows: list[dict], doctype: str) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["band"] for row in rows],
			"datasets": [{"name": _(doctype), "values": [row["count"] for row in rows]}],
		},
		"type": "bar",
	}
