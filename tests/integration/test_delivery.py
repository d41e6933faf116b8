# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Paced delivery in this process against a real mail server on 127.0.0.1 (aiosmtpd, STARTTLS and
AUTH required): one session per job, Frappe's own bytes, 4xx / 5xx / server down / dropped
connection / killed job, suspended queue and muted emails, pacing, progress.

Frappe's sending commits after each message; here those commits are made no-ops so that every
test is rolled back like the others (the real workers are in test_delivery_workers.py)."""

import email
import itertools
import smtplib
import sys
import time
from contextlib import contextmanager
from email import policy

import frappe
import pytest
from frappe.email.queue import get_queue

from campaign_plus.deliverability import outgoing
from campaign_plus.delivery import job, outcomes, store, work
from campaign_plus.delivery.api import get_delivery_progress
from campaign_plus.delivery.settings import get_delivery_settings
from campaign_plus.sending import planner
from tests.integration.helpers import make_campaign, make_template, make_user
from tests.smtp_server import MailServer, free_port
from tests.workers import add_sending_limit

HEADERS = ("Subject", "From", "To", "Message-ID", "List-Unsubscribe", "Date", "Content-Type")


@pytest.fixture(scope="module")
def mail_server():
	server = MailServer(python=sys.executable, store=True).start()
	yield server
	server.cleanup()


@contextmanager
def commits_rolled_back():
	"""Frappe's sending commits after each message: keep the test's transaction whole."""
	commit = frappe.db.commit
	frappe.db.commit = lambda *args, **kwargs: None
	try:
		yield
	finally:
		frappe.db.commit = commit


def clear_delivery_keys():
	connection = store.redis()
	keys = list(connection.scan_iter(match=store.key("*"), count=1000))
	if keys:
		connection.delete(*keys)


def make_account(server: MailServer, limits=(0, 0, 0)) -> str:
	name = f"_Test CP Delivery {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": name,
			"email_id": f"delivery-{frappe.generate_hash(length=6)}@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			**server.account_values(),
		}
	).insert(ignore_permissions=True)
	frappe.db.set_single_value("Campaign Plus Settings", {"email_account": name, "paced_delivery": 1})
	add_sending_limit(name, limits)
	frappe.local.outgoing_email_account = {}
	return name


@pytest.fixture
def delivering(mail_server):
	"""A campaign-ready site whose default outgoing account is the test mail server."""
	frappe.flags.testing_email = True
	clear_delivery_keys()
	with commits_rolled_back():
		try:
			yield mail_server
		finally:
			frappe.flags.testing_email = False
			frappe.flags.mute_emails = False
			frappe.db.rollback()
			clear_delivery_keys()


def queued_campaign(
	emails: list[str], subject="Hello {{ doc.first_name }}", body=None
) -> tuple[str, list[str]]:
	"""A campaign whose one step is due today for leads with these addresses, planned and queued
	(the send batches run in this process): the campaign and its Email Queue rows."""
	template = make_template(subject=subject, **({"body": body} if body else {}))
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	for address in emails:
		lead = frappe.get_doc({"doctype": "Lead", "first_name": address.split("@")[0], "email_id": address})
		lead.insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Email Campaign",
				"campaign_name": campaign.name,
				"email_campaign_for": "Lead",
				"recipient": lead.name,
				"start_date": frappe.utils.today(),
				"sender": "Administrator",
			}
		).insert(ignore_permissions=True)
	planner.plan_campaign(campaign.name)
	names = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Campaign", "reference_name": campaign.name},
		pluck="name",
	)
	assert len(names) == len(emails)
	return campaign.name, names


def unique(tag: str, n: int) -> list[str]:
	run = frappe.generate_hash(length=6)
	return [f"{tag}{i}-{run}@example.com" for i in range(n)]


def accepted_ids(server: MailServer) -> list[str]:
	return [row["message_id"] for row in server.accepted()]


def ids_of(names: list[str]) -> set[str]:
	return {
		f"<{m}>" for m in frappe.get_all("Email Queue", filters={"name": ("in", names)}, pluck="message_id")
	}


def statuses(names: list[str]) -> dict[str, str]:
	return dict(
		frappe.get_all("Email Queue", filters={"name": ("in", names)}, fields=["name", "status"], as_list=1)
	)


def ledger(names: list[str]) -> dict[str, dict]:
	return {
		row.name: row
		for row in frappe.get_all(
			"Campaign Send Log",
			filters={"name": ("in", names)},
			fields=["name", "status", "reason", "error", "delivery_doubt"],
		)
	}


def count_connections(monkeypatch) -> list:
	opened = []
	connect = smtplib.SMTP.connect

	def counting(self, *args, **kwargs):
		opened.append(args)
		return connect(self, *args, **kwargs)

	monkeypatch.setattr(smtplib.SMTP, "connect", counting)
	return opened


def test_rows_are_leased_then_delivered_over_one_session(delivering, monkeypatch):
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("lead", 6))
	leased = frappe.get_all("Email Queue", filters={"name": ("in", names)}, pluck="send_after")
	assert all(
		frappe.utils.get_datetime(t) > frappe.utils.add_to_date(None, seconds=job.MARGIN) for t in leased
	)
	assert not {row.name for row in get_queue()} & set(names)  # Frappe's flush waits for the lease
	opened = count_connections(monkeypatch)
	before = len(delivering.accepted())

	delivery = job.deliver_names(names, account, campaign)

	assert len(opened) == 1
	assert delivery.totals["delivered"] == 6 and not delivery.item.names
	assert set(accepted_ids(delivering)[before:]) == ids_of(names)
	assert set(statuses(names).values()) == {"Sent"}
	assert {row.status for row in ledger(names).values()} == {"Sent"}
	recipients = frappe.get_all("Email Queue Recipient", filters={"parent": ("in", names)}, pluck="status")
	assert set(recipients) == {"Sent"}
	assert not {row.name for row in get_queue()} & set(names)  # nothing left for Frappe's flush


@pytest.mark.parametrize("pipelining", [True, False], ids=["server-offers-pipelining", "server-does-not"])
def test_commands_are_pipelined_when_the_server_offers_it(delivering, monkeypatch, pipelining):
	"""RFC 2920: with a server that offers PIPELINING, each message's MAIL, RCPT and DATA arrive
	together (the server saw DATA waiting when it answered RCPT); without, one at a time. Either
	way a refusal at RCPT, permanent or temporary, leaves the session fit for the next messages."""
	server = MailServer(python=sys.executable, pipelining=pipelining).start()
	try:
		account = make_account(server)
		fine = unique("fine", 2)
		campaign, names = queued_campaign([fine[0], *unique("reject", 1), *unique("tempfail", 1), fine[1]])
		opened = count_connections(monkeypatch)

		delivery = job.deliver_names(names, account, campaign)

		by_address = {
			frappe.db.get_value("Email Queue Recipient", {"parent": name}, "recipient"): status
			for name, status in statuses(names).items()
		}
		assert [by_address[address] for address in (fine[0], fine[1])] == ["Sent", "Sent"]
		assert sorted(by_address.values()) == ["Error", "Not Sent", "Sent", "Sent"]  # refused, to retry
		assert len(opened) == 1 and server.sessions() == 1 and delivery.totals["delivered"] == 2
		accepted = server.accepted()
		assert sorted(a for row in accepted for a in row["to"]) == sorted(fine)
		assert [row["pipelined"] for row in accepted] == [pipelining, pipelining]
	finally:
		server.cleanup()


@pytest.mark.parametrize("pipelining", [True, False], ids=["server-offers-pipelining", "server-does-not"])
def test_a_pipelined_refusal_reads_as_smtplib_reads_it(delivering, pipelining):
	"""The job's session, pipelined or not, raises what smtplib raises for a refused sender or
	recipient (the job classifies failures by it), resets the transaction, and goes on."""
	from campaign_plus.delivery.smtp import DeliverySMTPServer

	server = MailServer(python=sys.executable, pipelining=pipelining).start()
	try:
		account = make_account(server)
		smtp = DeliverySMTPServer(**frappe.get_doc("Email Account", account).sendmail_config())
		session = smtp.session
		message = b"Subject: x\r\nMessage-ID: <%b@example.com>\r\n\r\n.a line with a dot\r\n"
		assert bool(session.has_extn("pipelining")) is pipelining

		with pytest.raises(smtplib.SMTPSenderRefused) as refused:
			session.sendmail("refused-sender@example.com", "fine@example.com", message % b"1")
		assert (refused.value.smtp_code, refused.value.sender) == (553, "refused-sender@example.com")
		with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
			session.sendmail("me@example.com", "reject-1@example.com", message % b"2")
		assert refused.value.recipients == {"reject-1@example.com": (550, b"5.1.1 No such user here")}
		assert session.sendmail("me@example.com", "fine-1@example.com", message % b"3") == {}
		assert (
			session.sendmail("me@example.com", ["fine-2@example.com", "fine-3@example.com"], message % b"4")
			== {}
		)
		smtp.quit()

		accepted = server.accepted()
		assert [(row["from"], row["to"], row["message_id"]) for row in accepted] == [
			("me@example.com", ["fine-1@example.com"], "<3@example.com>"),
			("me@example.com", ["fine-2@example.com", "fine-3@example.com"], "<4@example.com>"),
		]
		assert [row["pipelined"] for row in accepted] == [pipelining, False]  # two recipients: one by one
		assert server.sessions() == 1
	finally:
		server.cleanup()


def frappes_sends(monkeypatch) -> list[str]:
	"""Spy: the Email Queue rows sent through Frappe's own ``EmailQueue.send``."""
	from frappe.email.doctype.email_queue.email_queue import EmailQueue

	calls, send = [], EmailQueue.send

	def spy(self, *args, **kwargs):
		calls.append(self.name)
		return send(self, *args, **kwargs)

	monkeypatch.setattr(EmailQueue, "send", spy)
	return calls


