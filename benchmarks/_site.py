# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What every benchmark needs: a site session whose work is all rolled back at the end."""

from contextlib import contextmanager

import frappe


@contextmanager
def rolled_back_session(site: str):
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.db.commit = lambda *a, **k: None  # nothing a benchmark does may stay
	try:
		yield
	finally:
		frappe.db.rollback()
		frappe.destroy()
