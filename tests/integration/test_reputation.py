# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reputation guard in one process (the real-worker proof is test_reputation_workers), and the
webhook pipeline's set-based work on a batch of 1,000 events."""

import datetime as dt

import frappe
import pytest

from campaign_plus.delivery import outcomes
from campaign_plus.delivery.outcomes import DeliveryReport, Rejection
from campaign_plus.engine import pacing, providers
from campaign_plus.engine.schedule import DEFERRED, PAUSED_REPUTATION, PLANNED
from campaign_plus.feedback import pipeline
from campaign_plus.reputation import api, guard, refusals
from campaign_plus.reputation.figures import campaign_figures
from campaign_plus.sending import ledger, planner, sender
from campaign_plus.utils import send_id
from tests.integration.helpers import (
	enroll,
	freeze_time,
	make_campaign,
	make_lead,
	make_template,
	make_user,
	use_outgoing_account,
)

START = dt.date(2027, 3, 1)
ACCOUNT_FIELD = "email_account"


def settings(**values):
	for field, value in values.items():
		frappe.db.set_single_value("Campaign Plus Settings", field, value)


@pytest.fixture
def campaign_with():
	"""campaign_with(sent=n, waiting=m) → (campaign, sent rows, waiting rows): n rows queued then
	marked Sent (through ``account``), m rows Planned (not yet sent)."""
	use_outgoing_account()
	settings(opt_in_rule="Not Required", guard_minimum_volume=20, guard_hard_bounce_rate=10,
		guard_complaint_rate=1, reputation_guard=1)  # fmt: skip

	def make(sent=25, waiting=5, account=None):
		template = make_template()
		campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
		first = [make_lead() for _ in range(sent)]
		enroll(campaign.name, [p.name for p in first], START)
		with freeze_time(f"{START} 10:00:00"):
			planner.plan_campaign(campaign.name)
		sent_rows = frappe.get_all("Campaign Send Log", filters={"campaign": campaign.name}, pluck="name")
		ledger.set_status(sent_rows, "Sent", sent_on=frappe.utils.now_datetime())
		frappe.db.set_value(
			"Campaign Send Log", {"name": ("in", sent_rows)}, "queued_on", frappe.utils.now_datetime()
		)
		if account:
			frappe.db.set_value("Campaign Send Log", {"name": ("in", sent_rows)}, ACCOUNT_FIELD, account)
		later = [make_lead() for _ in range(waiting)]
		enroll(campaign.name, [p.name for p in later], START)
		with freeze_time(f"{START} 10:00:00"):
			planner.plan_campaign(campaign.name, enqueue=False)
		waiting_rows = frappe.get_all(
			"Campaign Send Log", filters={"campaign": campaign.name, "status": PLANNED}, pluck="name"
		)
		return campaign.name, sent_rows, waiting_rows

	return make


def own_account() -> str:
	"""An outgoing Email Account of the test's own (rolled back with it): the guard judges an account
	over all its recent sends, and a site's own accounts have sent others."""
	return frappe.get_doc({"doctype": "Email Account", "email_account_name": f"_Test Guard {frappe.generate_hash(length=6)}",
		"email_id": "guard@example.com", "enable_outgoing": 1, "smtp_server": "127.0.0.1",
		"no_smtp_authentication": 1}).insert(ignore_permissions=True).name  # fmt: skip


def bounce(rows: list[str], kind=providers.HARD_BOUNCE, provider="SendGrid"):
	emails = dict(
		frappe.get_all(
			"Campaign Send Log", filters={"name": ("in", rows)}, fields=["name", "email"], as_list=True
		)
	)
	events = [
		providers.Event(
			f"{kind}-{name}", kind, emails[name], send_id.make(name), None, None, "5.1.1", "550 5.1.1"
		)
		for name in rows
	]
	return pipeline.process(provider, events, source="Provider Webhook")


