# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Scheduled campaign email on a real site: exactly once, catch-up, unsubscribes, closed campaigns,
ERPNext's own job silenced, ledger synced from Email Queue. Dates are frozen with freezegun."""

import datetime as dt

import frappe
import pytest

from campaign_plus.sending import api, ledger, planner, sender
from campaign_plus.sending.stock import STOCK_SEND_JOB
from campaign_plus.setup import install
from tests.integration.helpers import (
	enroll,
	freeze_time,
	linked_counts,
	make_campaign,
	make_lead,
	make_template,
	use_outgoing_account,
)

START = dt.date(2027, 3, 1)


def day(n: int) -> str:
	return f"{START + dt.timedelta(days=n)} 10:00:00"


@pytest.fixture
def setup_campaign():
	"""A campaign with steps on day 0 and day 2, and three enrolled leads starting on START."""
	use_outgoing_account()

	def make(steps=((0, None),), leads=3, **campaign_values):
		template = make_template()
		campaign = make_campaign(
			campaign_schedules=[
				{"email_template": template.name, "send_after_days": days, "cp_date_formula": formula}
				for days, formula in steps
			],
			**campaign_values,
		)
		people = [make_lead() for _ in range(leads)]
		enroll(campaign.name, [p.name for p in people], START)
		return campaign, people

	return make


def queue_rows(campaign: str) -> list[dict]:
	queue = frappe.qb.DocType("Email Queue")
	recipient = frappe.qb.DocType("Email Queue Recipient")
	return (
		frappe.qb.from_(queue)
		.join(recipient)
		.on(recipient.parent == queue.name)
		.select(queue.name, queue.status, queue.message, recipient.recipient)
		.where(queue.reference_doctype == "Campaign")
		.where(queue.reference_name == campaign)
		.run(as_dict=True)
	)


def ledger_rows(campaign: str) -> list[dict]:
	return frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign},
		fields=["name", "party", "schedule_row", "status", "reason", "email_queue", "error"],
	)


def test_exactly_one_email_queue_per_recipient_per_step(setup_campaign):
	campaign, leads = setup_campaign(steps=((0, None), (2, None)))
	with freeze_time(day(0)):
		result = planner.plan_campaign(campaign.name)
		planner.plan_campaign(campaign.name)  # a second run the same day does nothing
	assert (result.planned, result.skipped, result.batches) == (3, 0, 1)
	rows = queue_rows(campaign.name)
	assert sorted(r.recipient for r in rows) == sorted(lead.email_id for lead in leads)
	assert {r.status for r in rows} == {"Not Sent"}
	assert all(
		lead.first_name in next(r.message for r in rows if r.recipient == lead.email_id) for lead in leads
	)

	with freeze_time(day(1)):
		assert planner.plan_campaign(campaign.name).planned == 0
	with freeze_time(day(2)):
		assert planner.plan_campaign(campaign.name).planned == 3
		planner.plan_campaign(campaign.name)
	rows = queue_rows(campaign.name)
	assert len(rows) == 6
	log = ledger_rows(campaign.name)
	assert len(log) == 6 and {r.status for r in log} == {"Queued"}
	assert {r.email_queue for r in log} == {r.name for r in rows}
	assert len({(r.party, r.schedule_row) for r in log}) == 6


def test_message_carries_unsubscribe_link_and_campaign_reference(setup_campaign):
	"""The sender's footer links to the unsubscribe page of the row (never Frappe's GET link)."""
	from campaign_plus.utils import send_id, unsubscribe_links

	campaign, _leads = setup_campaign(leads=1)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name)
	row = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Campaign", "reference_name": campaign.name},
		fields=["name", "add_unsubscribe_link", "message", "priority"],
	)[0]
	assert row.add_unsubscribe_link == 0 and "<!--unsubscribe_url-->" not in row.message
	_subject, text, html = sender._parts(row.message)
	for part in (text, html):
		assert unsubscribe_links.PAGE_METHOD in part and "frappe.email.queue.unsubscribe" not in part
	message = row.message
	assert f"{send_id.HEADER}: {send_id.make(row.name)}" in message


