# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tests and benchmarks touch only what they created (issue 25, item 2): none of them calls an
entry point that acts on every campaign or every email of the site."""

import ast

import pytest

from tests.conformance._app import ROOT

# Scheduler entry points over the whole site, and Frappe's flush of every due email.
SITE_WIDE = {
	"plan_all": "plan only the test's campaigns: planner.scheduled_run([...]) or tests.workers.plan",
	"refresh_all": "refresh only the test's campaigns: aggregate.refresh(name)",
	"sync_ledger": "sync only the test's campaigns: planner.sync_ledger([...])",
	"frappe.email.queue.flush": "send only the test's rows: tests.workers.frappe_send(*names)",
}
SOURCES = sorted(
	path
	for folder in ("tests", "benchmarks")
	for path in (ROOT / folder).rglob("*.py")
	if "conformance" not in path.parts
)


def calls(path) -> list[tuple[str, int]]:
	"""Names called in ``path`` (``a.b.c(...)`` as "a.b.c" and "c"), and strings naming a method."""
	found = []
	for node in ast.walk(ast.parse(path.read_text())):
		if isinstance(node, ast.Call):
			parts, target = [], node.func
			while isinstance(target, ast.Attribute):
				parts.insert(0, target.attr)
				target = target.value
			if isinstance(target, ast.Name):
				parts.insert(0, target.id)
			if parts and not node.args and not node.keywords:  # a site-wide run takes no argument
				found.append((parts[-1], node.lineno))
		elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
			found.append((node.value, node.lineno))
	return found


def test_there_are_sources():
	assert len(SOURCES) > 20


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_site_wide_entry_point(path):
	for name, line in calls(path):
		short = name.rsplit(".", 1)[-1]
		for entry, instead in SITE_WIDE.items():
			if name == entry or (short == entry and "." not in entry) or name.endswith(f".{entry}"):
				pytest.fail(f"{path.relative_to(ROOT)}:{line} calls {name}: {instead}")