def differences_logged() -> int:
	return frappe.db.count(
		"Error Log", {"method": "Campaign Plus: delivery builds messages with Frappe's own send"}
	)


def test_the_server_gets_the_bytes_frappe_itself_sends(delivering, monkeypatch):
	"""The same rows sent by delivery, then by Frappe's own flush path: identical messages. Delivery
	builds them without Frappe's per-message parsing and bookkeeping (the rows are plain)."""
	account = make_account(delivering)
	campaign, names = queued_campaign(
		unique("same-with-a-rather-long-local-part-for-folding", 3),
		subject="Offre spéciale pour {{ doc.first_name }} ✓ — un sujet assez long pour être replié",
		body='<p>Bonjour {{ doc.first_name }}, <a href="https://shop.example.com/offre?id=1&amp;x=2">l\'offre</a></p>',
	)
	start, logged = len(delivering.messages()), differences_logged()
	frappe_sent = frappes_sends(monkeypatch)
	job.deliver_names(names, account, campaign)
	assert frappe_sent == [] and differences_logged() == logged
	ours = delivering.messages()[start:]
	frappe.db.set_value("Email Queue", {"name": ("in", names)}, "status", "Not Sent")
	frappe.db.set_value("Email Queue Recipient", {"parent": ("in", names)}, "status", "Not Sent")
	for name in names:  # what frappe.email.queue.flush does with each row
		frappe.get_doc("Email Queue", name).send()
	frappes = delivering.messages()[start + len(ours) :]
	assert len(ours) == len(frappes) == 3
	by_id = {email.message_from_bytes(raw, policy=policy.SMTP)["Message-ID"]: raw for raw in frappes}
	for raw in ours:
		mine = email.message_from_bytes(raw, policy=policy.SMTP)
		theirs_raw = by_id[mine["Message-ID"]]
		theirs = email.message_from_bytes(theirs_raw, policy=policy.SMTP)
		for header in HEADERS:
			assert mine[header] == theirs[header], header
		bodies = [
			[part.get_payload(decode=True) for part in message.walk() if not part.is_multipart()]
			for message in (mine, theirs)
		]
		assert bodies[0] == bodies[1] and bodies[0]
		html = b"".join(bodies[0])
		assert b"optout.api.page?t=" in html  # the unsubscribe page of each recipient
		assert raw == theirs_raw  # in fact byte for byte


