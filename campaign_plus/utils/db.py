# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Set-based database helpers shared by the services."""

import random
import time

import frappe
from frappe.utils import now_datetime

from campaign_plus.utils.runtime import in_test

# The columns every row carries, for bulk inserts (name, then the standard ones).
STANDARD_COLUMNS = ("name", "creation", "modified", "owner", "modified_by", "docstatus")


def standard_values(name: str | None = None, now=None, user: str | None = None) -> tuple:
	"""Values for :data:`STANDARD_COLUMNS`: a new hash name unless given, now, the session user."""
	now = now or now_datetime()
	user = user or frappe.session.user
	return (name or frappe.generate_hash(length=12), now, now, user, user, 0)


def retrying_deadlocks(work, attempts: int = 5):
	"""Run ``work()`` (a whole transaction, committing itself); when the database chose it as a
	deadlock victim (and rolled it back), run it again a moment later. Under tests: no retry."""
	for attempt in range(1, attempts + 1):
		try:
			return work()
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == attempts or in_test():
				raise
			time.sleep(random.uniform(0.05, 0.25) * attempt)
