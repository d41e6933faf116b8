# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Where the code runs: tests run jobs in-process and leave commits to the test's rollback."""

import frappe


def in_test() -> bool:
	"""True under tests (Frappe 15's ``frappe.flags.in_test``, Frappe 16's ``frappe.in_test``)."""
	return bool(getattr(frappe, "in_test", False) or frappe.flags.in_test)