def test_a_plain_message_goes_out_as_its_own_text_the_bytes_frappe_sends(delivering, monkeypatch):
	"""A message that parsing and generating would give back as it is (short header lines, ASCII,
	CRLF) is sent as its text, placeholders filled in: the bytes Frappe's own send sends."""
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("direct", 3))
	frappe_sent = frappes_sends(monkeypatch)
	start, logged = len(delivering.messages()), differences_logged()
	delivery = job.deliver_names(names, account, campaign)
	assert frappe_sent == [] and differences_logged() == logged
	assert delivery.sender.built == {"direct": 3, "generated": 0, "frappe": 0}
	ours = delivering.messages()[start:]
	frappe.db.set_value("Email Queue", {"name": ("in", names)}, "status", "Not Sent")
	frappe.db.set_value("Email Queue Recipient", {"parent": ("in", names)}, "status", "Not Sent")
	for name in names:
		frappe.get_doc("Email Queue", name).send()
	frappes = delivering.messages()[start + len(ours) :]
	key = lambda raw: email.message_from_bytes(raw, policy=policy.SMTP)["Message-ID"]  # noqa: E731
	assert sorted(ours, key=key) == sorted(frappes, key=key) and len(ours) == 3


def test_a_message_built_otherwise_goes_out_as_frappe_builds_it(delivering, monkeypatch):
	"""Delivery compares its build with Frappe's on the first message of each chunk: a difference
	(here: headers folded at 40 characters) sends Frappe's bytes, and the rest of the job goes
	through Frappe's own send."""
	from frappe.email.doctype.email_queue.email_queue import SendMailContext

	from campaign_plus.delivery import sendmail
	from campaign_plus.delivery.sendmail import Sender

	account = make_account(delivering)
	campaign, names = queued_campaign(unique("otherwise", 3), subject="Un sujet assez long pour être replié")
	expected = {}
	for name in names:
		doc = frappe.get_doc("Email Queue", name)
		ctx = SendMailContext(doc)
		ctx.email_account_doc = doc.get_email_account(raise_error=True)
		built = ctx.build_message(doc.recipients[0].recipient)
		expected[doc.message_id] = outgoing.finish(doc, built, ctx.email_account_doc)
	monkeypatch.setattr(Sender, "policy", lambda self, ctx: policy.SMTP.clone(max_line_length=40))
	# parsed and generated again, with that policy
	monkeypatch.setattr(sendmail.mailheaders, "as_generated", lambda message, queued, fold: None)
	frappe_sent = frappes_sends(monkeypatch)
	start, logged = len(delivering.messages()), differences_logged()
	delivery = job.deliver_names(names, account, campaign)
	assert delivery.totals["delivered"] == 3 and len(frappe_sent) == 2
	assert differences_logged() == logged + 1
	sent = delivering.messages()[start:]
	by_id = {email.message_from_bytes(raw, policy=policy.SMTP)["Message-ID"].strip("<>"): raw for raw in sent}
	assert by_id == expected  # Frappe's bytes, byte for byte


