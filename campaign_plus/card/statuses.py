# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Load Campaign Status records as engine rules (one query)."""

import frappe
from frappe.utils import cint

from campaign_plus.engine.status import StatusRule, index


def load_statuses() -> dict[str, StatusRule]:
	rows = frappe.get_all(
		"Campaign Status",
		fields=["name", "sequence", "next_status", "is_closed"],
		order_by="sequence asc, name asc",
	)
	return index(
		StatusRule(row.name, cint(row.sequence), row.next_status or None, bool(row.is_closed)) for row in rows
	)