def test_hard_bounces_past_the_line_pause_and_resume_releases_each_waiting_row(campaign_with):
	campaign, sent_rows, waiting = campaign_with(sent=25, waiting=5, account=own_account())
	bounce(sent_rows[:2])  # 2 in 25: 8 %, under 10 %
	assert not guard.active_pauses(campaign)
	bounce(sent_rows[2:3])  # 3 in 25: 12 %
	# the campaign, and its outgoing account (it sent nothing else lately): both past the line
	pauses = guard.active_pauses(campaign, guard.campaign_accounts(campaign))
	assert sorted(p.scope for p in pauses) == ["Campaign", "Email Account"]
	(pause,) = [p for p in pauses if p.scope == "Campaign"]
	doc = frappe.get_doc("Campaign Reputation Pause", pause.name)
	assert (doc.emails_sent, doc.hard_bounces, doc.hard_bounce_rate) == (25, 3, 12.0)
	assert "Hard Bounce Rate 12 % (threshold 10 %)" in doc.reason
	assert sum(frappe.get_value("Campaign Reputation Pause", p.name, "rows_deferred") for p in pauses) == 5
	rows = frappe.get_all(
		"Campaign Send Log", filters={"name": ("in", waiting)}, fields=["status", "reason", "send_at"]
	)
	assert {(r.status, r.reason, r.send_at) for r in rows} == {(DEFERRED, PAUSED_REPUTATION, None)}

	# the owner and the Sales Managers hear of it, with the figures
	notes = frappe.get_all("Notification Log", filters={"document_name": campaign}, pluck="subject")
	assert notes and all("paused" in subject for subject in notes)
	assert frappe.db.exists(
		"Email Queue", {"reference_doctype": "Campaign Reputation Pause", "reference_name": pause.name}
	)
	state = api.status(campaign)
	assert state["paused"] and "12 %" in state["pauses"][0]["reason"]

	# while paused: new rows wait, a send batch defers instead of queueing, the planner sends nothing
	extra = make_lead()
	enroll(campaign, [extra.name], START)
	with freeze_time(f"{START} 10:30:00"):
		result = planner.plan_campaign(campaign)
	assert result.planned == 0
	assert (
		frappe.db.get_value("Campaign Send Log", {"campaign": campaign, "party": extra.name}, "reason")
		== PAUSED_REPUTATION
	)
	assert guard.hold_reason(campaign) == PAUSED_REPUTATION

	# a Sales User may not resume; a Sales Manager does, and every waiting row goes, once
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		api.resume_sending(campaign)
	frappe.set_user(make_user(["Sales Manager"]))
	released = api.resume_sending(campaign)
	frappe.set_user("Administrator")
	assert released == 6
	doc.reload()
	assert doc.status == "Resumed" and doc.resumed_by and doc.resumed_on
	assert not guard.active_pauses(campaign, guard.campaign_accounts(campaign))
	with freeze_time(f"{START} 11:00:00"):
		planner.plan_campaign(campaign)
	statuses = frappe.get_all("Campaign Send Log", filters={"campaign": campaign}, pluck="status")
	assert statuses.count("Queued") == 6 and statuses.count(DEFERRED) == 0
	assert (
		frappe.db.count("Email Queue", {"reference_doctype": "Campaign", "reference_name": campaign})
		== 25 + 6
	)
	# the guard counts again from the resume: the old bounces do not pause it again
	bounce(sent_rows[3:4])
	assert not guard.active_pauses(campaign)
	comments = frappe.get_all(
		"Comment", filters={"reference_name": campaign, "comment_type": "Info"}, pluck="content"
	)
	assert any("Sending resumed" in c for c in comments)


def test_rows_in_frappes_queue_come_back_and_a_delivery_job_gives_its_rows_back(campaign_with):
	campaign, sent_rows, _waiting = campaign_with(sent=25, waiting=0)
	queued = [make_lead() for _ in range(4)]
	enroll(campaign, [p.name for p in queued], START)
	with freeze_time(f"{START} 10:05:00"):
		planner.plan_campaign(campaign)
	rows = frappe.get_all(
		"Campaign Send Log", filters={"campaign": campaign, "status": "Queued"}, pluck="name"
	)
	assert len(rows) == 4
	frappe.db.set_value("Email Queue", rows[0], "send_after", None)  # left to Frappe's own queue
	bounce(sent_rows[:3])
	assert guard.active_pauses(campaign)
	assert not frappe.db.exists("Email Queue", rows[0])
	assert frappe.db.get_value("Campaign Send Log", rows[0], ["status", "reason", "email_queue"]) == (
		DEFERRED, PAUSED_REPUTATION, None)  # fmt: skip
	# the leased rows: their delivery job takes them back before its next chunk
	assert sorted(guard.withhold(campaign, None, rows[1:])) == sorted(rows[1:])
	assert not frappe.db.count("Email Queue", {"name": ("in", rows)})
	assert set(frappe.get_all("Campaign Send Log", filters={"name": ("in", rows)}, pluck="status")) == {
		DEFERRED
	}
	# a send batch of a paused campaign queues nothing
	frappe.db.set_value("Campaign Send Log", {"name": ("in", rows)}, "status", PLANNED)
	assert sender.send_batch(campaign, rows)["queued"] == 0
	assert set(frappe.get_all("Campaign Send Log", filters={"name": ("in", rows)}, pluck="reason")) == {
		PAUSED_REPUTATION
	}