def test_the_next_message_is_built_while_the_server_checks_this_one(delivering, monkeypatch):
	"""Between a message's final dot and the server's answer the job builds the next message. Still
	one message at a time in the server's hands; a refusal (its successor built already) and a
	message sent again after a hang-up change nothing: each row once."""
	from campaign_plus.delivery.sendmail import Sender

	server = MailServer(python=sys.executable, hangup_times=1).start()
	try:
		account = make_account(server)
		addresses = [*unique("ahead", 2), *unique("reject", 1), *unique("hangup", 1), *unique("ahead", 2)]
		campaign, names = queued_campaign(addresses)
		events = []
		message, before_final_dot, accepted = (
			Sender.message,
			job.Delivery.before_final_dot,
			job.Delivery.accepted,
		)

		def building(self, ctx, doc, recipient):
			events.append(("build", doc.name))
			return message(self, ctx, doc, recipient)

		def final_dot(self):
			events.append(("final dot", self.current))
			before_final_dot(self)

		def answered(self):
			events.append(("accepted", self.current))
			accepted(self)

		monkeypatch.setattr(Sender, "message", building)
		monkeypatch.setattr(job.Delivery, "before_final_dot", final_dot)
		monkeypatch.setattr(job.Delivery, "accepted", answered)

		delivery = job.deliver_names(names, account, campaign)

		position = {event: i for i, event in reversed(list(enumerate(events)))}  # first occurrences
		for row, following in itertools.pairwise(names):
			if ("accepted", row) in position:
				assert position["final dot", row] < position["build", following] < position["accepted", row]
		built = [e[1] for e in events if e[0] == "build"]
		hung_up = [row for row in names if built.count(row) == 2]  # built again for its second session
		assert sorted(built) == sorted([*names, *hung_up]) and len(hung_up) == 1
		final = statuses(names)
		rejected = [name for name, status in final.items() if status == "Error"]
		assert len(rejected) == 1 and sum(status == "Sent" for status in final.values()) == 5
		sent_ids = accepted_ids(server)
		assert sorted(sent_ids) == sorted(ids_of([name for name in names if name not in rejected]))
		assert len(set(sent_ids)) == 5 and delivery.totals["delivered"] == 5
	finally:
		server.cleanup()


def test_a_temporary_refusal_is_tried_again_later(delivering):
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("tempfail", 1) + unique("fine", 1))
	delivery = job.deliver_names(names, account, campaign)
	retrying = [n for n, s in statuses(names).items() if s == "Not Sent"]
	assert len(retrying) == 1
	row = frappe.db.get_value("Email Queue", retrying[0], ["retry", "send_after"], as_dict=True)
	assert row.retry == 1
	assert frappe.utils.get_datetime(row.send_after) > frappe.utils.add_to_date(None, seconds=300)
	later = [work.load(t) for t in work.tokens()]
	assert [(item.names, item.due > store.server_time() + 290) for item in later] == [(retrying, True)]
	assert delivery.totals["delivered"] == 1
	# when its time comes, the same row goes out once (the server accepts the second try)
	before = accepted_ids(delivering)
	job.deliver_names(retrying, account, campaign)
	assert statuses(retrying) == {retrying[0]: "Sent"}
	new = accepted_ids(delivering)[len(before) :]
	assert new == list(ids_of(retrying))


def test_a_permanent_refusal_fails_at_once_and_is_reported(delivering, monkeypatch):
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("reject", 1))
	reports = []
	notify = outcomes.notify
	monkeypatch.setattr(outcomes, "notify", lambda report: (reports.append(report), notify(report)))
	job.deliver_names(names, account, campaign)
	row = frappe.db.get_value("Email Queue", names[0], ["status", "error", "retry"], as_dict=True)
	assert row.status == "Error" and "550 5.1.1" in row.error
	(rejection,) = [r for report in reports for r in report.rejected]
	assert (rejection.email_queue, rejection.code) == (names[0], 550)
	assert rejection.recipient.startswith("reject")
	assert not work.tokens()  # never tried again
	# engagement tracking takes it as a hard bounce: the row Bounced, the address kept out
	log = ledger(names)[names[0]]
	assert log.status == "Bounced" and log.error.startswith("550")
	bounce = frappe.get_all(
		"Campaign Bounce", filters={"send_log": names[0]}, fields=["email", "bounce_type", "status_code"]
	)
	assert [(b.email, b.bounce_type, b.status_code) for b in bounce] == [
		(rejection.recipient.lower(), "Hard", "5.1.1")
	]


