# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Make a site ready for the tests, as ``bench run-tests`` does, however new it is.

A site made by ``bench new-site … --install-app erpnext`` has no company, item groups, sales
person tree or lead sources until ERPNext's setup wizard runs; ``bench run-tests`` runs the
installed apps' ``before_tests`` hooks (ERPNext's completes the wizard with test values) before
any test. The integration tier and the browser tier's data script call :func:`prepare_site`
first, so they pass on a site created a minute ago as on an old one. Run with a connected site.
"""

from contextlib import contextmanager


@contextmanager
def as_test():
	"""Within the block, Frappe takes this process for a test run (see :func:`mark_as_test`); the
	previous values come back after it."""
	import frappe

	flag, attribute = frappe.flags.in_test, getattr(frappe, "in_test", None)
	mark_as_test()
	try:
		yield
	finally:
		frappe.flags.in_test = flag
		if attribute is not None:
			frappe.in_test = attribute


def mark_as_test() -> None:
	"""Tell Frappe this process runs tests, as ``bench run-tests`` does: ``frappe.flags.in_test``
	on Frappe 15, ``frappe.in_test`` on Frappe 16 (where the flag alone changes nothing — e.g. an
	outgoing Email Account is then not checked against a mail server on save)."""
	import frappe

	frappe.flags.in_test = True
	if hasattr(frappe, "in_test"):  # Frappe 16
		frappe.in_test = True


def setup_is_complete() -> bool:
	import frappe

	return bool(frappe.is_setup_complete() and frappe.db.a_row_exists("Company"))


def prepare_site() -> bool:
	"""Run every installed app's ``before_tests`` hooks once, when setup is not complete (committed).

	Returns whether anything ran.
	"""
	import frappe

	if setup_is_complete():
		return False
	for app in frappe.get_installed_apps():
		for hook in frappe.get_hooks("before_tests", app_name=app):
			frappe.get_attr(hook)()
	frappe.db.commit()
	frappe.clear_cache()
	return True
