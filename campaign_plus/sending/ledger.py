# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The send ledger (Campaign Send Log): read in one query, written in bulk, synced from Email Queue."""

from collections.abc import Iterable

import frappe
from frappe.query_builder import DocType
from frappe.utils import create_batch, now_datetime

from campaign_plus.engine.schedule import (
	FAILED,
	PLANNED,
	QUEUED,
	SEND_ERROR,
	SENT,
	SKIPPED,
	PlanRow,
	normalize_email,
)
from campaign_plus.utils.db import STANDARD_COLUMNS

LEDGER = "Campaign Send Log"
UNCERTAIN_DELIVERY = (
	"The connection was lost after the message was handed to the mail server: it may have been "
	"delivered, and is not sent again."
)
CHUNK = 1000
FIELDS = (
	*STANDARD_COLUMNS,
	"campaign",
	"schedule_row",
	"step_idx",
	"step_label",
	"email_template",
	"party_type",
	"party",
	"email",
	"email_campaign",
	"due_date",
	"status",
	"reason",
)


def existing(campaign: str) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
	"""The identities already in the ledger, and the (step, email) pairs planned or sent."""
	rows = frappe.get_all(
		LEDGER,
		filters={"campaign": campaign},
		fields=["schedule_row", "party_type", "party", "email", "status"],
	)
	done = {(row.schedule_row, row.party_type, row.party) for row in rows}
	done_emails = {(row.schedule_row, normalize_email(row.email)) for row in rows if row.status != SKIPPED}
	return done, done_emails


def insert(campaign: str, rows: Iterable[PlanRow]) -> int:
	"""Insert planned / skipped rows in bulk; a row whose identity exists already is ignored."""
	now = now_datetime()
	user = frappe.session.user
	values = [
		(
			frappe.generate_hash(length=12),
			now,
			now,
			user,
			user,
			0,
			campaign,
			row.step.key,
			row.step.idx,
			row.step.label,
			row.step.template,
			row.recipient.party_type,
			row.recipient.party,
			(row.recipient.email or "").strip() or None,
			row.recipient.email_campaign,
			row.due_date,
			row.status,
			row.reason,
		)
		for row in rows
	]
	if values:
		frappe.db.bulk_insert(LEDGER, FIELDS, values, ignore_duplicates=True)
	return len(values)


def planned_names(campaign: str) -> list[str]:
	return frappe.get_all(
		LEDGER,
		filters={"campaign": campaign, "status": PLANNED},
		order_by="due_date asc, creation asc, name asc",
		pluck="name",
	)


def set_status(names: list[str], status: str, *, current: str | None = None, **values) -> None:
	"""One UPDATE per chunk of rows, by primary key (only those in status ``current`` if given:
	read first, without locks, so that jobs side by side never lock through the status index)."""
	log = DocType(LEDGER)
	for chunk in create_batch(names, CHUNK):
		chunk = list(chunk)
		if current:
			chunk = (
				frappe.qb.from_(log)
				.select(log.name)
				.where(log.name.isin(chunk))
				.where(log.status == current)
				.run(pluck=True)
			)
			if not chunk:
				continue
		query = frappe.qb.update(log).set(log.status, status).set(log.modified, now_datetime())
		for field, value in values.items():
			query = query.set(log[field], value)
		query.where(log.name.isin(chunk)).run()


def record_delivery(report) -> None:
	"""Listener of campaign_plus.delivery: Queued rows become Sent / Failed as each chunk goes out
	(the ledger row is named after its Email Queue row)."""
	now = now_datetime()
	if report.accepted:
		set_status(report.accepted, SENT, current=QUEUED, sent_on=now)
	if report.uncertain:
		set_status(report.uncertain, SENT, current=QUEUED, sent_on=now, error=UNCERTAIN_DELIVERY)
	by_error: dict[str, list[str]] = {}
	for rejection in report.rejected:
		by_error.setdefault(f"{rejection.code} {rejection.message}"[:1000], []).append(rejection.email_queue)
	for name, error in report.failed.items():
		by_error.setdefault((error or "")[-1000:], []).append(name)
	for error, names in by_error.items():
		set_status(names, FAILED, current=QUEUED, reason=SEND_ERROR, error=error)


def sync_from_email_queue() -> dict[str, int]:
	"""Carry Email Queue outcomes (Sent / Error) back to Queued ledger rows."""
	log = DocType(LEDGER)
	queue = DocType("Email Queue")
	rows = (
		frappe.qb.from_(log)
		.join(queue)
		.on(queue.name == log.email_queue)
		.select(log.name, queue.status, queue.error)
		.where(log.status == QUEUED)
		.where(queue.status.isin(["Sent", "Partially Sent", "Error"]))
		.run(as_dict=True)
	)
	sent = [row.name for row in rows if row.status != "Error"]
	failed = [row for row in rows if row.status == "Error"]
	if sent:
		set_status(sent, SENT, sent_on=now_datetime())
	by_error: dict[str, list[str]] = {}
	for row in failed:
		by_error.setdefault((row.error or "")[-1000:], []).append(row.name)
	for error, names in by_error.items():
		set_status(names, FAILED, reason=SEND_ERROR, error=error)
	return {"sent": len(sent), "failed": len(failed)}