def test_interrupted_run_then_rerun_sends_nothing_twice_and_loses_nothing(setup_campaign, monkeypatch):
	campaign, leads = setup_campaign(leads=5)
	frappe.db.set_single_value("Campaign Plus Settings", "batch_size", 2)
	real = sender.insert_queue_rows
	calls = {"n": 0}

	def crash_in_second_batch(*args, **kwargs):
		calls["n"] += 1
		real(*args, **kwargs)  # the second batch has written its Email Queue rows...
		if calls["n"] == 2:
			raise RuntimeError("worker killed")  # ...and dies before marking its ledger rows

	with freeze_time(day(0)):
		monkeypatch.setattr(sender, "insert_queue_rows", crash_in_second_batch)
		with pytest.raises(RuntimeError):
			planner.plan_campaign(campaign.name)
		assert len(queue_rows(campaign.name)) == 2  # only the first batch went through
		statuses = sorted(r.status for r in ledger_rows(campaign.name))
		assert statuses == ["Planned", "Planned", "Planned", "Queued", "Queued"]
		monkeypatch.setattr(sender, "insert_queue_rows", real)
		planner.plan_campaign(campaign.name)
	rows = queue_rows(campaign.name)
	assert sorted(r.recipient for r in rows) == sorted(lead.email_id for lead in leads)
	assert {r.status for r in ledger_rows(campaign.name)} == {"Queued"}


def test_two_workers_on_the_same_batch_send_once(setup_campaign):
	campaign, _leads = setup_campaign(leads=2)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name, enqueue=False)
		names = ledger.planned_names(campaign.name)
		sender.send_batch(campaign.name, names)
		sender.send_batch(campaign.name, names)
	assert len(queue_rows(campaign.name)) == 2


def test_ledger_identity_is_unique_even_when_planners_race(setup_campaign):
	campaign, _leads = setup_campaign(leads=2)
	with freeze_time(day(0)):
		steps, recipients, _options, _settings = planner.compute_plan(campaign.name, START)
		from campaign_plus.engine.schedule import plan

		rows = plan(steps, recipients, START)
		ledger.insert(campaign.name, rows)
		ledger.insert(campaign.name, rows)  # the other worker computed the same rows
	assert len(ledger_rows(campaign.name)) == 2


def test_seven_days_without_scheduler_then_one_run_sends_each_due_step_once(setup_campaign):
	campaign, _leads = setup_campaign(steps=((0, None), (2, None), (5, None), (9, None)), leads=2)
	with freeze_time(day(7)):
		result = planner.plan_campaign(campaign.name)
		planner.plan_campaign(campaign.name)
	assert (result.planned, result.skipped) == (6, 0)
	assert len(queue_rows(campaign.name)) == 6


def test_steps_older_than_the_catch_up_age_expire(setup_campaign):
	campaign, _leads = setup_campaign(steps=((0, None), (2, None), (5, None)), leads=1)
	frappe.db.set_single_value("Campaign Plus Settings", "max_catch_up_days", 3)
	with freeze_time(day(7)):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.skipped, result.reasons) == (1, 2, {"Expired": 2})
	assert sorted((r.status, r.reason) for r in ledger_rows(campaign.name)) == [
		("Queued", None),
		("Skipped", "Expired"),
		("Skipped", "Expired"),
	]


def test_zero_day_step_sends_on_the_start_day_not_before(setup_campaign):
	campaign, _leads = setup_campaign(steps=((0, None),), leads=1)
	with freeze_time(day(-1)):
		assert planner.plan_campaign(campaign.name).planned == 0
	with freeze_time(day(0)):
		assert planner.plan_campaign(campaign.name).planned == 1
	assert len(queue_rows(campaign.name)) == 1


def test_date_formula_step(setup_campaign):
	campaign, _leads = setup_campaign(steps=((0, "CM+1D"),), leads=1)  # START is 1 March: due 1 April
	with freeze_time("2027-03-31 10:00:00"):
		assert planner.plan_campaign(campaign.name).planned == 0
	with freeze_time("2027-04-01 10:00:00"):
		assert planner.plan_campaign(campaign.name).planned == 1