def test_mail_server_down_then_up_delivers_each_once(delivering):
	server = MailServer(python=sys.executable).start()
	try:
		account = make_account(server)
		campaign, names = queued_campaign(unique("down", 3))
		server.stop()
		delivery = job.deliver_names(names, account, campaign)
		assert delivery.stopped and delivery.stopped.server_down
		assert sorted(delivery.item.names) == sorted(names)
		rows = frappe.get_all(
			"Email Queue", filters={"name": ("in", names)}, fields=["status", "retry", "error"]
		)
		assert {(r.status, r.retry, r.error) for r in rows} == {("Not Sent", 0, None)}
		server.start()
		job.deliver_names(names, account, campaign)
		assert sorted(accepted_ids(server)) == sorted(ids_of(names))
		assert set(statuses(names).values()) == {"Sent"}
	finally:
		server.cleanup()


def test_a_dropped_connection_is_reopened_without_losing_or_repeating(delivering, monkeypatch):
	server = MailServer(python=sys.executable).start()
	try:
		account = make_account(server)
		campaign, names = queued_campaign(unique("drop", 4))
		opened = count_connections(monkeypatch)
		answered = job.DeliverySMTPServer.answered
		count = {"n": 0}

		def answered_then_restart(self):
			answered(self)
			if self.final_dot_written:
				count["n"] += 1
				if count["n"] == 2:  # the server goes away and comes back between two messages
					server.stop()
					server.start()

		monkeypatch.setattr(job.DeliverySMTPServer, "answered", answered_then_restart)
		job.deliver_names(names, account, campaign)
		assert len(opened) == 2
		assert sorted(accepted_ids(server)) == sorted(ids_of(names))
		rows = frappe.get_all("Email Queue", filters={"name": ("in", names)}, fields=["status", "retry"])
		assert {(r.status, r.retry) for r in rows} == {("Sent", 0)}
	finally:
		server.cleanup()


def test_bookkeeping_failing_after_acceptance_never_sends_again(delivering, monkeypatch):
	"""The server accepted the message, then Frappe's own bookkeeping failed (a deadlock between
	two workers' transactions): the message counts as sent, its retry undone, never sent again.
	(Rows Frappe's own send handles: those with a Communication, attachments to include….)"""
	from frappe.email.doctype.email_queue_recipient.email_queue_recipient import EmailQueueRecipient

	from campaign_plus.delivery.sendmail import Sender

	monkeypatch.setattr(Sender, "_context", lambda self, doc: None)

	account = make_account(delivering)
	campaign, names = queued_campaign(unique("deadlock", 3))
	update_db = EmailQueueRecipient.update_db
	failed = []

	def deadlock_once(self, *args, **kwargs):
		if not failed:
			failed.append(self.parent)
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return update_db(self, *args, **kwargs)

	monkeypatch.setattr(EmailQueueRecipient, "update_db", deadlock_once)
	before = len(delivering.accepted())
	delivery = job.deliver_names(names, account, campaign)
	assert failed and delivery.totals["delivered"] == 3 and not work.tokens()
	rows = frappe.get_all("Email Queue", filters={"name": ("in", names)}, fields=["status", "retry", "error"])
	assert {(r.status, r.retry, r.error) for r in rows} == {("Sent", 0, None)}
	recipients = frappe.get_all("Email Queue Recipient", filters={"parent": ("in", names)}, pluck="status")
	assert set(recipients) == {"Sent"}
	assert {row.status for row in ledger(names).values()} == {"Sent"}
	assert sorted(accepted_ids(delivering)[before:]) == sorted(ids_of(names))


def test_lost_after_the_final_dot_while_the_job_lives_is_sent_again(delivering):
	"""The server took the data and dropped the connection without an answer: not delivered (RFC
	5321 6.1): a new session sends it again, no retry counted, noted on the row, and the Send Log
	flagged "may have arrived twice" (a server may commit a message and lose only its answer,
	RFC 1047; this one did not)."""
	server = MailServer(python=sys.executable, hangup_times=1).start()
	try:
		account = make_account(server)
		campaign, names = queued_campaign(unique("hangup", 2))
		delivery = job.deliver_names(names, account, campaign)
		assert delivery.totals["delivered"] == 2
		assert sorted(accepted_ids(server)) == sorted(ids_of(names))  # each once
		rows = frappe.get_all(
			"Email Queue", filters={"name": ("in", names)}, fields=["status", "retry", "error"]
		)
		assert {(r.status, r.retry, r.error) for r in rows} == {("Sent", 0, outcomes.RESENT_NOTE)}
		assert {(row.status, row.delivery_doubt) for row in ledger(names).values()} == {
			("Sent", "May Have Arrived Twice")
		}
		assert not work.marked(names)
	finally:
		server.cleanup()


