# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Delivery to a real MTA (issue 25, items 8 to 10): Debian's Postfix, a private instance on
127.0.0.1 (tests/postfix.py) delivering to a Maildir, real ``bench worker`` processes.

- Postfix's own rate limit for localhost answered by waiting; Postfix stopped for a minute
  mid-send, then started: each recipient's Maildir holds exactly one message, refused addresses
  none (item 8);
- the connection lost after a final dot while the worker lives (Postfix stopped while it holds the
  answer): sent again, one message in the Maildir, the Send Log flagged "may have arrived twice"
  (RFC 1047: the sender cannot tell a lost message from a lost answer); the worker killed after its final dot: kept as sent, flagged
  "may not have arrived", and Send Again delivers it once (item 9);
- Postfix limited to 100 messages a minute (1,000 messages with
  ``CAMPAIGN_PLUS_RATE_PROOF_MESSAGES=1000``, 250 by default): all delivered, none in Error, no
  recipient retry, and the rate adapts below the limit (item 10).

These tests commit: they delete what they made.
"""

import collections
import itertools
import os
import time

import frappe
import pytest

from campaign_plus.delivery import store
from tests.integration.conftest import BENCH, SITE
from tests.postfix import Postfix, available
from tests.workers import (
	Bench,
	PrivateQueue,
	committed_account,
	committed_campaign,
	delete_campaign,
	set_limits,
	wait_for,
)

pytestmark = [
	pytest.mark.commits,  # real processes see committed data: deleted afterwards
	pytest.mark.skipif(bool(available()), reason=f"no private Postfix: {available()}"),
]


@pytest.fixture(scope="module")
def rig(site):
	queue = PrivateQueue().start()
	bench = Bench(BENCH, SITE, queue)
	try:
		yield frappe._dict(queue=queue, bench=bench)
	finally:
		bench.stop_workers()
		queue.stop()


@pytest.fixture
def mta(rig):
	"""mta(**Postfix options) → (Postfix, its Email Account); campaign(emails) → its name."""
	made, servers, accounts = [], [], []

	def start(limits=(120, 0, 0), **options):
		postfix = Postfix(**options).start()
		servers.append(postfix)
		context = committed_account(postfix, limits)
		account = context.__enter__()
		accounts.append(context)
		with rig.queue.used_here():
			store.redis().delete(store.key("pace", account))
		return postfix, account

	def campaign(emails: list[str]) -> str:
		data = committed_campaign(f"mta-{frappe.generate_hash(length=6)}", emails, batch_size=500)
		made.append(data)
		return data["campaign"]

	try:
		yield frappe._dict(start=start, campaign=campaign)
	finally:
		rig.bench.stop_workers()
		frappe.db.rollback()
		for data in made:
			delete_campaign(data)
		for context in reversed(accounts):
			context.__exit__(None, None, None)
		for postfix in servers:
			postfix.remove()


def addresses(tag: str, n: int, local: str = "r") -> list[str]:
	run = frappe.generate_hash(length=6)
	return [f"{local}{i}-{tag}-{run}@example.com" for i in range(n)]


def rows(campaign: str) -> list[dict]:
	frappe.db.rollback()
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Campaign", "reference_name": campaign},
		fields=["name", "status", "retry", "error"],
	)


def ledger(campaign: str) -> dict[str, dict]:
	frappe.db.rollback()
	return {
		row.email: row
		for row in frappe.get_all(
			"Campaign Send Log",
			filters={"campaign": campaign},
			fields=["name", "email", "status", "delivery_doubt", "error"],
		)
	}


def done(campaign: str, n: int) -> bool:
	found = rows(campaign)
	return len(found) == n and all(row.status in ("Sent", "Error") for row in found)


def scheduler_until(rig, condition, timeout: float, every: float = 3.0, workers: int = 1) -> None:
	deadline = time.monotonic() + timeout
	while not condition():
		assert time.monotonic() < deadline, "timed out"
		rig.bench.ensure_workers(workers)
		rig.bench.call("tests.workers.scheduler_minute")
		time.sleep(every)


def delivered(postfix: Postfix) -> collections.Counter:
	postfix.flush(120)
	return collections.Counter(postfix.counts())


def test_postfix_throttling_answered_by_waiting_and_a_minute_down(rig, mta):
	postfix, _account = mta.start(rate_limit=30)  # Postfix: 30 messages a minute from 127.0.0.1
	good, refused = addresses("p8", 60), addresses("p8", 3, local="refused-")
	campaign = mta.campaign(good + refused)
	rig.bench.start_worker()
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	wait_for(lambda: sum(postfix.counts().values()) >= 20, 240, 1, what="20 delivered")
	postfix.stop()
	time.sleep(60)
	postfix.start()
	scheduler_until(rig, lambda: done(campaign, 63), 900, workers=2)
	counts = delivered(postfix)
	assert {address: counts.get(address, 0) for address in good} == dict.fromkeys(good, 1)
	assert not any(counts.get(address) for address in refused)
	found = {row.name: row for row in rows(campaign)}
	assert sum(row.status == "Error" for row in found.values()) == 3
	retried = [(row.status, row.retry, (row.error or "")[:80]) for row in found.values() if row.retry]
	assert not retried, f"a throttle or the outage counted a retry: {retried}"
	log = ledger(campaign)
	assert {log[a].status for a in good} == {"Sent"}
	assert all(log[a].status in ("Failed", "Bounced") and "5.1.1" in log[a].error for a in refused)
	assert postfix.refusals() > 0, "Postfix never throttled: the test proves nothing"


def test_connection_lost_after_the_final_dot_while_the_worker_lives_is_sent_again(rig, mta):
	postfix, _account = mta.start(slow_end_of_data=(r"^slowdot", 60, 1))
	emails = addresses("p9a", 6) + addresses("p9a", 1, local="slowdot-")
	campaign = mta.campaign(emails)
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	assert postfix.at_final_dot.wait(180), "the held message never reached its final dot"
	postfix.stop()  # the answer to that final dot never comes
	time.sleep(5)
	postfix.start()
	scheduler_until(rig, lambda: done(campaign, 7), 300)
	counts = delivered(postfix)
	assert {address: counts.get(address, 0) for address in emails} == dict.fromkeys(emails, 1)
	slow = emails[-1]
	log = ledger(campaign)
	# sent again, once in its Maildir (Postfix had not committed it), and flagged: the job cannot
	# know that (a server may commit a message and lose only its answer, RFC 1047)
	assert log[slow].status == "Sent" and log[slow].delivery_doubt == "May Have Arrived Twice"
	assert not any(log[address].delivery_doubt for address in emails[:-1])
	assert {(row.status, row.retry) for row in rows(campaign)} == {("Sent", 0)}  # no retry counted


def test_a_worker_killed_after_its_final_dot_is_flagged_and_sent_again_on_request(rig, mta):
	postfix, _account = mta.start(slow_end_of_data=(r"^slowdot", 30, 1))
	emails = addresses("p9b", 6) + addresses("p9b", 1, local="slowdot-")
	campaign = mta.campaign(emails)
	worker = rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)
	assert postfix.at_final_dot.wait(180), "the held message never reached its final dot"
	rig.bench.kill(worker)  # after its final dot, before the answer
	postfix.stop()  # and the server goes down before committing it (a machine lost with both)
	postfix.start()
	scheduler_until(rig, lambda: done(campaign, 7), 300)
	slow = emails[-1]
	log = ledger(campaign)
	assert log[slow].status == "Sent" and log[slow].delivery_doubt == "May Not Have Arrived"
	counts = delivered(postfix)
	assert counts.get(slow, 0) == 0  # it did not arrive, and nothing sent it again by itself
	assert {address: counts.get(address, 0) for address in emails[:-1]} == dict.fromkeys(emails[:-1], 1)
	# the campaign's Send Again, as a user with write permission would click it
	assert rig.bench.call("campaign_plus.delivery.api.send_again", campaign) == {"count": 1}
	scheduler_until(rig, lambda: ledger(campaign)[slow].status == "Sent" and done(campaign, 7), 300)
	counts = delivered(postfix)
	assert {address: counts.get(address, 0) for address in emails} == dict.fromkeys(emails, 1)
	assert not ledger(campaign)[slow].delivery_doubt


# Item 10 asks for 1,000 messages under Postfix's 100 a minute: at least ten minutes (fourteen as
# the limiter adapts), too long for CI on two benches. CI sends RATE_PROOF_MESSAGES (a throttle, the
# pause, then minutes at the adapted rate); CAMPAIGN_PLUS_RATE_PROOF_MESSAGES=1000 runs the full proof.
RATE_PROOF_MESSAGES = int(os.environ.get("CAMPAIGN_PLUS_RATE_PROOF_MESSAGES") or 250)
POSTFIX_LIMIT = 100  # a minute, from 127.0.0.1
ACCOUNT_LIMIT = 120  # the Email Account's own per-minute limit: above Postfix's, which must throttle


def test_a_limit_of_100_a_minute_adapts_below_it_and_delivers_all(rig, mta):
	n = RATE_PROOF_MESSAGES
	postfix, _account = mta.start(rate_limit=POSTFIX_LIMIT, limits=(ACCOUNT_LIMIT, 0, 0))
	emails = addresses("p10", n)
	campaign = mta.campaign(emails)
	rig.bench.start_worker()
	rig.bench.start_worker()
	started = time.time()
	rig.bench.call("tests.workers.plan", campaign)
	scheduler_until(rig, lambda: done(campaign, n), 40 * 60, every=10, workers=2)
	finished = time.time()
	counts = delivered(postfix)
	assert len(counts) == n and set(counts.values()) == {1}, "lost or doubled"
	found = rows(campaign)
	assert {(row.status, row.retry) for row in found} == {("Sent", 0)}, "an Error or a recipient retry"
	times = postfix.accepted_times()  # when Postfix accepted each (its log, to the second)
	throttles = postfix.refusal_times()
	assert len(times) == n
	assert throttles, "Postfix never throttled: the test proves nothing"
	# after the first throttle: the pause, then the account held to an adapted rate
	after = [t for t in times if t > throttles[0] + 1]
	minutes = (times[-1] - times[0]) / 60
	adapted = (len(after) - 1) / max((after[-1] - after[0]) / 60, 1e-9)
	# a throttle: the answers to the jobs in flight when Postfix's count ran out (seconds apart)
	events = 1 + sum(1 for a, b in itertools.pairwise(throttles) if b - a > 30)
	print(
		f"\n{n} messages in {minutes:.1f} min ({(n - 1) / minutes:.0f} a minute), {len(throttles)} "
		f"throttling answers in {events} throttle(s), {len(after)} sent after the first at "
		f"{adapted:.0f} a minute; {finished - started:.0f} s from the planner's start"
	)
	assert (n - 1) / minutes <= POSTFIX_LIMIT, "faster than Postfix allows on average"
	assert 40 <= adapted < POSTFIX_LIMIT, "the rate did not adapt below the limit"
	# adapting, not hammering: halved, then a tenth more a minute, it reaches the limit again after
	# about 600 messages; pausing and sending at the account's own limit again would be throttled
	# every 100 or so
	assert events <= max(1, n // 400), f"{events} throttles: {throttles}"
