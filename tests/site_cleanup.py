# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Deleting what a committing test made, leaving no trace: Frappe's ``delete_doc`` keeps a
*Deleted Document* copy and adds a "Deleted" comment to the activity feed; a test's records are
not the site's history."""

import contextlib

import frappe


def delete_for_good(doctype: str, name: str) -> None:
	"""``frappe.delete_doc`` (its links and children checked and removed as usual), without the
	Deleted Document copy and without the feed comment."""
	if not frappe.db.exists(doctype, name):
		return
	previous = frappe.flags.in_import
	frappe.flags.in_import = True  # Frappe writes no "Deleted" feed comment on import
	try:
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	finally:
		frappe.flags.in_import = previous


@contextlib.contextmanager
def error_logs_removed():
	"""Error Logs written meanwhile (a MyISAM table: outside every transaction) deleted afterwards."""
	started = frappe.db.sql("SELECT NOW(6)")[0][0]
	try:
		yield
	finally:
		frappe.db.sql("DELETE FROM `tabError Log` WHERE `creation` >= %s", (started,))


@contextlib.contextmanager
def outgoing_accounts_restored():
	"""Email Accounts as they were: the ones made meanwhile deleted, the default outgoing flags put
	back (``use_outgoing_account`` and friends, in a test that commits)."""
	before = dict(frappe.get_all("Email Account", fields=["name", "default_outgoing"], as_list=True))
	try:
		yield
	finally:
		frappe.db.rollback()
		for name, default in frappe.get_all(
			"Email Account", fields=["name", "default_outgoing"], as_list=True
		):
			if name not in before:
				delete_for_good("Email Account", name)
			elif default != before[name]:
				frappe.db.set_value(
					"Email Account", name, "default_outgoing", before[name], update_modified=False
				)
		frappe.local.outgoing_email_account = {}
		frappe.db.commit()