def test_a_server_that_always_drops_after_the_data_is_treated_as_down(delivering):
	account = make_account(delivering)  # hangs up after every message's data
	campaign, names = queued_campaign(unique("hangup", 1))
	delivery = job.deliver_names(names, account, campaign)
	assert delivery.stopped and delivery.stopped.server_down  # comes back later: never lost
	row = frappe.db.get_value("Email Queue", names[0], ["status", "retry"], as_dict=True)
	assert (row.status, row.retry) == ("Not Sent", 0)


def journal_entry(name: str, holder: str, epoch: str, campaign: str, account: str) -> None:
	from campaign_plus.delivery import journal

	frappe.db.sql(
		f"INSERT INTO `tab{journal.DOCTYPE}` (name, creation, modified, owner, modified_by, docstatus, "
		"holder, epoch, campaign, email_account) VALUES (%s, NOW(), NOW(), 'Administrator', "
		"'Administrator', 0, %s, %s, %s, %s)",
		(name, holder, epoch, campaign, account),
	)


def test_rows_a_killed_job_left_behind_are_sorted_out(delivering):
	"""The MariaDB journal says which rows a dead job was handing over; the Redis journal of the
	same epoch says how far each got: accepted → sent; handed without an answer → kept as sent,
	flagged "may not have arrived"; not handed → sent again. Rows of a job that died under an
	earlier epoch (Redis lost since): sent again, flagged "may have arrived twice"."""
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("killed", 5))
	accepted, handed, not_handed, doubtful, untouched = names
	epoch = store.epoch()
	for name in (accepted, handed, not_handed):
		journal_entry(name, "a-dead-job", epoch, campaign, account)
	journal_entry(doubtful, "a-dead-job", "an-earlier-epoch", campaign, account)
	frappe.db.set_value("Email Queue", {"name": ("in", [handed, not_handed])}, "status", "Sending")
	work.mark(accepted, work.ACCEPTED, "a-dead-job")  # its Sent never committed: still Not Sent
	work.mark(handed, work.HANDED, "a-dead-job")
	before = len(delivering.accepted())
	job.deliver_names(names, account, campaign)
	assert set(statuses(names).values()) == {"Sent"}
	assert frappe.db.get_value("Email Queue", accepted, "error") is None
	assert frappe.db.get_value("Email Queue", handed, "error") == outcomes.UNCERTAIN_NOTE
	assert {ledger(names)[n].status for n in (accepted, handed)} == {"Sent"}
	assert sorted(accepted_ids(delivering)[before:]) == sorted(ids_of([not_handed, doubtful, untouched]))
	doubts = dict(
		frappe.get_all(
			"Campaign Send Log", filters={"name": ("in", names)}, fields=["name", "delivery_doubt"], as_list=1
		)
	)
	assert (doubts[handed], doubts[doubtful]) == ("May Not Have Arrived", "May Have Arrived Twice")
	assert not {doubts[n] for n in (accepted, not_handed, untouched)} - {None, ""}
	assert not work.marked(names)
	assert not frappe.get_all("Campaign Delivery Journal", filters={"name": ("in", names)})


def test_rows_a_living_job_is_handing_over_are_left_to_it(delivering):
	from campaign_plus.delivery import journal

	account = make_account(delivering)
	campaign, names = queued_campaign(unique("living", 2))
	theirs, ours = names
	with journal.alive_lock("another-job") as held:
		assert held
		journal_entry(theirs, "another-job", store.epoch(), campaign, account)
		before = len(delivering.accepted())
		delivery = job.deliver_names(names, account, campaign)
	assert accepted_ids(delivering)[before:] == list(ids_of([ours]))
	assert statuses([theirs]) == {theirs: "Not Sent"}
	assert delivery.stopped and delivery.item.names == [theirs]  # looked at again in a moment


