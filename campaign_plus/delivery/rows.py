# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Writing delivery's outcomes on Email Queue rows, set-based (what Frappe's send writes row by
row): sent, in error, restored to before a failure that was not the message's, leases pushed on.
Rows are read without locks, then written by primary key (no index-range locks between jobs)."""

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_to_date, create_batch, now_datetime

TO_SEND = ("Not Sent", "Partially Sent")


def queue_table():
	return DocType("Email Queue")


def recipients_table():
	return DocType("Email Queue Recipient")


def extend_leases(names: list[str], seconds: float) -> None:
	"""Push the lease of rows still to send (and still leased) ``seconds`` ahead."""
	eq = queue_table()
	now = now_datetime()
	until = add_to_date(now, seconds=seconds)
	for chunk in create_batch(list(names), 1000):
		leased = (  # read without locks, then write by primary key (no index-range locks)
			frappe.qb.from_(eq)
			.select(eq.name)
			.where(eq.name.isin(list(chunk)))
			.where(eq.status.isin(TO_SEND))
			.where(eq.send_after > now)
			.run(pluck=True)
		)
		if leased:
			frappe.qb.update(eq).set(eq.send_after, until).where(eq.name.isin(leased)).run()


def restore(name: str, status: str, retry: int) -> None:
	"""Undo Frappe's failure bookkeeping for a message that never reached the server."""
	eq = queue_table()
	frappe.qb.update(eq).set(eq.status, status).set(eq.retry, retry).set(eq.error, None).where(
		eq.name == name
	).run()


def mark_sent(names: list[str], note: str | None = None) -> None:
	"""Record rows as sent, as Frappe does after the server's 250 (recipients, then the row)."""
	eq = queue_table()
	eqr = recipients_table()
	if not names:
		return
	now = now_datetime()
	recipients = (  # read without locks, then write by primary key (no index-range locks)
		frappe.qb.from_(eqr)
		.select(eqr.name)
		.where(eqr.parent.isin(names))
		.where(eqr.parenttype == "Email Queue")
		.run(pluck=True)
	)
	if recipients:
		frappe.qb.update(eqr).set(eqr.status, "Sent").set(eqr.modified, now).where(
			eqr.name.isin(recipients)
		).run()
	frappe.qb.update(eq).set(eq.status, "Sent").set(eq.error, note).set(eq.modified, now).where(
		eq.name.isin(names)
	).run()


def set_error(name: str, error: str) -> None:
	eq = queue_table()
	frappe.qb.update(eq).set(eq.status, "Error").set(eq.error, error).set(eq.modified, now_datetime()).where(
		eq.name == name
	).run()