def test_unsubscribed_recipient_gets_nothing_more_while_others_continue(setup_campaign):
	campaign, leads = setup_campaign(steps=((0, None), (2, None)), leads=3)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name)
	frappe.get_doc(
		{
			"doctype": "Email Unsubscribe",
			"email": leads[0].email_id,
			"reference_doctype": "Campaign",
			"reference_name": campaign.name,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Lead", leads[1].name, "unsubscribed", 1)
	with freeze_time(day(2)):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.reasons) == (1, {"Unsubscribed": 2})
	sent_to = [r.recipient for r in queue_rows(campaign.name)]
	assert sent_to.count(leads[0].email_id) == 1
	assert sent_to.count(leads[1].email_id) == 1
	assert sent_to.count(leads[2].email_id) == 2


def test_one_email_group_member_unsubscribing_stops_only_that_member(setup_campaign):
	use_outgoing_account()
	template = make_template(subject="Hello {{ doc.email }}")
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	group = frappe.get_doc(
		{"doctype": "Email Group", "title": f"_Test CP {frappe.generate_hash(length=6)}"}
	).insert()
	emails = [f"member{i}-{frappe.generate_hash(length=6)}@example.com" for i in range(3)]
	for email in emails:
		frappe.get_doc({"doctype": "Email Group Member", "email_group": group.name, "email": email}).insert()
	frappe.db.set_value("Email Group Member", {"email": emails[1]}, "unsubscribed", 1)
	enroll(campaign.name, [group.name], START, for_doctype="Email Group")
	with freeze_time(day(0)):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.reasons) == (2, {"Unsubscribed": 1})
	assert sorted(r.recipient for r in queue_rows(campaign.name)) == sorted([emails[0], emails[2]])


def test_closed_campaign_sends_nothing(setup_campaign):
	campaign, _leads = setup_campaign(leads=2)
	campaign.cp_status = "Canceled"
	campaign.save()
	with freeze_time(day(0)):
		result = planner.plan_campaign(campaign.name)
		assert not result.running and "closed" in result.why_not
		assert campaign.name not in planner.runnable_campaigns(START)
	assert queue_rows(campaign.name) == []


def test_rows_planned_before_closing_are_skipped_by_the_sender(setup_campaign):
	campaign, _leads = setup_campaign(leads=2)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name, enqueue=False)
		campaign.reload()
		campaign.cp_status = "Canceled"
		campaign.save()
		sender.send_batch(campaign.name, ledger.planned_names(campaign.name))
	assert queue_rows(campaign.name) == []
	assert {(r.status, r.reason) for r in ledger_rows(campaign.name)} == {("Skipped", "Campaign Closed")}


def test_campaign_outside_its_dates_sends_nothing(setup_campaign):
	campaign, _leads = setup_campaign(leads=1, cp_start_date=START + dt.timedelta(days=3))
	with freeze_time(day(0)):
		result = planner.plan_campaign(campaign.name)
	assert not result.running
	with freeze_time(day(3)):
		assert planner.plan_campaign(campaign.name).planned == 1  # caught up on the first day


def test_template_error_fails_only_that_recipient(setup_campaign):
	use_outgoing_account()
	template = make_template(body="{% if doc.first_name == 'Broken' %}{{ 1 / 0 }}{% endif %}Hello")
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	good, bad = make_lead(), make_lead(first_name="Broken")
	enroll(campaign.name, [good.name, bad.name], START)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name)
	by_party = {r.party: r for r in ledger_rows(campaign.name)}
	assert by_party[good.name].status == "Queued"
	assert (by_party[bad.name].status, by_party[bad.name].reason) == ("Failed", "Template Error")
	assert "ZeroDivisionError" in by_party[bad.name].error
	assert [r.recipient for r in queue_rows(campaign.name)] == [good.email_id]


def test_email_queue_outcome_flows_back_into_the_ledger(setup_campaign):
	campaign, leads = setup_campaign(leads=2)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name)
	rows = {r.party: r for r in ledger_rows(campaign.name)}
	frappe.db.set_value("Email Queue", rows[leads[0].name].email_queue, "status", "Sent")
	frappe.db.set_value(
		"Email Queue",
		rows[leads[1].name].email_queue,
		{"status": "Error", "error": "550 mailbox unavailable"},
	)
	planner.sync_ledger([campaign.name])  # the scheduler syncs every campaign
	rows = {r.party: r for r in ledger_rows(campaign.name)}
	assert rows[leads[0].name].status == "Sent"
	assert (rows[leads[1].name].status, rows[leads[1].name].reason) == ("Failed", "Send Error")
	assert "550" in rows[leads[1].name].error