def test_send_again_the_emails_that_may_not_have_arrived(delivering):
	from campaign_plus.delivery import api

	account = make_account(delivering)
	campaign, names = queued_campaign(unique("again", 2))
	handed, _fine = names
	journal_entry(handed, "a-dead-job", store.epoch(), campaign, account)
	work.mark(handed, work.HANDED, "a-dead-job")
	job.deliver_names(names, account, campaign)
	assert api.get_delivery_doubts(campaign) == {"may_not_have_arrived": 1, "may_have_arrived_twice": 0}
	reader = make_user(["Sales User"])
	frappe.set_user(reader)
	with pytest.raises(frappe.PermissionError):
		api.send_again(campaign)
	frappe.set_user("Administrator")
	assert api.send_again(campaign) == {"count": 1}
	row = frappe.db.get_value("Email Queue", handed, ["status", "retry", "error"], as_dict=True)
	assert (row.status, row.retry, row.error) == ("Not Sent", 0, None)
	assert ledger([handed])[handed].status == "Queued"
	before = len(delivering.accepted())
	job.deliver_names([handed], account, campaign)
	assert accepted_ids(delivering)[before:] == list(ids_of([handed]))
	assert api.get_delivery_doubts(campaign) == {"may_not_have_arrived": 0, "may_have_arrived_twice": 0}
	with pytest.raises(frappe.ValidationError, match="No email of this campaign"):
		api.send_again(campaign)


def test_a_throttling_reply_slows_the_account_and_counts_no_retry(delivering, monkeypatch):
	"""450 4.7.1 "too much mail" at RCPT speaks for the account: the limiter pauses (every worker)
	and slows down, the row waits without a recipient retry, the report says so."""
	from campaign_plus.delivery.limiter import Limiter

	reports = []
	notify = outcomes.notify
	monkeypatch.setattr(outcomes, "notify", lambda report: (reports.append(report), notify(report)))
	account = make_account(delivering, limits=(120, 0, 0))
	campaign, names = queued_campaign(unique("fine", 2) + unique("throttle", 1) + unique("later", 1))
	delivery = job.deliver_names(names, account, campaign)
	stopped = delivery.stopped
	assert stopped and stopped.throttled and stopped.at >= time.time() + 50
	state, _now = Limiter(account, get_delivery_settings().limits(account)).state()
	assert state.paused_until and 0 < state.adaptive < 120
	waiting = delivery.item.names
	assert len(waiting) == 2 and set(statuses(names).values()) == {"Sent", "Not Sent"}
	rows = frappe.get_all(
		"Email Queue", filters={"name": ("in", waiting)}, fields=["status", "retry", "error"]
	)
	assert {(r.status, r.retry) for r in rows} == {("Not Sent", 0)}
	(throttled,) = [r for report in reports for r in report.throttled]
	assert (throttled.code, throttled.kind, throttled.reputation) == (450, "throttled", False)
	# after the pause, the same rows go out (the server accepts the second try), each once
	store.redis().delete(store.key("pace", account))
	before = len(delivering.accepted())
	job.deliver_names(waiting, account, campaign)
	assert sorted(accepted_ids(delivering)[before:]) == sorted(ids_of(waiting))
	assert {
		(r.retry) for r in frappe.get_all("Email Queue", filters={"name": ("in", names)}, fields=["retry"])
	} == {0}


def test_a_reputation_refusal_fails_the_row_without_a_bounce(delivering, monkeypatch):
	reports = []
	notify = outcomes.notify
	monkeypatch.setattr(outcomes, "notify", lambda report: (reports.append(report), notify(report)))
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("blocked", 1))
	job.deliver_names(names, account, campaign)
	row = frappe.db.get_value("Email Queue", names[0], ["status", "error"], as_dict=True)
	assert row.status == "Error" and "5.7.26" in row.error and "not a bounce" in row.error
	(blocked,) = [r for report in reports for r in report.blocked]
	assert (blocked.code, blocked.kind, blocked.reputation) == (550, "blocked", True)
	assert [r.email_queue for report in reports for r in report.reputation] == names
	assert not [r for report in reports for r in report.rejected]
	assert ledger(names)[names[0]].status == "Failed"
	assert not frappe.get_all("Campaign Bounce", filters={"send_log": names[0]})


def test_suspended_queue_and_muted_emails_are_respected(delivering):
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("paused", 2))
	before = len(delivering.accepted())
	frappe.db.set_default("suspend_email_queue", 1)
	try:
		delivery = job.deliver_names(names, account, campaign)
	finally:
		frappe.db.set_default("suspend_email_queue", 0)
	assert delivery.stopped and delivery.stopped.delay == job.PAUSED_RECHECK
	frappe.flags.mute_emails = True
	delivery = job.deliver_names(names, account, campaign)
	frappe.flags.mute_emails = False
	assert delivery.stopped and delivery.stopped.delay == job.PAUSED_RECHECK
	assert len(delivering.accepted()) == before and set(statuses(names).values()) == {"Not Sent"}
	job.deliver_names(names, account, campaign)
	assert set(statuses(names).values()) == {"Sent"}


def test_a_minute_limit_spaces_the_messages(delivering):
	account = make_account(delivering, limits=(60, 0, 0))  # one a second
	campaign, names = queued_campaign(unique("paced", 4))
	before = len(delivering.accepted())
	job.deliver_names(names, account, campaign)
	times = [row["t"] for row in delivering.accepted()[before:]]
	assert len(times) == 4
	# slots one second apart (a send may come a little after its slot, never before)
	assert 2.5 <= times[-1] - times[0] <= 10


