# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The browser tier: the desk of a real bench site, driven in Debian's headless Chromium.

Needs a bench (``$FRAPPE_BENCH``, default ``~/frappe-bench``; site ``$FRAPPE_SITE``, default
``test_site``, Administrator password ``$FRAPPE_ADMIN_PASSWORD``, default ``admin``), Chromium
at ``$CHROMIUM`` (default ``/usr/bin/chromium``) and Python's playwright. Without them the tier
is skipped, loudly. The site is served on 127.0.0.1 by the bench's own Python; the data is
created for the run and deleted afterwards; a failing test leaves a screenshot and the page's HTML in
``$E2E_SCREENSHOTS`` (default /tmp/campaign_plus_e2e).
"""

import json
import os
import pathlib
import subprocess

import pytest

from tests.served import checkout_env, served_site

HERE = pathlib.Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
BENCH = pathlib.Path(os.environ.get("FRAPPE_BENCH") or pathlib.Path.home() / "frappe-bench").expanduser()
SITE = os.environ.get("FRAPPE_SITE") or "test_site"
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
SCREENSHOTS = pathlib.Path(os.environ.get("E2E_SCREENSHOTS") or "/tmp/campaign_plus_e2e")


def _unavailable() -> str | None:
	if not (BENCH / "sites" / SITE / "site_config.json").exists():
		return f"no site {SITE!r} in a bench at {BENCH}"
	if not pathlib.Path(CHROMIUM).exists():
		return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
	try:
		import playwright.sync_api
	except ImportError:
		return "Python's playwright is not installed (pip install playwright)"
	return None


REASON = _unavailable()
if not REASON:
	from tests.site_guard import refusal

	if refused := refusal(BENCH, SITE):  # a site with data of its own: never touched by tests
		pytest.exit(f"BROWSER TIER REFUSED: {refused}", 2)


def pytest_collection_modifyitems(config, items):
	if REASON:
		for item in items:
			if pathlib.Path(str(item.fspath)).is_relative_to(HERE):
				item.add_marker(pytest.mark.skip(reason=f"BROWSER TIER SKIPPED: {REASON}"))


def pytest_terminal_summary(terminalreporter):
	if REASON:
		terminalreporter.write_line(f"!!! BROWSER TIER SKIPPED: {REASON}", red=True, bold=True)


def _bench_python(*args) -> str:
	return subprocess.run(
		[str(BENCH / "env" / "bin" / "python"), *args],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		check=True,
		env=checkout_env(),
	).stdout


@pytest.fixture(scope="session")
def base_url():
	with served_site(BENCH, SITE) as url:
		yield url


@pytest.fixture(scope="session")
def data():
	tag = os.urandom(3).hex()
	output = _bench_python(str(HERE / "fixtures.py"), SITE, "create", tag)
	created = json.loads(output.strip().splitlines()[-1])
	yield created
	_bench_python(str(HERE / "fixtures.py"), SITE, "delete", tag, created["started"])


@pytest.fixture(scope="session")
def browser():
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(
			executable_path=CHROMIUM,
			args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--no-first-run"],
		)  # fmt: skip
		yield browser
		browser.close()


@pytest.fixture
def page(browser, base_url, request):
	context = browser.new_context(viewport={"width": 1400, "height": 900})
	page = context.new_page()
	page.goto(base_url + "/login")
	password = os.environ.get("FRAPPE_ADMIN_PASSWORD") or "admin"
	response = page.request.post(
		base_url + "/api/method/login", form={"usr": "Administrator", "pwd": password}
	)
	assert response.ok, "login failed"
	yield page
	if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
		SCREENSHOTS.mkdir(parents=True, exist_ok=True)
		page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
		(SCREENSHOTS / f"{request.node.name}.html").write_text(page.content())
	context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
	outcome = yield
	report = outcome.get_result()
	setattr(item, f"rep_{report.when}", report)
