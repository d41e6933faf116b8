# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What every benchmark needs: a site session whose work is all rolled back at the end."""

from contextlib import contextmanager

import frappe


def refuse_unless_allowed(site: str) -> None:
	"""A benchmark writes to the site: only one marked for tests (``allow_tests``), as bench run-tests."""
	import pathlib
	import sys

	sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
	from tests.site_guard import refusal

	if reason := refusal(pathlib.Path.cwd().parent, site):  # benchmarks run from the bench's sites/
		raise SystemExit(f"REFUSED: {reason}")


@contextmanager
def rolled_back_session(site: str):
	refuse_unless_allowed(site)
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.db.commit = lambda *a, **k: None  # nothing a benchmark does may stay
	try:
		yield
	finally:
		frappe.db.rollback()
		frappe.destroy()


def default_outgoing_account() -> str:
	"""The site's default outgoing Email Account, made the default (or made, on a site with none:
	a new one) for this rolled-back session; Frappe does not try a mail server on its save."""
	frappe.local.outgoing_email_account = {}
	account = frappe.db.get_value("Email Account", {"default_outgoing": 1, "enable_outgoing": 1})
	if account:
		return account
	accounts = frappe.get_all("Email Account", filters={"enable_outgoing": 1}, pluck="name", limit=1)
	if accounts:
		frappe.db.set_value("Email Account", accounts[0], "default_outgoing", 1)
		return accounts[0]
	frappe.flags.in_test = True  # Frappe 15: no SMTP check on save
	if hasattr(frappe, "in_test"):  # Frappe 16
		frappe.in_test = True
	try:
		return (
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "_CP Benchmark Outgoing",
					"email_id": "benchmark@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "127.0.0.1",
					"no_smtp_authentication": 1,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	finally:
		frappe.flags.in_test = False
		if hasattr(frappe, "in_test"):
			frappe.in_test = False


def insert_leads(tag: str, n: int, city: str | None = None) -> list[tuple[str, str, str]]:
	"""N leads in one bulk insert: (name, first name, email) each."""
	from frappe.utils import now_datetime

	now = now_datetime()
	leads = [(f"{tag}-{i:07d}", f"Lead {i}", f"lead{i}@{tag.lower()}.example.com") for i in range(n)]
	frappe.db.bulk_insert(
		"Lead",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"first_name",
			"lead_name",
			"email_id",
			"status",
			"city",
		],
		[
			(name, now, now, "Administrator", "Administrator", first, first, email, "Lead", city)
			for name, first, email in leads
		],
		chunk_size=5000,
	)
	return leads