def test_over_the_limit_the_job_stops_and_says_when_to_come_back(delivering):
	account = make_account(delivering, limits=(0, 0, 2))  # two a day
	campaign, names = queued_campaign(unique("capped", 3))
	delivery = job.deliver_names(names, account, campaign)
	assert delivery.totals["delivered"] == 2
	assert len(delivery.item.names) == 1 and delivery.stopped.at > time.time() + 86_000
	assert statuses(delivery.item.names) == {delivery.item.names[0]: "Not Sent"}


def test_progress_counts_and_finishing_time(delivering):
	account = make_account(delivering, limits=(60, 0, 0))
	campaign, names = queued_campaign(unique("progress", 3))
	work.start_counts(campaign, 120, account)  # as if 120 were handed over
	work.add_pending(account, 120)
	progress = get_delivery_progress(campaign)
	assert (progress["queued"], progress["delivered"], progress["failed"]) == (120, 0, 0)
	assert 110 <= progress["eta_seconds"] <= 130  # 60 a minute
	job.deliver_names(names, account, campaign)
	progress = get_delivery_progress(campaign)
	assert (progress["queued"], progress["delivered"]) == (117, 3)
	frappe.set_user("Guest")
	with pytest.raises(frappe.PermissionError):
		get_delivery_progress(campaign)


def test_settings_defaults_and_one_row_per_account(delivering):
	frappe.db.delete("Singles", {"doctype": "Campaign Plus Settings", "field": ("like", "default_per%")})
	settings = get_delivery_settings()
	assert (settings.default.per_minute, settings.default.per_hour, settings.default.per_day) == (
		120,
		3000,
		10000,
	)
	account = make_account(delivering, limits=(0, 10, 0))
	assert get_delivery_settings().limits(account).windows == ((3600, 10),)
	doc = frappe.get_single("Campaign Plus Settings")
	doc.append("sending_limits", {"email_account": account, "per_minute": 5})
	with pytest.raises(frappe.ValidationError, match="another row"):
		doc.save(ignore_permissions=True)


def test_nothing_goes_out_unrecorded_when_the_journal_is_unavailable(delivering, monkeypatch):
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("nojournal", 2))
	handed = work.Marks.handed

	def failing(self, name):
		raise ConnectionError("Redis is away")

	monkeypatch.setattr(work.Marks, "handed", failing)
	before = len(delivering.accepted())
	delivery = job.deliver_names(names, account, campaign)
	assert delivery.stopped and delivery.stopped.delay == job.PAUSED_RECHECK
	assert len(delivering.accepted()) == before  # the data without its final dot was dropped
	rows = frappe.get_all("Email Queue", filters={"name": ("in", names)}, fields=["status", "retry"])
	assert {(r.status, r.retry) for r in rows} == {("Not Sent", 0)}
	monkeypatch.setattr(work.Marks, "handed", handed)
	job.deliver_names(names, account, campaign)
	assert set(statuses(names).values()) == {"Sent"}


def test_an_accepted_mark_is_written_without_waiting_and_there_before_the_next_mark(delivering):
	names = [f"_cp-marks-{frappe.generate_hash(length=8)}-{i}" for i in range(3)]
	marks = work.Marks("a-job")
	try:
		marks.handed(names[0])
		marks.accepted(names[0])
		assert marks.unread == 1  # its answer not waited for
		marks.handed(names[1])  # reads it first
		assert marks.unread == 0
		assert work.marked(names) == {names[0]: "accepted:a-job", names[1]: "handed:a-job"}
		marks.accepted(names[1])
		marks.settle()
		assert marks.unread == 0 and work.marked(names[1:2]) == {names[1]: "accepted:a-job"}
		marks.accepted(names[2])
		marks.close()  # settles, gives the connection back
		assert marks.connection is None and work.marked(names[2:]) == {names[2]: "accepted:a-job"}
	finally:
		work.forget(names)

	import redis

	away = work.Marks("a-job", redis.Redis(host="127.0.0.1", port=free_port()))
	with pytest.raises(redis.ConnectionError):
		away.handed(names[0])  # no mark, no final dot
	assert away.connection is None and away.unread == 0


def test_a_job_that_keeps_failing_leaves_its_rows_to_frappe(delivering):
	item = work.WorkItem(work.new_token(), "acc", ["a", "b"], None, store.server_time())
	work.save(item)
	for _ in range(job.MAX_FAILURES - 1):
		job.give_up_after_failures(work.load(item.token))
	assert work.load(item.token).extra["failures"] == job.MAX_FAILURES - 1
	job.give_up_after_failures(work.load(item.token))
	assert work.load(item.token) is None