def test_an_email_accounts_pause_holds_every_campaign_sending_through_it(campaign_with):
	account = own_account()
	dirty, dirty_rows, _ = campaign_with(sent=25, waiting=2, account=account)
	clean, _clean_rows, clean_waiting = campaign_with(sent=25, waiting=2, account=account)
	bounce(dirty_rows[:6])  # account: 6 in 50 = 12 %; the dirty campaign: 24 %
	scopes = {(p.scope, p.campaign or p.email_account) for p in guard.active_pauses(dirty, [account])}
	assert scopes == {("Email Account", account), ("Campaign", dirty)}
	assert guard.hold_reason(clean) == PAUSED_REPUTATION
	assert set(
		frappe.get_all("Campaign Send Log", filters={"name": ("in", clean_waiting)}, pluck="reason")
	) == {PAUSED_REPUTATION}
	# resuming the clean campaign resumes the account: it goes; the dirty one is still held by its own
	assert api.resume_sending(clean) == 2
	assert guard.hold_reason(clean) is None
	assert guard.hold_reason(dirty) == PAUSED_REPUTATION


def test_complaints_past_the_line_pause_too(campaign_with):
	campaign, sent_rows, _waiting = campaign_with(sent=25, waiting=1)
	bounce(sent_rows[:1], kind=providers.COMPLAINT)  # 1 in 25: 4 % ≥ 1 %
	(pause,) = guard.active_pauses(campaign)
	assert "Complaint Rate 4 % (threshold 1 %)" in pause.reason


def test_reputation_refusals_in_the_delivery_report_count_once_and_pause(campaign_with):
	"""The seam with the delivery report: what engine.pacing classifies as a reputation answer is
	what the guard counts — a 5xx (the row Failed, not a hard bounce, the address not suppressed)
	and a 4xx rate limit (the row waits and goes again) — each row once however often reported."""
	campaign, sent_rows, _waiting = campaign_with(sent=25, waiting=1)
	settings(guard_refusal_rate=10, guard_hard_bounce_rate=10)
	blocked, limited = sent_rows[:2], sent_rows[2]
	frappe.db.set_value("Campaign Send Log", {"name": ("in", [*blocked, limited])}, "status", "Queued")
	emails = dict(frappe.get_all("Campaign Send Log", fields=["name", "email"], as_list=True,
		filters={"name": ("in", sent_rows)}))  # fmt: skip

	def refusal(name, code, text, kind):
		verdict = pacing.classify(code, text)
		assert verdict.kind == kind and verdict.reputation
		return Rejection(name, emails[name], code, text, verdict.kind, verdict.reputation)

	def report(*names_refusals):
		result = DeliveryReport(campaign=campaign)
		for item in names_refusals:
			result.reputation.append(item)
			(result.blocked if item.kind == pacing.BLOCKED else result.throttled).append(item)
		return result

	outcomes.notify(report(refusal(blocked[0], 550, "5.7.26 Unauthenticated email", pacing.BLOCKED)))
	outcomes.notify(report(refusal(limited, 421, "4.7.28 Unusual rate of mail", pacing.THROTTLED)))
	outcomes.notify(report(refusal(limited, 421, "4.7.28 Unusual rate of mail", pacing.THROTTLED)))
	figures = campaign_figures(campaign, frappe.utils.add_days(frappe.utils.now_datetime(), -1))
	assert (figures.sent, figures.refusals, figures.hard_bounces) == (
		24,
		2,
		0,
	)  # 8.3 %: under 10 % (blocked[1] still queued)
	assert not guard.active_pauses(campaign)
	outcomes.notify(report(refusal(blocked[1], 550, "5.7.515 Access denied", pacing.BLOCKED)))
	figures = campaign_figures(campaign, frappe.utils.add_days(frappe.utils.now_datetime(), -1))
	assert (figures.sent, figures.refusals, figures.hard_bounces) == (25, 3, 0)  # 12 %
	(pause,) = [p for p in guard.active_pauses(campaign) if p.scope == "Campaign"]
	assert "Reputation Refusal Rate 12 % (threshold 10 %)" in pause.reason
	rows = frappe.get_all("Campaign Send Log", filters={"name": ("in", [*blocked, limited])},
		fields=["name", "status", "reason", "reputation_refused_on"])  # fmt: skip
	assert all(row.reputation_refused_on for row in rows)
	assert {row.name: row.status for row in rows} == {
		blocked[0]: "Failed",
		blocked[1]: "Failed",
		limited: "Queued",
	}
	# a refusal for the sender is not the address's fault: no hard bounce, nothing suppressed
	addresses = [emails[name] for name in blocked]
	assert not frappe.db.exists("Campaign Bounce", {"email": ("in", addresses)})
	assert not frappe.db.exists("Campaign Suppression", {"email": ("in", addresses)})
	# the same report again (a chunk's outcomes written again after a deadlock): nothing more
	assert (
		refusals.record_refusals(report(refusal(blocked[1], 550, "5.7.515 Access denied", pacing.BLOCKED)))
		== []
	)


