# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Delivery under faults, with real processes (issue 25, items 5 to 7): ``bench worker`` processes
running this checkout on a queue Redis of their own, the scheduler's minute run in a process of
its own, and a mail server on 127.0.0.1 requiring STARTTLS and AUTH.

- a two-hour outage of the mail server (delivery's waits shortened 60 times for the workers: the
  two hours pass in two minutes), Frappe's flush of the same rows trying every "four minutes";
- the queue Redis restarted empty during delivery, alone and with a worker killed (SIGKILL);
- the site's MariaDB connections lost (KILL CONNECTION of every connection of the site's user but
  the test's: what a MariaDB restart does to the site, without restarting the server other sites
  share) during a send batch, and during a delivery job.

Each time: every recipient gets one message; one that might have arrived twice is flagged on its
Send Log row; no row in Error; no retry counted. These tests commit: they delete what they made.
"""

import collections
import sys
import time

import frappe
import pytest

from campaign_plus.delivery import store
from campaign_plus.delivery.settings import TIME_SCALE_ENV
from tests.integration.conftest import BENCH, SITE
from tests.smtp_server import MailServer
from tests.workers import (
	Bench,
	PrivateQueue,
	committed_account,
	committed_campaign,
	delete_campaign,
	kill_site_connections,
	set_limits,
	site_writing,
	wait_for,
)

pytestmark = pytest.mark.commits  # real processes see committed data: deleted afterwards

SCALE = 1 / 60  # delivery's waits for the workers of the outage test: an hour lasts a minute


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
	rig.bench.extra_env.clear()
	with rig.queue.used_here():
		store.redis().delete(store.key("pace", rig.account))

	def make(n: int, tag: str, batch_size: int = 500):
		run = frappe.generate_hash(length=6)
		data = committed_campaign(
			f"{tag}-{run}", [f"{tag}{i}-{run}@example.com" for i in range(n)], batch_size=batch_size
		)
		made.append(data)
		return data["campaign"]

	try:
		yield make
	finally:
		rig.bench.stop_workers()
		rig.bench.extra_env.clear()
		if not rig.server.process:
			rig.server.start()
		frappe.db.rollback()
		for data in made:
			delete_campaign(data)
		set_limits(rig.account)


def queue_rows(campaign: str) -> list[dict]:
	frappe.db.rollback()
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Campaign", "reference_name": campaign},
		fields=["name", "status", "retry", "message_id", "error"],
	)


def ledger(campaign: str) -> dict[str, dict]:
	frappe.db.rollback()
	return {
		row.name: row
		for row in frappe.get_all(
			"Campaign Send Log",
			filters={"campaign": campaign},
			fields=["name", "status", "delivery_doubt", "email_queue"],
		)
	}


def accepted(rig, rows: list[dict]) -> collections.Counter:
	ids = {f"<{row.message_id}>" for row in rows}
	return collections.Counter(a["message_id"] for a in rig.server.accepted() if a["message_id"] in ids)


def all_sent(campaign: str, n: int) -> bool:
	rows = queue_rows(campaign)
	return len(rows) == n and {row.status for row in rows} == {"Sent"}


def assert_each_once_or_flagged(rig, campaign: str, n: int) -> dict:
	"""Every recipient got the message; one that arrived twice is flagged on its Send Log row."""
	rows = queue_rows(campaign)
	assert len(rows) == n
	assert {(row.status, row.retry) for row in rows} == {("Sent", 0)}, "a row in Error or with a retry"
	counts = accepted(rig, rows)
	assert len(counts) == n, f"{n - len(counts)} message(s) lost"
	by_id = {f"<{row.message_id}>": row.name for row in rows}
	log = ledger(campaign)
	assert {row.status for row in log.values()} == {"Sent"}
	twice = [by_id[message_id] for message_id, count in counts.items() if count > 1]
	unflagged = [name for name in twice if log[name].delivery_doubt != "May Have Arrived Twice"]
	assert not unflagged, f"sent twice without a flag: {unflagged}"
	assert max(counts.values()) <= 2
	return {"twice": len(twice), "flagged": sum(1 for r in log.values() if r.delivery_doubt)}


def run_scheduler_until(rig, condition, timeout: float, every: float = 2.0, workers: int = 1, names=()):
	"""The scheduler's minute (and Frappe's flush of ``names``) until ``condition``; workers kept
	alive as a supervisor would."""
	deadline = time.monotonic() + timeout
	taken = 0
	while not condition():
		assert time.monotonic() < deadline, "timed out"
		rig.bench.ensure_workers(workers)
		taken += rig.bench.call("tests.workers.scheduler_minute", *names)
		time.sleep(every)
	return taken


def test_a_two_hour_outage_of_the_mail_server_delivers_each_once_without_an_error(rig, campaigns):
	rig.bench.extra_env[TIME_SCALE_ENV] = str(SCALE)
	campaign = campaigns(40, "outage", batch_size=40)
	set_limits(rig.account, per_minute=600)
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(
		lambda: sum(accepted(rig, queue_rows(campaign)).values()) >= 10, 120, 0.2, what="10 messages accepted"
	)
	rig.server.stop()
	names = [row.name for row in queue_rows(campaign)]
	down_since = time.monotonic()
	taken = 0
	while time.monotonic() - down_since < 7200 * SCALE:  # two hours of the workers' clock
		rig.bench.ensure_workers(1)
		taken += rig.bench.call("tests.workers.scheduler_minute", *names)
		time.sleep(2)
	rows = queue_rows(campaign)
	assert not [row for row in rows if row.status == "Error" or row.retry], "the outage reached a row"
	assert taken == 0, "Frappe's flush found leased rows due"
	waiting = [row for row in rows if row.status != "Sent"]
	assert waiting, "nothing waited for the server"
	rig.server.start()
	taken += run_scheduler_until(rig, lambda: all_sent(campaign, 40), 180, names=names)
	assert taken == 0
	assert_each_once_or_flagged(rig, campaign, 40)
	# a message whose final dot the stopping server never answered is sent again, flagged (RFC 1047)
	doubts = [row.delivery_doubt for row in ledger(campaign).values() if row.delivery_doubt]
	assert set(doubts) <= {"May Have Arrived Twice"} and len(doubts) <= 1, doubts


def test_the_queue_redis_restarted_during_delivery_loses_and_doubles_nothing(rig, campaigns):
	campaign = campaigns(80, "redis", batch_size=80)
	set_limits(rig.account, per_minute=300)  # five a second: the job lasts a while
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: sum(accepted(rig, queue_rows(campaign)).values()) >= 15, 120, 0.2, what="15 accepted")
	rig.queue.restart(down_for=1)
	run_scheduler_until(rig, lambda: all_sent(campaign, 80), 300)
	result = assert_each_once_or_flagged(rig, campaign, 80)
	assert result == {"twice": 0, "flagged": 0}  # the job lived: it committed what it had sent


def test_the_queue_redis_restarted_with_a_worker_killed_flags_what_may_arrive_twice(rig, campaigns):
	campaign = campaigns(80, "redis-kill", batch_size=80)
	set_limits(rig.account, per_minute=300)
	worker = rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: sum(accepted(rig, queue_rows(campaign)).values()) >= 15, 120, 0.2, what="15 accepted")
	rig.bench.kill(worker)
	rig.queue.restart(down_for=1)  # the Redis journal of the final dots is gone too
	run_scheduler_until(rig, lambda: all_sent(campaign, 80), 300)
	result = assert_each_once_or_flagged(rig, campaign, 80)
	assert result["flagged"] <= 50  # at most the chunk the dead job was handing over


def test_mariadb_lost_during_a_send_batch_plans_again_and_sends_once(rig, campaigns):
	n = 800
	campaign = campaigns(n, "mariadb", batch_size=n)
	rig.bench.start_worker()
	wait_for(lambda: "Listening on" in rig.bench.worker_logs(), 60, 0.2, what="the worker")
	rig.bench.call("tests.workers.plan", campaign)  # ledger rows Planned, one send batch queued
	first = min(ledger(campaign))  # the batch's job is named after its first row
	with rig.queue.used_here():
		from frappe.utils.background_jobs import get_job

		def status() -> str:
			job = get_job(f"campaign_plus:send:{campaign}:{first}")
			return job.get_status() if job else ""

		wait_for(lambda: status() == "started", 120, 0.05, what="the send batch to start")
		# inside its transaction: its first write (not a guessed delay: a loaded machine runs late)
		deadline = time.monotonic() + 60
		while not site_writing() and time.monotonic() < deadline and status() == "started":
			time.sleep(0.005)
		assert kill_site_connections()
		wait_for(lambda: status() in ("failed", "finished"), 120, 0.5, what="the batch to end")
		assert status() == "failed", "the batch finished before its connection was killed"
	assert not queue_rows(campaign), "the lost transaction left Email Queue rows"
	assert {row.status for row in ledger(campaign).values()} == {"Planned"}
	rig.bench.call("tests.workers.plan", campaign)  # the scheduler's next run: planned again
	run_scheduler_until(rig, lambda: all_sent(campaign, n), 600, every=3)
	result = assert_each_once_or_flagged(rig, campaign, n)
	assert result == {"twice": 0, "flagged": 0}


def test_mariadb_lost_during_a_delivery_job_recovers_from_the_journals(rig, campaigns):
	campaign = campaigns(80, "mariadb-delivery", batch_size=80)
	set_limits(rig.account, per_minute=300)
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: sum(accepted(rig, queue_rows(campaign)).values()) >= 15, 120, 0.2, what="15 accepted")
	assert kill_site_connections()
	run_scheduler_until(rig, lambda: all_sent(campaign, 80), 300)
	result = assert_each_once_or_flagged(rig, campaign, 80)
	assert result == {"twice": 0, "flagged": 0}  # the Redis journal said which were accepted
