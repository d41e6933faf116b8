# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""One planner run at a time (issue 25, item 3), proven with separate processes: a run that finds
the lock held waits for it (then finds the rows already planned), or leaves when its wait is over;
two runs started together plan each row once, one after the other. These tests commit: they
delete what they made."""

import json
import subprocess
import tempfile
import time

import frappe
import pytest

from campaign_plus.sending import api, planner
from campaign_plus.utils.locks import lock_holder
from tests.integration.conftest import BENCH, SITE
from tests.integration.helpers import use_outgoing_account
from tests.workers import Bench, PrivateQueue, committed_campaign, delete_campaign, wait_for

pytestmark = pytest.mark.commits  # real processes see committed data: deleted afterwards

LEADS = 1500


@pytest.fixture(scope="module")
def rig(site):
	queue = PrivateQueue().start()  # the runs' send batches wait there (no worker takes them)
	bench = Bench(BENCH, SITE, queue)
	try:
		yield frappe._dict(queue=queue, bench=bench)
	finally:
		queue.stop()


@pytest.fixture
def campaign(rig):
	frappe.db.rollback()
	tag = f"lock-{frappe.generate_hash(length=6)}"
	data = committed_campaign(tag, [f"l{i}-{tag}@example.com" for i in range(LEADS)])
	try:
		yield data["campaign"]
	finally:
		frappe.db.rollback()
		delete_campaign(data)


def background(rig, function: str, *args) -> subprocess.Popen:
	"""``function`` of this checkout running in a process of its own."""
	return subprocess.Popen(
		rig.bench.call_command(function, *args),
		env=rig.bench._env(),
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
	)


def result_of(process: subprocess.Popen, timeout: float = 300) -> dict:
	out, err = process.communicate(timeout=timeout)
	assert process.returncode == 0, err
	return json.loads(out.strip().splitlines()[-1])


def holder(rig, seconds: float) -> tuple[subprocess.Popen, float]:
	"""Another process holding the planner lock for ``seconds``: (process, when it got it)."""
	ready = tempfile.mktemp(prefix="campaign_plus_lock_")
	process = background(rig, "tests.workers.hold_planner_lock", seconds, ready)
	wait_for(lambda: __import__("os").path.exists(ready), 120, 0.1, "the other process to hold the lock")
	assert open(ready).read() == "held"
	return process, time.monotonic()


def ledger_count(campaign: str) -> int:
	frappe.db.rollback()
	return frappe.db.count("Campaign Send Log", {"campaign": campaign})


def test_a_run_waits_for_the_lock_then_plans_what_is_left(rig, campaign):
	other, since = holder(rig, 12)
	assert lock_holder(planner.PLANNER_LOCK)  # held by the other process's connection
	run = background(rig, "tests.workers.plan", campaign)
	time.sleep(6)
	assert run.poll() is None, "the run did not wait for the lock"
	assert ledger_count(campaign) == 0
	result = result_of(run)
	assert time.monotonic() - since >= 12
	assert result[campaign]["planned"] == LEADS
	assert result_of(other) == "held"
	assert ledger_count(campaign) == LEADS
	assert not lock_holder(planner.PLANNER_LOCK)  # released


def test_a_scheduled_run_leaves_when_the_wait_is_over(rig, campaign):
	other, _since = holder(rig, 10)
	started = time.monotonic()
	result = rig.bench.call("campaign_plus.sending.planner.scheduled_run", [campaign], 2)
	assert result == {"busy": True}
	assert time.monotonic() - started < 10
	assert ledger_count(campaign) == 0
	result_of(other)


def test_send_due_emails_now_says_a_run_is_in_progress(rig, campaign, monkeypatch):
	other, _since = holder(rig, 10)
	monkeypatch.setattr(planner, "INTERACTIVE_WAIT", 1)
	use_outgoing_account()
	with pytest.raises(frappe.ValidationError) as info:
		api.send_due_emails_now(campaign)
	assert "Another planner run is in progress" in str(info.value)
	frappe.db.rollback()
	assert ledger_count(campaign) == 0
	result_of(other)


def test_two_runs_started_together_plan_each_row_once_one_after_the_other(rig, campaign):
	first = background(rig, "tests.workers.plan", campaign)
	second = background(rig, "tests.workers.plan", campaign)
	results = [result_of(first), result_of(second)]
	planned = sorted(result[campaign]["planned"] for result in results)
	assert planned == [0, LEADS], results  # the second waited, then found every row planned
	assert ledger_count(campaign) == LEADS
