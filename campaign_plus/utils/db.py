# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Set-based database helpers shared by the services."""

import frappe
from frappe.utils import now_datetime

# The columns every row carries, for bulk inserts (name, then the standard ones).
STANDARD_COLUMNS = ("name", "creation", "modified", "owner", "modified_by", "docstatus")


def standard_values(name: str | None = None, now=None, user: str | None = None) -> tuple:
	"""Values for :data:`STANDARD_COLUMNS`: a new hash name unless given, now, the session user."""
	now = now or now_datetime()
	user = user or frappe.session.user
	return (name or frappe.generate_hash(length=12), now, now, user, user, 0)
