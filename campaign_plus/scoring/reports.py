# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""How lead scores are spread: bands of equal width, one GROUP BY."""

import frappe

from campaign_plus.scoring.compute import SCORE
from campaign_plus.scoring.settings import PARTY_DOCTYPES


def distribution(doctype: str, width: float, only_scored: bool = True) -> list[dict]:
	"""Per band [low, low + width): how many ``doctype`` rows have a score in it."""
	if doctype not in PARTY_DOCTYPES:
		return []
	width = width if width and width > 0 else 10.0
	condition = f"WHERE `{SCORE}` IS NOT NULL" if only_scored else ""
	rows = frappe.db.sql(
		f"""SELECT FLOOR(IFNULL(`{SCORE}`, 0) / %(width)s) * %(width)s AS low, COUNT(*) AS count
		FROM `tab{doctype}` {condition} GROUP BY low ORDER BY low""",
		{"width": width},
		as_dict=True,
	)
	return [{"low": float(row.low), "high": float(row.low) + width, "count": int(row.count)} for row in rows]