def test_nothing_is_judged_under_the_minimum_volume_or_with_the_guard_off(campaign_with):
	campaign, sent_rows, _waiting = campaign_with(sent=10, waiting=1)
	bounce(sent_rows[:5])  # 50 % of 10 < 20 emails
	assert not guard.active_pauses(campaign)
	settings(guard_minimum_volume=5, reputation_guard=0)
	bounce(sent_rows[5:6])
	assert not guard.active_pauses(campaign)


def test_a_batch_of_1000_events_is_a_few_statements_and_counts_once(campaign_with):
	campaign, _sent_rows, _waiting = campaign_with(sent=0, waiting=0)
	# 1,000 sent rows written in bulk
	from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names

	now = frappe.utils.now_datetime()
	names = ordered_names(1000)
	emails = [f"bulk-{i}-{frappe.generate_hash(length=4)}@example.org" for i in range(1000)]
	insert_many(
		"Campaign Send Log",
		(
			*STANDARD_COLUMNS,
			"campaign",
			"schedule_row",
			"step_idx",
			"party_type",
			"party",
			"email",
			"status",
			"due_date",
			"queued_on",
			"sent_on",
		),
		[
			(
				n,
				now,
				now,
				"Administrator",
				"Administrator",
				0,
				campaign,
				"bulk",
				1,
				"Lead",
				f"BULK-{n}",
				e,
				"Sent",
				now.date(),
				now,
				now,
			)
			for n, e in zip(names, emails, strict=True)
		],
	)
	settings(reputation_guard=0)
	kinds = [providers.DELIVERED] * 700 + [providers.SOFT_BOUNCE] * 150 + [providers.HARD_BOUNCE] * 100 + [
		providers.COMPLAINT] * 40 + [providers.UNSUBSCRIBE] * 10  # fmt: skip
	events = [
		providers.Event(f"bulk-{name}", kind, email, send_id.make(name), None, None, None, "x")
		for name, email, kind in zip(names, emails, kinds, strict=True)
	]
	from frappe.database.database import Database

	count = {"n": 0}
	original = Database.sql

	def counting(self, *args, **kwargs):
		count["n"] += 1
		return original(self, *args, **kwargs)

	Database.sql = counting
	try:
		result = pipeline.process("SendGrid", events, source="Provider Webhook")
	finally:
		Database.sql = original
	assert result.applied == 1000
	assert count["n"] < 60, count["n"]  # set-based: a few statements per kind, not per event
	assert frappe.db.count("Campaign Send Log", {"campaign": campaign, "status": "Bounced"}) == 100
	assert frappe.db.count("Campaign Send Log", {"campaign": campaign, "status": "Complained"}) == 40
	assert frappe.db.count("Campaign Send Log", {"campaign": campaign, "soft_bounces": 1}) == 150
	assert frappe.db.count("Campaign Send Log", {"campaign": campaign, "delivered_on": ("is", "set")}) == 700
	assert frappe.db.count("Campaign Suppression", {"email": ("in", emails), "active": 1}) == 150
	again = pipeline.process("SendGrid", events, source="Provider Webhook")
	assert (again.applied, again.duplicates) == (0, 1000)
	assert frappe.db.count("Campaign Bounce", {"email": ("in", emails)}) == 250


