# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The sending job: one batch of Planned ledger rows becomes Email Queue rows, in one transaction.

Rows are locked (SELECT … FOR UPDATE) and only those still Planned are sent, so two workers
racing on the same rows send each email once. Each Email Template is compiled once per batch;
each recipient's document is loaded with one query per doctype; the email itself is built by
Frappe's own QueueBuilder (unsubscribe link, footer, MIME) and the Email Queue rows are
inserted in bulk, named after their ledger row. Frappe's email sender then delivers them.
A template error fails only that recipient; any other error rolls the whole batch back, and
the next planner run enqueues it again.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.email.doctype.email_queue.email_queue import QueueBuilder
from frappe.query_builder import DocType
from frappe.utils import create_batch, now_datetime
from frappe.utils.jinja import get_jenv

from campaign_plus.engine.schedule import (
	CLOSED,
	FAILED,
	INVALID_EMAIL,
	PLANNED,
	QUEUED,
	SKIPPED,
	TEMPLATE_ERROR,
)
from campaign_plus.sending import ledger
from campaign_plus.sending.planner import campaign_state, in_test
from campaign_plus.sending.settings import get_sending_settings

SAVEPOINT = "campaign_plus_send_batch"
# Campaign emails go after transactional ones in Frappe's queue (it sends higher priority first).
PRIORITY = 0


def send_batch(campaign: str, names: list[str], batch_number: int = 1, batch_count: int = 1) -> dict:
	frappe.db.savepoint(SAVEPOINT)
	try:
		result = _send(campaign, names)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		raise
	if not in_test():
		frappe.db.commit()
	frappe.publish_progress(
		batch_number * 100 / max(batch_count, 1),
		title=_("Sending campaign emails"),
		doctype="Campaign",
		docname=campaign,
		description=_("Batch {0} of {1}").format(batch_number, batch_count),
	)
	return result


def locked_planned_rows(names: list[str]) -> list[dict]:
	log = DocType(ledger.LEDGER)
	return (
		frappe.qb.from_(log)
		.select(
			log.name,
			log.email,
			log.party_type,
			log.party,
			log.email_template,
			log.email_campaign,
		)
		.where(log.name.isin(list(names)))
		.where(log.status == PLANNED)
		.orderby(log.name)
		.for_update()
		.run(as_dict=True)
	)


class CompiledTemplate:
	"""An Email Template compiled once (Jinja, Frappe's sandboxed environment)."""

	def __init__(self, row):
		jenv = get_jenv()
		body = row.response_html if row.use_html else row.response
		self.subject = jenv.from_string(row.subject or "")
		self.body = jenv.from_string(body or "")

	def render(self, context: dict) -> tuple[str, str]:
		return self.subject.render(context), self.body.render(context)


def compile_templates(names: set[str]) -> dict[str, CompiledTemplate | Exception]:
	rows = frappe.get_all(
		"Email Template",
		filters={"name": ("in", [n for n in names if n])},
		fields=["name", "subject", "use_html", "response", "response_html"],
	)
	compiled: dict[str, CompiledTemplate | Exception] = {}
	for row in rows:
		try:
			compiled[row.name] = CompiledTemplate(row)
		except Exception as error:  # a syntax error fails the recipients of that template only
			compiled[row.name] = error
	return compiled


def party_documents(rows: list[dict]) -> dict[tuple[str, str], dict]:
	names: dict[str, set[str]] = defaultdict(set)
	for row in rows:
		names[row.party_type].add(row.party)
	documents = {}
	for doctype, doctype_names in names.items():
		for doc in frappe.get_all(doctype, filters={"name": ("in", list(doctype_names))}, fields=["*"]):
			documents[(doctype, doc.name)] = doc
	return documents


def senders(rows: list[dict]) -> dict[str | None, tuple[str | None, object]]:
	"""(sender, outgoing Email Account) for each Email Campaign of the batch (None: default)."""
	settings = get_sending_settings()
	if settings.email_account:
		account = frappe.get_doc("Email Account", settings.email_account)
		return defaultdict(lambda: (account.default_sender, account))
	users = {row.email_campaign for row in rows if row.email_campaign}
	by_campaign = {}
	if users:
		email_campaign = DocType("Email Campaign")
		user = DocType("User")
		for row in (
			frappe.qb.from_(email_campaign)
			.join(user)
			.on(user.name == email_campaign.sender)
			.select(email_campaign.name, user.email)
			.where(email_campaign.name.isin(list(users)))
			.run(as_dict=True)
		):
			by_campaign[row.name] = row.email
	default = EmailAccount.find_outgoing(_raise_error=True)
	result = defaultdict(lambda: (None, default))
	accounts: dict[str, object] = {}
	for name, email in by_campaign.items():
		if email not in accounts:
			accounts[email] = EmailAccount.find_outgoing(match_by_email=email, _raise_error=True)
		result[name] = (email, accounts[email])
	return result


