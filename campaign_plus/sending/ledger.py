# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The send ledger (Campaign Send Log): read in one query, written in bulk, synced from Email Queue."""

import datetime as dt
from collections.abc import Iterable

import frappe
from frappe.query_builder import Case, DocType
from frappe.utils import create_batch, now_datetime

from campaign_plus.engine.schedule import (
	CLOSED,
	DEFERRED,
	FAILED,
	PLANNED,
	QUEUED,
	SEND_ERROR,
	SENT,
	SKIPPED,
	UNSUBSCRIBED,
	PlanRow,
	normalize_email,
)
from campaign_plus.engine.windows import UTC, local_label
from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names

LEDGER = "Campaign Send Log"
UNCERTAIN_DELIVERY = (
	"The delivery job stopped after handing the message to the mail server, before its answer: it "
	"may not have arrived (Send Again on the campaign sends it again)."
)
# Send Log "Delivery Doubt": a fault during delivery left the outcome in doubt.
MAY_NOT_HAVE_ARRIVED = "May Not Have Arrived"
MAY_HAVE_ARRIVED_TWICE = "May Have Arrived Twice"
CHUNK = 1000
FIELDS = (
	*STANDARD_COLUMNS,
	"campaign",
	"schedule_row",
	"step_idx",
	"step_label",
	"email_template",
	"variant",
	"party_type",
	"party",
	"email",
	"email_campaign",
	"due_date",
	"status",
	"reason",
	"send_at",
	"local_send_time",
	"time_zone",
)


def existing(campaign: str) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
	"""The identities already in the ledger, and the (step, email) pairs planned or sent."""
	log = DocType(LEDGER)
	rows = (
		frappe.qb.from_(log)
		.select(log.schedule_row, log.party_type, log.party, log.email, log.status)
		.where(log.campaign == campaign)
		.run()
	)
	done = {(step, party_type, party) for step, party_type, party, _email, _status in rows}
	done_emails = {
		(step, normalize_email(email)) for step, _type, _party, email, status in rows if status != SKIPPED
	}
	return done, done_emails


def insert(campaign: str, rows: Iterable[PlanRow]) -> int:
	"""Insert planned / skipped rows in bulk; a row whose identity exists already is ignored.

	Rows go in the order of their identity (the unique index takes them one after the other)."""
	rows = sorted(rows, key=lambda row: row.key)
	now = now_datetime()
	user = frappe.session.user
	values = [
		(
			name,
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
			row.variant,
			row.recipient.party_type,
			row.recipient.party,
			(row.recipient.email or "").strip() or None,
			row.recipient.email_campaign,
			row.due_date,
			row.status,
			row.reason,
			db_moment(row.send_at),
			local_label(row.send_at, row.time_zone),
			row.time_zone,
		)
		for name, row in zip(ordered_names(len(rows)), rows, strict=True)
	]
	insert_many(LEDGER, FIELDS, values, ignore_duplicates=True)
	return len(values)


def db_moment(moment):
	"""A UTC moment as the ledger stores it (naive UTC); None stays None."""
	return moment.astimezone(UTC).replace(tzinfo=None) if moment is not None else None


def from_db_moment(value):
	return value.replace(tzinfo=UTC) if value is not None else None


# --- deferred rows: held until a moment (or an event), promoted by the planner ------------------


def due_deferred(campaign: str, now) -> list[dict]:
	"""The campaign's Deferred rows whose moment has come (``send_at`` ≤ ``now``, UTC).

	Rows deferred with no moment (``send_at`` empty) wait for an event: see :func:`release`.
	"""
	log = DocType(LEDGER)
	rows = (
		frappe.qb.from_(log)
		.select(
			log.name,
			log.schedule_row,
			log.step_idx,
			log.party_type,
			log.party,
			log.email,
			log.due_date,
			log.reason,
			log.send_at,
			log.time_zone,
		)
		.where(log.campaign == campaign)
		.where(log.status == DEFERRED)
		.where(log.send_at <= db_moment(now))
		.orderby(log.send_at)
		.orderby(log.name)
		.run(as_dict=True)
	)
	for row in rows:
		row.send_at = from_db_moment(row.send_at)
	return rows


def deferred_rows(campaign: str) -> list[dict]:
	"""Every Deferred row of the campaign (for the dry run)."""
	rows = frappe.get_all(
		LEDGER,
		filters={"campaign": campaign, "status": DEFERRED},
		fields=["name", "schedule_row", "step_idx", "email", "due_date", "reason", "send_at", "time_zone"],
	)
	for row in rows:
		row.send_at = from_db_moment(row.send_at)
	return rows


def defer(names: list[str], reason: str, until=None) -> None:
	"""Hold rows (Planned or Deferred) with ``reason`` until the UTC moment ``until`` (None: until
	an event calls :func:`release`). The planner promotes them when the moment comes."""
	log = DocType(LEDGER)
	for chunk in create_batch(names, CHUNK):
		(
			frappe.qb.update(log)
			.set(log.status, DEFERRED)
			.set(log.reason, reason)
			.set(log.send_at, db_moment(until))
			.set(log.modified, now_datetime())
			.where(log.name.isin(list(chunk)))
			.where(log.status.isin([PLANNED, DEFERRED]))
			.run()
		)