def test_email_campaign_statuses_are_maintained(setup_campaign):
	campaign, _leads = setup_campaign(steps=((0, None), (3, None)), leads=1)
	email_campaign = frappe.get_all("Email Campaign", filters={"campaign_name": campaign.name}, pluck="name")[
		0
	]
	with freeze_time(day(1)):
		planner.plan_campaign(campaign.name)
	assert frappe.db.get_value("Email Campaign", email_campaign, "status") == "In Progress"
	with freeze_time(day(9)):
		planner.plan_campaign(campaign.name)
	assert frappe.db.get_value("Email Campaign", email_campaign, "status") == "Completed"
	later, gone = (
		enroll(campaign.name, [make_lead().name], START + dt.timedelta(days=20))[0].name,
		enroll(campaign.name, [make_lead().name], START)[0].name,
	)
	frappe.db.set_value("Email Campaign", gone, "status", "Unsubscribed")
	with freeze_time(day(9)):
		planner.plan_campaign(campaign.name)
	statuses = dict(
		frappe.get_all("Email Campaign", {"campaign_name": campaign.name}, ["name", "status"], as_list=True)
	)
	assert statuses == {email_campaign: "Completed", later: "Scheduled", gone: "Unsubscribed"}


def test_ledger_names_ascend_and_never_repeat():
	from campaign_plus.utils.db import ordered_names

	first, second = ordered_names(40), ordered_names(3)
	names = first + second
	assert names == sorted(names) and len(set(names)) == len(names)
	assert {len(name) for name in names} == {16}
	assert len(ordered_names(32**4 + 1)[-1]) == 17  # beyond a million: a longer counter, still ascending
	assert ordered_names(0) == []


def test_bulk_inserts_write_every_value_as_given(setup_campaign):
	from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names, standard_values

	campaign, leads = setup_campaign(leads=2)
	fields = (
		*STANDARD_COLUMNS,
		"campaign",
		"schedule_row",
		"step_idx",
		"party_type",
		"party",
		"email",
		"reason",
	)
	odd = "O'Brien \\ 100% %s"
	names = ordered_names(5)
	rows = [
		(*standard_values(names[0]), campaign.name, "s1", 1, "Lead", leads[0].name, odd, None),
		(*standard_values(names[1]), campaign.name, "s1", True, "Lead", leads[1].name, None, odd),
	]
	assert insert_many(ledger.LEDGER, fields, rows) == 2
	# a chunk of one row: every column holds one value
	only = (*standard_values(names[2]), campaign.name, "s2", 2, "Lead", leads[0].name, "a%b", "50%")
	assert insert_many(ledger.LEDGER, fields, [only]) == 1
	# one-value columns written once beside the varying ones (quotes, backslashes, % and all)
	same = [
		(*standard_values(names[3]), campaign.name, "s3", 3, "Lead", leads[0].name, "x@example.com", odd),
		(*standard_values(names[4]), campaign.name, "s3", 3, "Lead", leads[1].name, "y@example.com", odd),
	]
	assert insert_many(ledger.LEDGER, fields, same) == 2
	written = {
		row.name: row
		for row in frappe.get_all(
			ledger.LEDGER, {"name": ("in", names)}, ["name", "step_idx", "email", "reason", "party"]
		)
	}
	assert (written[names[0]].email, written[names[0]].reason, written[names[0]].step_idx) == (odd, None, 1)
	assert (written[names[1]].email, written[names[1]].reason, written[names[1]].step_idx) == (None, odd, 1)
	assert (written[names[2]].email, written[names[2]].reason, written[names[2]].party) == (
		"a%b",
		"50%",
		leads[0].name,
	)
	assert [
		(written[n].email, written[n].reason, written[n].party, written[n].step_idx) for n in names[3:]
	] == [
		("x@example.com", odd, leads[0].name, 3),
		("y@example.com", odd, leads[1].name, 3),
	]


