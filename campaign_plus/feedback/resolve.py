# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Which Send Log row a report is about: a few queries for a whole batch.

In order of trust: the ``X-Campaign-Plus-Send`` value the message carried (a token this site
signed that names the row: echoed by the provider's metadata, or quoted in the ARF report), the
original Message-ID (the Email Queue row's), then the recipient's address (the latest campaign
email that left for it).
"""

from collections.abc import Iterable, Sequence

import frappe
from frappe.utils import create_batch

from campaign_plus.engine.schedule import LEFT, normalize_email
from campaign_plus.utils import send_id

LEDGER = "Campaign Send Log"
ROW_FIELDS = "l.`name`, l.`campaign`, l.`email`, l.`status`, l.`party_type`, l.`party`, l.`email_account`"
CHUNK = 5000


def _by_names(names: set[str]) -> dict[str, dict]:
	rows = {}
	for chunk in create_batch(sorted(names), CHUNK):
		for row in frappe.db.sql(
			f"SELECT {ROW_FIELDS} FROM `tab{LEDGER}` l WHERE l.`name` IN %(names)s",
			{"names": tuple(chunk)},
			as_dict=True,
		):
			rows[row.name] = row
	return rows


def _by_message_ids(message_ids: set[str]) -> dict[str, dict]:
	rows = {}
	for chunk in create_batch(sorted(message_ids), CHUNK):
		for row in frappe.db.sql(
			f"""SELECT q.`message_id` AS queue_message_id, {ROW_FIELDS}
			FROM `tabEmail Queue` q JOIN `tab{LEDGER}` l ON l.`email_queue` = q.`name`
			WHERE q.`message_id` IN %(ids)s""",
			{"ids": tuple(chunk) + tuple(f"<{i}>" for i in chunk)},
			as_dict=True,
		):
			rows[(row.pop("queue_message_id") or "").strip(" <>")] = row
	return rows


def _by_emails(emails: set[str]) -> dict[str, dict]:
	"""The latest campaign email that left for each address."""
	latest: dict[str, tuple] = {}
	for chunk in create_batch(sorted(emails), CHUNK):
		for row in frappe.db.sql(
			f"""SELECT {ROW_FIELDS}, l.`queued_on`, l.`creation`
			FROM `tab{LEDGER}` l WHERE l.`email` IN %(emails)s AND l.`status` IN %(left)s""",
			{"emails": tuple(chunk), "left": LEFT},
			as_dict=True,
		):
			email = normalize_email(row.email)
			order = (row.pop("queued_on") or row.creation, row.pop("creation"), row.name)
			if email not in latest or order > latest[email][0]:
				latest[email] = (order, row)
	return {email: row for email, (_order, row) in latest.items()}


def rows_for(reports: Sequence) -> list[dict | None]:
	"""The Send Log row of each report (objects with ``token``, ``message_id``, ``email``), in order."""
	names = [send_id.read(report.token) if report.token else None for report in reports]
	by_name = _by_names({name for name in names if name})
	rows: list[dict | None] = [by_name.get(name) if name else None for name in names]
	message_ids = {
		report.message_id.strip(" <>")
		for report, row in zip(reports, rows, strict=True)
		if row is None and report.message_id
	}
	by_message_id = _by_message_ids(message_ids) if message_ids else {}
	for i, report in enumerate(reports):
		if rows[i] is None and report.message_id:
			rows[i] = by_message_id.get(report.message_id.strip(" <>"))
	emails = {
		normalize_email(r.email) for r, row in zip(reports, rows, strict=True) if row is None and r.email
	}
	by_email = _by_emails(emails - {""}) if emails else {}
	for i, report in enumerate(reports):
		if rows[i] is None and report.email:
			rows[i] = by_email.get(normalize_email(report.email))
	return rows


def names_of(rows: Iterable[dict | None]) -> list[str]:
	return [row.name for row in rows if row]