_queue_columns: dict[str, list[str]] = {}


def _columns(doctype: str) -> list[str]:
	if doctype not in _queue_columns:
		_queue_columns[doctype] = frappe.db.get_table_columns(doctype)
	return _queue_columns[doctype]


def build_queue_row(campaign: str, row, subject: str, message: str, sender, account) -> dict | None:
	builder = QueueBuilder(
		recipients=[row.email],
		sender=sender,
		subject=subject,
		message=message,
		reference_doctype="Campaign",
		reference_name=campaign,
		unsubscribe_message=_("Unsubscribe from this campaign"),
		add_unsubscribe_link=1,
		send_priority=PRIORITY,
	)
	builder._email_account = account
	builder._unsubscribed_user_emails = []  # the planner excluded unsubscribed recipients already
	data = builder.as_dict(include_recipients=False)
	if data and "unsubscribe_params" in data:
		data.setdefault("unsubscribe_param", data.pop("unsubscribe_params"))
	return data


def insert_queue_rows(items: list[tuple[dict, dict]], now) -> None:
	"""Bulk insert Email Queue rows (named after their ledger row) and their recipient rows."""
	if not items:
		return
	user = frappe.session.user
	base = {"creation": now, "modified": now, "owner": user, "modified_by": user, "docstatus": 0}
	queue_columns = set(_columns("Email Queue"))
	queue_rows = [
		{
			**{k: v for k, v in data.items() if k in queue_columns},
			**base,
			"name": row.name,
			"status": "Not Sent",
			"retry": 0,
		}
		for row, data in items
	]
	fields = sorted({key for r in queue_rows for key in r})
	frappe.db.bulk_insert("Email Queue", fields, [tuple(r.get(f) for f in fields) for r in queue_rows])

	recipient_fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"parent",
		"parenttype",
		"parentfield",
		"idx",
		"recipient",
		"status",
	]
	frappe.db.bulk_insert(
		"Email Queue Recipient",
		recipient_fields,
		[
			(
				frappe.generate_hash(length=12),
				now,
				now,
				user,
				user,
				0,
				row.name,
				"Email Queue",
				"recipients",
				1,
				row.email,
				"Not Sent",
			)
			for row, _data in items
		],
	)


def mark_queued(names: list[str], now) -> None:
	"""Queued rows point to the Email Queue row of the same name: one UPDATE per chunk."""
	log = DocType(ledger.LEDGER)
	for chunk in create_batch(names, ledger.CHUNK):
		(
			frappe.qb.update(log)
			.set(log.status, QUEUED)
			.set(log.email_queue, log.name)
			.set(log.queued_on, now)
			.set(log.modified, now)
			.where(log.name.isin(list(chunk)))
			.where(log.status == PLANNED)
			.run()
		)


def _send(campaign: str, names: list[str]) -> dict:
	rows = locked_planned_rows(names)
	if not rows:
		return {"queued": 0, "failed": 0, "skipped": 0}
	if campaign_state(campaign).closed:
		ledger.set_status([row.name for row in rows], SKIPPED, reason=CLOSED)
		return {"queued": 0, "failed": 0, "skipped": len(rows)}

	templates = compile_templates({row.email_template for row in rows})
	documents = party_documents(rows)
	sender_of = senders(rows)
	campaign_doc = frappe.get_doc("Campaign", campaign).as_dict()
	items, failures = [], defaultdict(list)
	for row in rows:
		template = templates.get(row.email_template)
		if not isinstance(template, CompiledTemplate):
			error = template or _("Email Template {0} not found.").format(row.email_template)
			failures[(TEMPLATE_ERROR, str(error))].append(row.name)
			continue
		context = {
			"doc": documents.get((row.party_type, row.party)) or frappe._dict(),
			"campaign": campaign_doc,
			"recipient": row.email,
		}
		try:
			subject, message = template.render(context)
		except Exception as error:
			failures[(TEMPLATE_ERROR, f"{type(error).__name__}: {error}")].append(row.name)
			continue
		sender, account = sender_of[row.email_campaign]
		data = build_queue_row(campaign, row, subject, message, sender, account)
		if not data:
			failures[(INVALID_EMAIL, _("Frappe refused the address {0}.").format(row.email))].append(row.name)
			continue
		items.append((row, data))

	now = now_datetime()
	insert_queue_rows(items, now)
	mark_queued([row.name for row, _data in items], now)
	for (reason, error), failed in failures.items():
		ledger.set_status(failed, FAILED, reason=reason, error=error[:1000])
	return {"queued": len(items), "failed": sum(map(len, failures.values())), "skipped": 0}
