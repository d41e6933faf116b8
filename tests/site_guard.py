# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The tiers and benchmarks that write to a site refuse one not marked for tests, as
``bench run-tests`` does: ``allow_tests`` in its site_config.json (or the bench's
common_site_config.json, which Frappe merges in). A production site never gets test data, test
mail or a test's planner run by mistake.

``python tests/site_guard.py BENCH SITE`` exits 2 with the message when the site is refused.
"""

import json
import pathlib
import sys


def _config(path: pathlib.Path) -> dict:
	try:
		return json.loads(path.read_text())
	except (OSError, ValueError):
		return {}


def refusal(bench, site: str) -> str | None:
	"""Why ``site`` of ``bench`` may not be used by tests (None: it may)."""
	sites = pathlib.Path(bench).expanduser() / "sites"
	conf = {**_config(sites / "common_site_config.json"), **_config(sites / site / "site_config.json")}
	if conf.get("allow_tests"):
		return None
	return (
		f"Testing is disabled for the site {site!r} of {sites.parent}: its site_config has no allow_tests. "
		"These tests and benchmarks write to the site (committed records, real workers, mail); "
		f"on a site made for tests, enable them with: bench --site {site} set-config allow_tests 1 --parse"
	)


if __name__ == "__main__":
	reason = refusal(sys.argv[1], sys.argv[2])
	if reason:
		sys.stderr.write(f"REFUSED: {reason}\n")
		sys.exit(2)