def test_bulk_inserts_write_long_text_as_given(setup_campaign):
	"""Long text goes through the replacing escape (not the driver's table): the same literal as
	the driver's, and the very value read back."""
	from pymysql.converters import escape_string

	from campaign_plus.engine.sqltext import SHORT
	from campaign_plus.engine.sqltext import escape_string as ours
	from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names, standard_values

	campaign, leads = setup_campaign(leads=2)
	odd = "O'Brien \\ \"quoted\" \\' 100% %s \0 nul \r\n line \x1a ctrl-z été ✓ 😀 "
	values = [odd * 30, (odd * 30)[::-1]]
	for value in [*values, odd, odd[:SHORT], odd * 2]:
		assert ours(value) == escape_string(value)
	names = ordered_names(2)
	fields = (*STANDARD_COLUMNS, "campaign", "schedule_row", "step_idx", "party_type", "party", "error")
	rows = [
		(*standard_values(name), campaign.name, "s1", 1, "Lead", lead.name, value)
		for name, lead, value in zip(names, leads, values, strict=True)
	]
	assert insert_many(ledger.LEDGER, fields, rows) == 2
	written = dict(frappe.get_all(ledger.LEDGER, {"name": ("in", names)}, ["name", "error"], as_list=True))
	assert [written[name] for name in names] == values


# --- ERPNext's own sending ---------------------------------------------------------------------


def test_stock_job_is_stopped_and_stays_stopped_after_migrate_steps():
	from frappe.core.doctype.scheduled_job_type.scheduled_job_type import sync_jobs

	assert frappe.db.get_value("Scheduled Job Type", {"method": STOCK_SEND_JOB}, "stopped") == 1
	sync_jobs()
	install.after_migrate()
	assert frappe.db.get_value("Scheduled Job Type", {"method": STOCK_SEND_JOB}, "stopped") == 1
	status_job = "erpnext.crm.doctype.email_campaign.email_campaign.set_email_campaign_status"
	assert frappe.db.get_value("Scheduled Job Type", {"method": status_job}, "stopped") == 0


def test_stock_job_triggered_by_hand_sends_nothing():
	from erpnext.crm.doctype.email_campaign.email_campaign import send_email_to_leads_or_contacts

	use_outgoing_account()
	template = make_template(body="<p>Hi {{ doc.first_name }}</p>")  # renders in ERPNext's context too
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	enroll(campaign.name, [make_lead().name, make_lead().name], START)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name)  # statuses become In Progress, as stock needs
		queued_before = frappe.db.count("Email Queue")
		try:
			send_email_to_leads_or_contacts()  # ERPNext 15 lets the refusal through
		except frappe.ValidationError as error:
			assert "Campaign Plus" in str(error)
		# (ERPNext 16 catches and logs it: either way nothing is sent)
	assert frappe.db.count("Email Queue") == queued_before
	assert not frappe.get_all(
		"Communication", filters={"reference_doctype": "Email Campaign", "creation": (">", day(-1))}, limit=1
	)
	assert len(queue_rows(campaign.name)) == 2


def test_uninstall_restarts_stock_job():
	try:
		install.before_uninstall()
		assert frappe.db.get_value("Scheduled Job Type", {"method": STOCK_SEND_JOB}, "stopped") == 0
	finally:
		frappe.db.rollback()
		install.setup()
		frappe.clear_cache(doctype="Campaign")


# --- desk actions --------------------------------------------------------------------------------


def test_invalid_date_formula_is_refused_naming_the_token():
	template = make_template()
	with pytest.raises(frappe.ValidationError) as info:
		make_campaign(
			campaign_schedules=[
				{"email_template": template.name, "send_after_days": 0, "cp_date_formula": "1W+1X"}
			]
		)
	assert "+1X" in str(info.value)
	campaign = make_campaign(
		campaign_schedules=[
			{"email_template": template.name, "send_after_days": 0, "cp_date_formula": " cm + 1d "}
		]
	)
	assert campaign.campaign_schedules[0].cp_date_formula == "CM+1D"


def test_send_due_emails_now_and_preview(setup_campaign):
	campaign, _leads = setup_campaign(steps=((0, None), (2, None)), leads=3)
	frappe.db.set_value("Lead", _leads[0].name, "unsubscribed", 1)
	with freeze_time(day(0)):
		calendar = api.preview_schedule(campaign.name, days=5)
		assert [(str(d["date"]), d["step"], d["to_send"], d["excluded"]) for d in calendar] == [
			(str(START), 1, 2, {"Unsubscribed": 1}),
			(str(START + dt.timedelta(days=2)), 2, 2, {"Unsubscribed": 1}),
		]
		assert ledger_rows(campaign.name) == []  # a dry run writes nothing
		result = api.send_due_emails_now(campaign.name)
	assert (result["planned"], result["skipped"]) == (2, 1)
	assert len(queue_rows(campaign.name)) == 2