def release(names: list[str], at=None) -> None:
	"""Let Deferred rows go from the UTC moment ``at`` (default: now): the next planner run
	promotes them — checking expiry, exclusions, send windows and the frequency cap again."""
	log = DocType(LEDGER)
	moment = db_moment(at or dt.datetime.now(UTC))
	for chunk in create_batch(names, CHUNK):
		(
			frappe.qb.update(log)
			.set(log.send_at, moment)
			.set(log.modified, now_datetime())
			.where(log.name.isin(list(chunk)))
			.where(log.status == DEFERRED)
			.run()
		)


def update_rows(changes: list[tuple[str, dict]]) -> None:
	"""Set per-row values (status, reason, send_at, …): one UPDATE with CASE per chunk of rows
	(aware datetimes are stored as naive UTC).

	Only rows still Deferred change: a row another run promoted meanwhile is left alone.
	"""
	if not changes:
		return
	log = DocType(LEDGER)
	fields = sorted({field for _name, values in changes for field in values})
	now = now_datetime()
	for chunk in create_batch(changes, CHUNK):
		query = frappe.qb.update(log).set(log.modified, now)
		for fieldname in fields:
			case = Case()
			for name, values in chunk:
				value = values.get(fieldname, log[fieldname])
				if isinstance(value, dt.datetime) and value.tzinfo is not None:
					value = db_moment(value)
				case = case.when(log.name == name, value)
			query = query.set(log[fieldname], case.else_(log[fieldname]))
		query.where(log.name.isin([name for name, _values in chunk])).where(log.status == DEFERRED).run()


def skip_deferred_of_closed_campaigns(campaigns: list[str] | None = None) -> None:
	"""Deferred rows of a campaign now in a closed status will never go: Skipped (Campaign Closed).
	Of every campaign, or only of ``campaigns``."""
	log = DocType(LEDGER)
	campaign = DocType("Campaign")
	status = DocType("Campaign Status")
	closed = (
		frappe.qb.from_(campaign)
		.join(status)
		.on(status.name == campaign.cp_status)
		.select(campaign.name)
		.where(status.is_closed == 1)
	)
	if campaigns is not None:
		if not campaigns:
			return
		closed = closed.where(campaign.name.isin(list(campaigns)))
	(
		frappe.qb.update(log)
		.set(log.status, SKIPPED)
		.set(log.reason, CLOSED)
		.set(log.modified, now_datetime())
		.where(log.status == DEFERRED)
		.where(log.campaign.isin(closed))
		.run()
	)


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


def skip_unsent(email: str, campaign: str | None = None, reason: str = UNSUBSCRIBED) -> int:
	"""Skip the Planned and Deferred rows of ``email`` (in ``campaign``, or in every campaign):
	an unsubscribe honoured at once. How many were skipped."""
	log = DocType(LEDGER)
	query = (
		frappe.qb.from_(log)
		.select(log.name)
		.where(log.email == email)
		.where(log.status.isin([PLANNED, DEFERRED]))
	)
	if campaign:
		query = query.where(log.campaign == campaign)
	names = query.run(pluck=True)
	if names:
		set_status(names, SKIPPED, reason=reason)
	return len(names)


def record_accounts(rows: list[tuple[str, str | None]]) -> None:
	"""Which outgoing Email Account each queued row goes through ((name, account) pairs): one UPDATE
	per account and chunk (the reputation guard and the deliverability view count per account)."""
	by_account: dict[str, list[str]] = {}
	for name, account in rows:
		if account:
			by_account.setdefault(account, []).append(name)
	log = DocType(LEDGER)
	for account, names in by_account.items():
		for chunk in create_batch(names, CHUNK):
			frappe.qb.update(log).set(log.email_account, account).where(log.name.isin(list(chunk))).run()


def record_delivery(report) -> None:
	"""Listener of campaign_plus.delivery: Queued rows become Sent / Failed as each chunk goes out
	(the ledger row is named after its Email Queue row)."""
	now = now_datetime()
	if report.doubtful:  # sent again after a fault (first, so that one accepted since keeps the flag)
		set_status(report.doubtful, QUEUED, current=QUEUED, delivery_doubt=MAY_HAVE_ARRIVED_TWICE)
	if report.accepted:
		set_status(report.accepted, SENT, current=QUEUED, sent_on=now)
	if report.uncertain:
		set_status(
			report.uncertain,
			SENT,
			current=QUEUED,
			sent_on=now,
			error=UNCERTAIN_DELIVERY,
			delivery_doubt=MAY_NOT_HAVE_ARRIVED,
		)
	by_error: dict[str, list[str]] = {}
	for rejection in [*report.rejected, *report.blocked]:
		by_error.setdefault(f"{rejection.code} {rejection.message}"[:1000], []).append(rejection.email_queue)
	for name, error in report.failed.items():
		by_error.setdefault((error or "")[-1000:], []).append(name)
	for error, names in by_error.items():
		set_status(names, FAILED, current=QUEUED, reason=SEND_ERROR, error=error)


def sync_from_email_queue(campaigns: list[str] | None = None) -> dict[str, int]:
	"""Carry Email Queue outcomes (Sent / Error) back to Queued ledger rows (of every campaign, or
	only of ``campaigns``)."""
	log = DocType(LEDGER)
	queue = DocType("Email Queue")
	query = (
		frappe.qb.from_(log)
		.join(queue)
		.on(queue.name == log.email_queue)
		.select(log.name, queue.status, queue.error)
		.where(log.status == QUEUED)
		.where(queue.status.isin(["Sent", "Partially Sent", "Error"]))
	)
	if campaigns is not None:
		if not campaigns:
			return {"sent": 0, "failed": 0}
		query = query.where(log.campaign.isin(list(campaigns)))
	rows = query.run(as_dict=True)
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
