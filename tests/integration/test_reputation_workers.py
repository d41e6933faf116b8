# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reputation guard with real processes: a campaign of 1,000 delivered by ``bench worker``
processes (this checkout's code, their own queue Redis) to a mail server on 127.0.0.1 that starts
refusing every recipient mid-send. Its hard bounces cross the line: the campaign pauses with the
rest waiting, nothing is lost; the server stops refusing, a Sales Manager resumes, and each
remaining recipient gets exactly one message. These tests commit: they delete what they made."""

import collections
import sys

import frappe
import pytest

from tests.integration.conftest import BENCH, SITE
from tests.smtp_server import MailServer
from tests.workers import (
	Bench,
	PrivateQueue,
	committed_account,
	committed_campaign,
	delete_campaign,
	set_limits,
	settings_values,
	wait_for,
)

RECIPIENTS = 1000
REFUSE_AFTER = 300
pytestmark = pytest.mark.commits


@pytest.fixture
def rig(site):
	queue = PrivateQueue().start()
	server = MailServer(python=sys.executable).start()
	bench = Bench(BENCH, SITE, queue)
	made = {}
	try:
		frappe.db.rollback()
		with committed_account(server) as account:
			with settings_values(reputation_guard=1, guard_minimum_volume=200, guard_hard_bounce_rate=5,
				guard_complaint_rate=0.3, guard_window_days=7):  # fmt: skip
				yield frappe._dict(queue=queue, server=server, bench=bench, account=account, made=made)
	finally:
		bench.stop_workers()
		frappe.db.rollback()
		data = made.get("data")
		if data:
			cleanup(data)
		server.cleanup()
		queue.stop()


def cleanup(data: dict) -> None:
	campaign = data["campaign"]
	pauses = frappe.get_all("Campaign Reputation Pause", filters={"campaign": campaign}, pluck="name")
	emails = frappe.get_all("Lead", filters={"name": ("in", data["leads"])}, pluck="email_id")
	for name in pauses:
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Campaign Reputation Pause", "reference_name": name},
			pluck="name",
		)
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued or [""])})
		frappe.db.delete("Email Queue", {"name": ("in", queued or [""])})
	frappe.db.delete("Campaign Reputation Pause", {"campaign": campaign})
	frappe.db.delete("Notification Log", {"document_type": "Campaign", "document_name": campaign})
	frappe.db.delete("Comment", {"reference_doctype": "Campaign", "reference_name": campaign})
	for doctype in ("Campaign Bounce", "Campaign Feedback Event"):
		frappe.db.delete(doctype, {"campaign": campaign})
	for chunk in frappe.utils.create_batch(emails, 500):
		frappe.db.delete("Campaign Suppression", {"email": ("in", [e.lower() for e in chunk])})
	frappe.db.commit()
	delete_campaign(data)


def ledger_counts(campaign: str) -> collections.Counter:
	frappe.db.rollback()
	rows = frappe.get_all("Campaign Send Log", filters={"campaign": campaign}, fields=["status", "reason"])
	return collections.Counter((row.status, row.reason or "") for row in rows)


def accepted_by_recipient(server: MailServer) -> collections.Counter:
	return collections.Counter(address for entry in server.accepted() for address in entry["to"])


def test_a_campaign_whose_hard_bounces_cross_the_line_pauses_then_resumes_each_once(rig):
	set_limits(rig.account, per_minute=1200)  # 20 a second: the send lasts long enough to turn
	run = frappe.generate_hash(length=6)
	emails = [f"rep{i}-{run}@example.com" for i in range(RECIPIENTS)]
	data = committed_campaign(f"reputation-{run}", emails, batch_size=500)
	rig.made["data"] = data
	campaign = data["campaign"]
	rig.bench.start_worker()
	rig.bench.start_worker()
	rig.bench.call("tests.workers.plan", campaign)  # the scheduler's run, for this campaign only

	wait_for(lambda: len(rig.server.accepted()) >= REFUSE_AFTER, 240, 0.1, what=f"{REFUSE_AFTER} accepted")
	rig.server.refuse()  # from now on every recipient is refused: 550 5.1.1
	wait_for(
		lambda: frappe.db.rollback() or frappe.db.exists("Campaign Reputation Pause", {"campaign": campaign}),
		120,
		what="the guard to pause the campaign",
	)
	# the jobs stop at their next chunk and give their rows back: nothing stays queued
	wait_for(lambda: not ledger_counts(campaign)[("Queued", "")], 120, what="the queued rows to come back")
	counts = ledger_counts(campaign)
	sent, bounced = counts[("Sent", "")], counts[("Bounced", "Send Error")] + counts[("Bounced", "")]
	waiting = counts[("Deferred", "Paused: Reputation")]
	assert sent + bounced + waiting == RECIPIENTS, counts
	assert waiting >= 400, counts  # paused early: most of the campaign waits
	assert 16 <= bounced <= 120, counts  # the line (5 % of 300+) crossed within a chunk or two
	pause = frappe.get_all("Campaign Reputation Pause", filters={"campaign": campaign}, fields=["*"])[0]
	assert pause.status == "Paused" and "Hard Bounce Rate" in pause.reason
	# judged over what the ledger held then (another worker's chunk in flight is not there yet):
	# never under the minimum volume, and past the line
	assert pause.emails_sent >= 200 and pause.hard_bounces >= 0.05 * pause.emails_sent, pause
	frappe.db.rollback()
	assert not frappe.db.count(
		"Email Queue", {"reference_doctype": "Campaign", "reference_name": campaign, "status": "Not Sent"}
	)
	accepted = accepted_by_recipient(rig.server)
	assert sum(accepted.values()) == sent and set(accepted.values()) == {1}
	held = set(
		frappe.get_all(
			"Campaign Send Log", filters={"campaign": campaign, "status": "Deferred"}, pluck="email"
		)
	)
	assert not held & set(accepted), "a waiting recipient already got the message"
	# the rows given back are Deferred, not doubts of the delivery journal (nothing was handed over)
	assert not frappe.db.exists("Campaign Send Log", {"campaign": campaign, "delivery_doubt": ("is", "set")})
	assert not frappe.db.exists("Campaign Delivery Journal", {"campaign": campaign})

	# the server takes mail again; a Sales Manager resumes (as the desk's button does)
	rig.server.refuse(False)
	rig.bench.call("tests.reputation_jobs.resume", campaign, "Administrator")
	wait_for(
		lambda: ledger_counts(campaign)[("Sent", "")] == sent + waiting,
		300,
		1,
		what="the held rows to be sent",
	)
	counts = ledger_counts(campaign)
	assert counts[("Sent", "")] + counts[("Bounced", "Send Error")] + counts[("Bounced", "")] == RECIPIENTS, (
		counts
	)
	accepted = accepted_by_recipient(rig.server)
	assert set(accepted.values()) == {1}, "a recipient got the message twice"
	assert {email.lower() for email in held} <= {a.lower() for a in accepted}, (
		"a waiting recipient got nothing"
	)
	assert len(accepted) == sent + waiting
	pause = frappe.get_all("Campaign Reputation Pause", filters={"campaign": campaign}, fields=["*"])[0]
	assert (
		pause.status == "Resumed" and pause.resumed_by == "Administrator" and pause.rows_released == waiting
	)
	assert not frappe.db.exists("Campaign Reputation Pause", {"campaign": campaign, "status": "Paused"})
	assert not frappe.db.exists("Campaign Send Log", {"campaign": campaign, "delivery_doubt": ("is", "set")})
	assert not frappe.db.exists("Campaign Delivery Journal", {"campaign": campaign})


def test_refusals_for_the_senders_reputation_pause_as_the_delivery_report_classifies_them(rig):
	"""The seam with the delivery report: 550 5.7.26 (engine.pacing: blocked, reputation) is not a
	hard bounce — the row Failed, the address not suppressed — and the guard counts each once."""
	set_limits(rig.account, per_minute=1200)
	run = frappe.generate_hash(length=6)
	emails = [f"{'blocked' if i % 10 == 0 else 'rep'}{i}-{run}@example.com" for i in range(300)]
	data = committed_campaign(f"refusal-{run}", emails, batch_size=500)
	rig.made["data"] = data
	campaign = data["campaign"]
	with settings_values(guard_refusal_rate=5, guard_hard_bounce_rate=5):
		rig.bench.start_worker()
		rig.bench.call("tests.workers.plan", campaign)
		wait_for(
			lambda: (
				frappe.db.rollback() or frappe.db.exists("Campaign Reputation Pause", {"campaign": campaign})
			),
			180,
			what="the guard to pause the campaign",
		)
		wait_for(
			lambda: not ledger_counts(campaign)[("Queued", "")], 120, what="the queued rows to come back"
		)
	counts = ledger_counts(campaign)
	sent, refused = counts[("Sent", "")], counts[("Failed", "Send Error")]
	waiting = counts[("Deferred", "Paused: Reputation")]
	assert sent + refused + waiting == 300 and waiting >= 40 and refused >= 10, counts
	assert not counts[("Bounced", "Send Error")] + counts[("Bounced", "")], counts
	pause = frappe.get_all("Campaign Reputation Pause", filters={"campaign": campaign}, fields=["*"])[0]
	assert "Reputation Refusal Rate" in pause.reason and pause.hard_bounces == 0
	rows = frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign, "status": "Failed"},
		fields=["email", "reputation_refused_on", "error"],
	)
	assert all(
		r.email.startswith("blocked") and r.reputation_refused_on and "5.7.26" in r.error for r in rows
	)
	assert 10 <= pause.reputation_refusals <= refused
	flagged = frappe.db.count(
		"Campaign Send Log", {"campaign": campaign, "reputation_refused_on": ("is", "set")}
	)
	assert flagged == refused
	addresses = [r.email.lower() for r in rows]
	assert not frappe.db.exists("Campaign Bounce", {"email": ("in", addresses)})
	assert not frappe.db.exists("Campaign Suppression", {"email": ("in", addresses)})
	accepted = accepted_by_recipient(rig.server)
	assert sum(accepted.values()) == sent and set(accepted.values()) == {1}
	assert not frappe.db.exists("Campaign Send Log", {"campaign": campaign, "delivery_doubt": ("is", "set")})
	assert not frappe.db.exists("Campaign Delivery Journal", {"campaign": campaign})