def test_send_due_emails_now_needs_write_permission(setup_campaign):
	from tests.integration.helpers import make_user

	campaign, _leads = setup_campaign(leads=1)
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		api.send_due_emails_now(campaign.name)


def test_send_test_email_goes_to_the_user_only(setup_campaign):
	campaign, _leads = setup_campaign(leads=1)
	address = f"cp-admin-{frappe.generate_hash(length=8)}@example.com"
	frappe.db.set_value("User", "Administrator", "email", address)
	email = api.send_test_email(campaign.name, campaign.campaign_schedules[0].name)
	assert email == address
	assert ledger_rows(campaign.name) == []
	recipients = frappe.get_all(
		"Email Queue Recipient",
		filters={
			"parent": (
				"in",
				frappe.get_all("Email Queue", filters={"reference_name": campaign.name}, pluck="name"),
			)
		},
		pluck="recipient",
	)
	assert recipients == [address]


def test_lead_connections_show_the_send_log(setup_campaign):
	campaign, leads = setup_campaign(leads=1)
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name)
	assert linked_counts("Lead", leads[0].name)["Campaign Send Log"] == 1


# --- the message skeleton: same email as Frappe's own builder, much faster -------------------


@pytest.mark.parametrize(
	"subject, body",
	[
		("Hello Bench", "<p>Dear Bench,</p><p>Our offer.</p>"),
		(
			"Bonjour Élodie — une offre spéciale pour la société Ça Va Très Bien & Associés, valable jusqu'au 31 décembre",
			'<p>Chère Élodie,</p><p>Voir <a href="/files/offre.pdf">l\'offre</a> € 1 234,56.</p><ul><li>un</li><li>deux</li></ul>',
		),
		("Plain", "Just text, no markup at all"),
	],
)
def test_skeleton_gives_the_same_email_as_frappe(subject, body):
	from frappe.email.doctype.email_account.email_account import EmailAccount

	use_outgoing_account()
	account = EmailAccount.find_outgoing(_raise_error=True)
	layout = sender.CampaignLayout(account)
	address = "someone@example.com"
	skeleton = sender.MessageSkeleton("Some Campaign", None, layout, (address, subject, body))
	assert skeleton.usable(body), "the fast path is in use"
	fast = skeleton.fill(address, subject, body)
	slow = sender.build_queue_row("Some Campaign", address, subject, body, None, layout)
	assert sender._parts(fast["message"]) == sender._parts(slow["message"])
	assert fast["message_id"] != slow["message_id"]
	assert {k: v for k, v in fast.items() if k not in ("message", "message_id")} == {
		k: v for k, v in slow.items() if k not in ("message", "message_id")
	}


def test_embedded_images_take_frappes_path():
	from frappe.email.doctype.email_account.email_account import EmailAccount

	use_outgoing_account()
	layout = sender.CampaignLayout(EmailAccount.find_outgoing(_raise_error=True))
	skeleton = sender.MessageSkeleton("C", None, layout, ("a@example.com", "S", "<p>x</p>"))
	assert not skeleton.usable('<p><img embed="files/logo.png"></p>')


def test_contact_recipients_and_their_connections():
	use_outgoing_account()
	template = make_template(subject="Hello {{ doc.first_name }}")
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	address = f"contact-{frappe.generate_hash(length=8)}@example.com"
	contact = frappe.get_doc(
		{"doctype": "Contact", "first_name": "Zoé", "email_ids": [{"email_id": address, "is_primary": 1}]}
	).insert(ignore_permissions=True)
	enroll(campaign.name, [contact.name], START, for_doctype="Contact")
	with freeze_time(day(0)):
		assert planner.plan_campaign(campaign.name).planned == 1
	assert [r.recipient for r in queue_rows(campaign.name)] == [address]
	subject = frappe.db.get_value("Email Queue", ledger_rows(campaign.name)[0].email_queue, "message")
	assert "Zo=C3=A9" in subject or "Zoé" in subject  # rendered with the Contact's document
	assert linked_counts("Contact", contact.name)["Campaign Send Log"] == 1
