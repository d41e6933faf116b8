# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The integration tier: tests against a real Frappe site.

A bench is looked for at ``$FRAPPE_BENCH`` (default ``~/frappe-bench``) and its site
``$FRAPPE_SITE`` (default ``test_site``). The tests must run with the bench's own Python
(``<bench>/env/bin/python -m pytest tests/integration``; ``./run-tests`` does it for every bench
it finds). Without a usable bench every test of this tier is skipped, and the run says so loudly.
Each test runs as Administrator (unless it switches user) and is rolled back afterwards.
"""

import os
import pathlib
import sys

import pytest

BENCH = pathlib.Path(os.environ.get("FRAPPE_BENCH") or pathlib.Path.home() / "frappe-bench").expanduser()
SITE = os.environ.get("FRAPPE_SITE") or "test_site"
SITES = BENCH / "sites"
CHECKOUT = pathlib.Path(__file__).resolve().parents[2]


def _unavailable() -> str | None:
	if not (SITES / SITE / "site_config.json").exists():
		return f"no site {SITE!r} in a bench at {BENCH} (set FRAPPE_BENCH / FRAPPE_SITE)"
	try:
		import frappe
	except ImportError:
		return f"frappe is not importable by {sys.executable}: run with {BENCH}/env/bin/python"
	return None


REASON = _unavailable()
ORIGINAL_CWD = os.getcwd()
if not REASON:
	from tests.site_guard import refusal

	if refused := refusal(BENCH, SITE):  # a site with data of its own: never touched by tests
		pytest.exit(f"INTEGRATION TIER REFUSED: {refused}", 2)
if not REASON:
	# Frappe (and libraries it imports, e.g. cssutils) write logs to ../logs relative to the
	# working directory: work from the bench's sites/ folder, as bench itself does.
	os.chdir(SITES)


def pytest_report_header(config):
	if REASON:
		return [f"!!! INTEGRATION TIER SKIPPED: {REASON}"]
	return [f"integration tier: site {SITE} of bench {BENCH}"]


class _SkippedItem(pytest.Item):
	def runtest(self):
		pytest.skip(f"INTEGRATION TIER SKIPPED: {REASON}")

	def reportinfo(self):
		return self.path, None, self.name


class _SkippedFile(pytest.File):
	"""Stands for a test module that cannot even be imported without frappe: one skipped item."""

	def collect(self):
		yield _SkippedItem.from_parent(self, name=f"{self.path.stem}[no site]")


def pytest_pycollect_makemodule(module_path, parent):
	if REASON:
		return _SkippedFile.from_parent(parent, path=module_path)
	return None


NOTES: list[str] = []  # what the session did to the site, shown in the summary


def pytest_terminal_summary(terminalreporter):
	for note in NOTES:
		terminalreporter.write_line(f"note: {note}", yellow=True)
	if REASON:
		bar = "!" * 78
		terminalreporter.write_line(bar, red=True, bold=True)
		terminalreporter.write_line(f"INTEGRATION TIER SKIPPED: {REASON}", red=True, bold=True)
		terminalreporter.write_line(bar, red=True, bold=True)


@pytest.fixture(scope="session", autouse=True)
def site():
	if REASON:
		yield None
		return
	import frappe

	from tests.site_setup import mark_as_test, prepare_site

	frappe.init(site=SITE, sites_path=str(SITES))
	frappe.connect()
	frappe.set_user("Administrator")
	mark_as_test()
	frappe.local.lang = "en"
	installed = frappe.get_installed_apps()
	if "campaign_plus" not in installed:
		frappe.destroy()
		pytest.exit(
			f"campaign_plus is not installed on {SITE} (bench --site {SITE} install-app campaign_plus)", 2
		)
	if prepare_site():  # a new site: what `bench run-tests` does first (ERPNext's setup with test values)
		NOTES.append(f"{SITE} was new: ran the installed apps' before_tests hooks (ERPNext's setup wizard)")
		frappe.set_user("Administrator")
		frappe.local.lang = "en"
	app_path = pathlib.Path(frappe.get_app_path("campaign_plus")).resolve().parent
	if app_path != CHECKOUT:
		sys.stderr.write(
			f"\nnote: the bench runs campaign_plus from {app_path}, the tests come from {CHECKOUT}\n"
		)
	yield frappe.local.site
	frappe.db.rollback()
	frappe.destroy()
	os.chdir(ORIGINAL_CWD)


def pytest_configure(config):
	config.addinivalue_line(
		"markers",
		"commits: the test commits on purpose (real workers, HTTP, a second connection) and deletes "
		"what it made; every other test's commits are no-ops",
	)


@pytest.fixture(autouse=True)
def rollback(site, request):
	"""Every test starts clean and leaves nothing behind. A test not marked ``commits`` cannot
	commit: Frappe commits by itself in places (an email sent at once under tests commits the
	whole transaction), which would keep the test's records. Error Logs (a MyISAM table, outside
	transactions) written meanwhile are deleted."""
	if site is None:
		yield
		return
	import frappe

	frappe.set_user("Administrator")
	frappe.local.lang = "en"
	frappe.db.rollback()
	from frappe.utils import now_datetime

	started = now_datetime()  # the site's clock, as the rows' creation
	commit = frappe.db.commit
	commits = request.node.get_closest_marker("commits")
	if not commits:
		frappe.db.commit = lambda *args, **kwargs: None
	try:
		if not commits:  # (a committing test sets what it needs itself, and puts it back)
			# Campaigns need no opt-in unless a test says so: the shipped default (private persons
			# need consent) is tested in test_consent.py; the other tests are about sending itself.
			frappe.db.set_single_value("Campaign Plus Settings", "opt_in_rule", "Not Required")
		yield
	finally:
		frappe.db.commit = commit
		frappe.db.rollback()
		frappe.set_user("Administrator")
		frappe.local.lang = "en"
		frappe.local.message_log = []
		frappe.db.sql("DELETE FROM `tabError Log` WHERE `creation` >= %s", (started,))
		frappe.db.commit()