@pytest.mark.parametrize(
	"provider, header",
	[("SendGrid", "X-SMTPAPI"), ("Amazon SES", "X-SES-MESSAGE-TAGS"), ("Mailgun", "X-Mailgun-Variables"),
		("Postmark", "X-PM-Metadata-cp_send"), ("Brevo", "X-Mailin-custom")],
)  # fmt: skip
def test_each_campaign_email_carries_its_providers_metadata_naming_its_row(campaign_with, provider, header):
	"""So that webhook events find the row even when the service replaces the Message-ID."""
	import email as email_lib
	import json

	from campaign_plus.engine import providers as engine

	campaign, _sent, waiting = campaign_with(sent=0, waiting=2)
	# the account the batch will send through (a site may have several outgoing ones)
	account = sender.senders([])[None][1].name
	frappe.get_doc(
		{"doctype": "Campaign Plus Webhook", "parent": "Campaign Plus Settings", "parenttype": "Campaign Plus Settings",
			"parentfield": "webhooks", "idx": 90, "email_account": account, "provider": provider, "topic_arn": "arn:aws:x"}
	).db_insert()  # fmt: skip
	sender.send_batch(campaign, waiting)
	for name in waiting:
		message = email_lib.message_from_string(frappe.db.get_value("Email Queue", name, "message"))
		value = message[header]
		assert value, (provider, header)
		token = {
			"X-SMTPAPI": lambda v: json.loads(v)["unique_args"][engine.TAG],
			"X-SES-MESSAGE-TAGS": lambda v: v.split("=", 1)[1],
			"X-Mailgun-Variables": lambda v: json.loads(v)[engine.TAG],
		}.get(header, lambda v: v)(value)
		assert send_id.read(token) == name


def test_the_deliverability_view_per_email_account_over_7_and_30_days(campaign_with):
	from campaign_plus.campaign_plus.report.email_account_deliverability.email_account_deliverability import (
		execute,
	)

	account = frappe.get_doc({"doctype": "Email Account", "email_account_name": f"_Test View {frappe.generate_hash(length=6)}",
		"email_id": "view@example.com", "enable_outgoing": 1, "smtp_server": "127.0.0.1",
		"no_smtp_authentication": 1}).insert(ignore_permissions=True).name  # fmt: skip
	_campaign, rows, _waiting = campaign_with(sent=25, waiting=1, account=account)
	settings(guard_refusal_rate=10)
	old = frappe.utils.add_days(frappe.utils.now_datetime(), -10)
	frappe.db.set_value("Campaign Send Log", {"name": ("in", rows[:5])}, "queued_on", old)  # 30 days only
	bounce(rows[5:8])  # 3 hard bounces
	bounce(rows[8:9], kind=providers.COMPLAINT)
	frappe.db.set_value("Campaign Send Log", rows[9], {"status": "Failed", "error": "550 5.7.26 Unauthenticated",
		"reputation_refused_on": frappe.utils.now_datetime()})  # fmt: skip

	def view(days):
		_columns, data = execute({"email_account": account, "days": days})
		(row,) = data
		return row

	week, month = view(7), view(30)
	assert (week["sent"], week["hard_bounces"], week["complaints"], week["refusals"]) == (20, 3, 1, 1)
	assert (week["hard_bounce_rate"], week["complaint_rate"], week["refusal_rate"]) == (15.0, 5.0, 5.0)
	assert week["hard_bounce_rate_over"] and week["complaint_rate_over"]  # thresholds 10 % and 1 %
	assert (month["sent"], month["hard_bounce_rate"], month["complaint_rate"]) == (25, 12.0, 4.0)
	assert week["is_paused"] and week["paused"] == "Paused"  # the guard paused the account meanwhile
	columns, _data = execute({"days": 7})
	assert {"complaints", "complaint_rate", "refusals", "refusal_rate", "unsubscribes"} <= {
		c["fieldname"] for c in columns
	}
