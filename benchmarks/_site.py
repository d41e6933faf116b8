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


def default_outgoing_account() -> None:
	"""A default outgoing Email Account for this rolled-back session (a site made a minute ago has
	none): the tests' own helper, run as a test so that Frappe tries no mail server on its save."""
	if frappe.db.get_value("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		return
	from tests.integration.helpers import use_outgoing_account
	from tests.site_setup import as_test

	with as_test():
		use_outgoing_account()


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
