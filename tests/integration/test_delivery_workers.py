# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Paced delivery with real processes: ``bench worker`` processes (this checkout's code, their own
queue Redis), the planner run by ``bench execute`` as the scheduler would, and a mail server on
127.0.0.1 requiring STARTTLS and AUTH. Each message accepted once, with the bytes Frappe's own
flush sends; server down then up; a worker SIGKILLed mid-job; pacing across two workers; Frappe's
flush finds nothing left. These tests commit: they delete everything they made afterwards."""

import collections
import email
import sys
import time
from email import policy

import frappe
import pytest
from frappe.email.queue import get_queue

from campaign_plus.delivery import store, work
from tests.integration.conftest import BENCH, SITE
from tests.smtp_server import MailServer
from tests.workers import (
	Bench,
	PrivateQueue,
	committed_account,
	committed_campaign,
	delete_campaign,
	set_limits,
	wait_for,
)

pytestmark = pytest.mark.commits  # real processes see committed data: deleted afterwards


@pytest.fixture(scope="module")
def rig(site):
	queue = PrivateQueue().start()
	server = MailServer(python=sys.executable, store=True).start()
	bench = Bench(BENCH, SITE, queue)
	try:
		frappe.db.rollback()
		with committed_account(server) as account:
			yield frappe._dict(queue=queue, server=server, bench=bench, account=account)
	finally:
		bench.stop_workers()
		server.cleanup()
		queue.stop()


@pytest.fixture
def campaigns(rig):
	made = []

	with rig.queue.used_here():  # each test starts with the account's limiter untouched
		store.redis().delete(store.key("pace", rig.account))

	def make(n: int, tag: str, batch_size: int, local="lead"):
		run = frappe.generate_hash(length=6)
		emails = [f"{local}{i}-{run}@example.com" for i in range(n)]
		data = committed_campaign(f"{tag}-{run}", emails, batch_size=batch_size)
		made.append(data)
		return data["campaign"]

	try:
		yield make
	finally:
		rig.bench.stop_workers()
		frappe.db.rollback()
		for data in made:
			delete_campaign(data)
		set_limits(rig.account)


def queue_rows(campaign: str) -> list[dict]:
	frappe.db.rollback()  # see what the workers committed
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Campaign", "reference_name": campaign},
		fields=["name", "status", "retry", "message_id", "error"],
	)


def accepted_for(server: MailServer, rows: list[dict]) -> collections.Counter:
	ids = {f"<{row.message_id}>" for row in rows}
	return collections.Counter(a["message_id"] for a in server.accepted() if a["message_id"] in ids)


def all_sent(rig, campaign: str, n: int) -> bool:
	"""All n rows recorded Sent, and the server has (at least) n of their messages."""
	rows = queue_rows(campaign)
	return (
		len(rows) == n
		and {row.status for row in rows} == {"Sent"}
		and sum(accepted_for(rig.server, rows).values()) >= n
	)


def test_workers_deliver_each_once_with_frappes_own_bytes_and_leave_nothing(rig, campaigns):
	campaign = campaigns(120, "workers", batch_size=50)
	rig.bench.start_worker()
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: all_sent(rig, campaign, 120), 180, what="120 messages accepted")
	rows = queue_rows(campaign)
	counts = accepted_for(rig.server, rows)
	assert len(counts) == 120 and set(counts.values()) == {1}
	assert {row.status for row in rows} == {"Sent"}
	ledger = frappe.get_all("Campaign Send Log", filters={"campaign": campaign}, pluck="status")
	assert collections.Counter(ledger) == {"Sent": 120}

	# Frappe's own flush, in its own process, finds nothing left to send (flush restricted to
	# these rows: the site's other mail is not the test's to send)
	accepted = len(rig.server.accepted())
	rig.bench.call("tests.workers.frappe_send", *[row.name for row in rows])
	assert len(rig.server.accepted()) == accepted
	assert not {row.name for row in get_queue()} & {row.name for row in rows}

	# the same rows sent again by Frappe's own flush: the very same bytes reach the server
	again = [row.name for row in rows[:3]]
	frappe.db.set_value("Email Queue", {"name": ("in", again)}, {"status": "Not Sent", "send_after": None})
	frappe.db.set_value("Email Queue Recipient", {"parent": ("in", again)}, "status", "Not Sent")
	frappe.db.commit()
	rig.bench.call("tests.workers.frappe_send", *again)
	by_id = collections.defaultdict(list)
	for raw in rig.server.messages():
		by_id[email.message_from_bytes(raw, policy=policy.SMTP)["Message-ID"]].append(raw)
	for row in rows[:3]:
		ours, frappes = by_id[f"<{row.message_id}>"]
		assert ours == frappes
	assert {r.status for r in queue_rows(campaign)} == {"Sent"}


def jobs_started(bench, method: str, logs_after: int) -> int:
	"""How many RQ jobs of ``method`` the workers started after the first ``logs_after`` did."""
	logs = sorted(bench.logs.glob("worker-*.log"))[logs_after:]
	return sum(
		1
		for log in logs
		for line in log.read_text(errors="replace").splitlines()
		if "Successfully completed" not in line
		and ": frappe.utils.background_jobs.execute_job(" in line
		and f"job_name='{method}'" in line
	)


def test_one_worker_goes_on_with_the_next_batches_and_deliveries_in_the_same_job(rig, campaigns):
	"""Five send batches and five work items: the worker starts far fewer jobs (each a new
	process), and every message is still accepted once."""
	from campaign_plus.delivery.handover import JOB_METHOD
	from campaign_plus.sending.planner import BATCH_METHOD

	campaign = campaigns(100, "chain", batch_size=20)
	logs_before, started = rig.bench.started, frappe.utils.now_datetime()
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: all_sent(rig, campaign, 100), 180, what="100 messages accepted")
	counts = accepted_for(rig.server, queue_rows(campaign))
	assert len(counts) == 100 and set(counts.values()) == {1}
	ledger = frappe.get_all("Campaign Send Log", filters={"campaign": campaign}, pluck="status")
	assert collections.Counter(ledger) == {"Sent": 100}
	batches = jobs_started(rig.bench, BATCH_METHOD, logs_before)
	deliveries = jobs_started(rig.bench, JOB_METHOD, logs_before)
	assert 1 <= batches < 5 and 1 <= deliveries < 5, (batches, deliveries)
	methods = [BATCH_METHOD, JOB_METHOD]
	assert not frappe.get_all("Error Log", filters={"method": ("in", methods), "creation": (">=", started)})


def test_mail_server_down_then_up_delivers_each_once(rig, campaigns):
	campaign = campaigns(30, "down", batch_size=30)
	rig.server.stop()
	try:
		rig.bench.start_worker()
		rig.bench.call("tests.workers.plan", campaign)
		with rig.queue.used_here():
			wait_for(
				lambda: any((work.load(t) or work.WorkItem("", "", [])).stops for t in work.tokens()),
				60,
				what="delivery to find the server down",
			)
		rows = queue_rows(campaign)
		assert len(rows) == 30 and {(r.status, r.retry, r.error) for r in rows} == {("Not Sent", 0, None)}
	finally:
		rig.server.start()
	time.sleep(16)  # the first wait after a server found down
	rig.bench.execute("campaign_plus.delivery.job.tick")  # the scheduler's minute
	wait_for(lambda: all_sent(rig, campaign, 30), 120, what="30 messages accepted")
	rows = queue_rows(campaign)
	assert set(accepted_for(rig.server, rows).values()) == {1}
	assert {(r.status, r.retry) for r in rows} == {("Sent", 0)}


def test_a_worker_killed_mid_job_delivers_each_once(rig, campaigns):
	set_limits(rig.account, per_minute=300)  # five a second: the job lasts a while
	campaign = campaigns(60, "killed", batch_size=60)
	worker = rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: sum(accepted_for(rig.server, queue_rows(campaign)).values()) >= 15, 120, 0.2)
	rig.bench.kill(worker)
	rows = queue_rows(campaign)
	before = accepted_for(rig.server, rows)
	assert 15 <= sum(before.values()) < 60
	rig.bench.start_worker()
	with rig.queue.used_here():
		tokens = work.tokens()
		wait_for(lambda: not any(work.held(t) for t in tokens), work.HOLD_TTL + 30, what="the hold to lapse")
	rig.bench.execute("campaign_plus.delivery.job.tick")  # the scheduler's minute after the restart
	wait_for(lambda: {r.status for r in queue_rows(campaign)} == {"Sent"}, 120, what="every row sent")
	rows = queue_rows(campaign)
	counts = accepted_for(rig.server, rows)
	assert len(counts) == 60, "a message was lost"
	assert set(counts.values()) == {1}, "a message was sent twice"


def test_pacing_holds_across_two_workers(rig, campaigns):
	set_limits(rig.account, per_minute=60)
	campaign = campaigns(66, "paced", batch_size=11)  # six work items for two workers
	rig.bench.start_worker()
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: all_sent(rig, campaign, 66), 200, 1, what="66 messages accepted")
	ids = {f"<{row.message_id}>" for row in queue_rows(campaign)}
	times = sorted(a["t"] for a in rig.server.accepted() if a["message_id"] in ids)
	assert len(times) == 66
	most = max(sum(1 for t in times if end - 60 < t <= end) for end in times)
	assert most <= 60
	rate = (len(times) - 1) / (times[-1] - times[0]) * 60
	assert 57 <= rate <= 63, rate
	logs = [p.read_text(errors="replace") for p in sorted(rig.bench.logs.glob("worker-*.log"))[-2:]]
	assert all("campaign_plus.delivery.job.deliver" in log for log in logs), "both workers delivered"
