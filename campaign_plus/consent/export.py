# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What the site holds on one address for marketing (GDPR right of access, article 15).

The whole consent history of the address (every purpose, oldest first: date, status, source,
who recorded it, the campaign, the party, the proof) and every campaign email planned, sent,
skipped or failed for it (Campaign Send Log: campaign, step, template, status, reason, dates).
Given as JSON (structured, for a DPO's file) or CSV (one table, opened by a spreadsheet in the
user's language: semicolons and a BOM for French Excel).
"""

import csv
import io
import json

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import format_datetime, get_datetime_str, now_datetime

from campaign_plus.consent import records
from campaign_plus.engine import consent
from campaign_plus.engine.schedule import is_valid_email, normalize_email

FORMATS = ("CSV", "JSON")
SEND_LOG = "Campaign Send Log"


def consent_history(email: str) -> list[dict]:
	table = DocType(records.DOCTYPE)
	return (
		frappe.qb.from_(table)
		.select(
			table.name,
			table.consent_date,
			table.purpose,
			table.status,
			table.source,
			table.party_type,
			table.party,
			table.campaign,
			table.recorded_by,
			table.creation,
			table.request,
			table.ip_address,
			table.note,
			table.consent_text,
		)
		.where(table.email == email)
		.orderby(table.consent_date)
		.orderby(table.creation)
		.orderby(table.name)
		.run(as_dict=True)
	)


def campaign_emails(email: str) -> list[dict]:
	log = DocType(SEND_LOG)
	campaign = DocType("Campaign")
	return (
		frappe.qb.from_(log)
		.left_join(campaign)
		.on(campaign.name == log.campaign)
		.select(
			log.name,
			log.campaign,
			campaign.campaign_name,
			log.step_idx,
			log.step_label,
			log.email_template,
			log.party_type,
			log.party,
			log.status,
			log.reason,
			log.due_date,
			log.queued_on,
			log.sent_on,
			log.creation,
		)
		.where(log.email == email)
		.orderby(log.due_date)
		.orderby(log.creation)
		.orderby(log.name)
		.run(as_dict=True)
	)


def _current(history: list[dict]) -> dict:
	"""The current consent per purpose, as the planner sees it."""
	by_purpose: dict[str, list] = {}
	for row in history:
		by_purpose.setdefault(row.purpose, []).append(records.as_record(frappe._dict(row, email="")))
	result = {}
	for purpose, rows in by_purpose.items():
		state = consent.current(rows)
		if state:
			result[purpose] = {"status": state.status, "date": _iso(state.on), "record": state.name}
	return result


def _iso(value) -> str | None:
	return get_datetime_str(value) if value else None


def build(email: str) -> dict:
	email = normalize_email(email)
	if not is_valid_email(email):
		frappe.throw(
			_("{0} is not a valid email address.").format(frappe.bold(email)), title=_("Invalid Email")
		)
	history = consent_history(email)
	sends = campaign_emails(email)
	return {
		"email": email,
		"exported_on": _iso(now_datetime()),
		"exported_by": frappe.session.user,
		"site": frappe.local.site,
		"current_consent": _current(history),
		"consent_history": [
			{
				"date": _iso(row.consent_date),
				"purpose": row.purpose,
				"status": row.status,
				"source": row.source,
				"party_type": row.party_type,
				"party": row.party,
				"campaign": row.campaign,
				"recorded_by": row.recorded_by,
				"recorded_on": _iso(row.creation),
				"confirms_request": row.request,
				"ip_address": row.ip_address,
				"note": row.note,
				"text_agreed_to": row.consent_text,
				"record": row.name,
			}
			for row in history
		],
		"campaign_emails": [
			{
				"campaign": row.campaign,
				"campaign_name": row.campaign_name,
				"step": row.step_idx,
				"step_label": row.step_label,
				"email_template": row.email_template,
				"party_type": row.party_type,
				"party": row.party,
				"status": row.status,
				"reason": row.reason,
				"due_date": _iso(row.due_date),
				"queued_on": _iso(row.queued_on),
				"sent_on": _iso(row.sent_on),
				"record": row.name,
			}
			for row in sends
		],
	}


def csv_columns() -> list[tuple[str, str]]:
	"""The CSV's columns: key, then translated header."""
	return [
		("record_type", _("Record")),
		("date", _("Date")),
		("status", _("Status")),
		("detail", _("Source or Reason")),
		("purpose", _("Purpose")),
		("campaign", _("Campaign")),
		("step", _("Step")),
		("step_label", _("Step Label")),
		("email_template", _("Email Template")),
		("party_type", _("Party Type")),
		("party", _("Party")),
		("recorded_by", _("Recorded By")),
		("ip_address", _("IP Address")),
		("note", _("Note")),
		("text_agreed_to", _("Text Agreed To")),
		("record", _("Reference")),
	]


def csv_rows(data: dict) -> list[dict]:
	"""One chronological table: consent records and campaign emails, labels translated."""
	rows = [
		{
			"record_type": _("Consent"),
			"sort": row["date"] or "",
			"date": _format(row["date"]),
			"status": _(row["status"]),
			"detail": _(row["source"]) if row["source"] else "",
			"purpose": _(row["purpose"]) if row["purpose"] else "",
			"campaign": row["campaign"] or "",
			"party_type": _(row["party_type"]) if row["party_type"] else "",
			"party": row["party"] or "",
			"recorded_by": row["recorded_by"] or "",
			"ip_address": row["ip_address"] or "",
			"note": row["note"] or "",
			"text_agreed_to": row.get("text_agreed_to") or "",
			"record": row["record"],
		}
		for row in data["consent_history"]
	]
	for row in data["campaign_emails"]:
		moment = row["sent_on"] or row["queued_on"] or row["due_date"] or ""
		rows.append(
			{
				"record_type": _("Campaign Email"),
				"sort": moment,
				"date": _format(moment),
				"status": _(row["status"]) if row["status"] else "",
				"detail": _(row["reason"]) if row["reason"] else "",
				"campaign": row["campaign_name"] or row["campaign"] or "",
				"step": row["step"] or "",
				"step_label": row["step_label"] or "",
				"email_template": row["email_template"] or "",
				"party_type": _(row["party_type"]) if row["party_type"] else "",
				"party": row["party"] or "",
				"record": row["record"],
			}
		)
	return sorted(rows, key=lambda row: (row["sort"], row["record"]))


def _format(value: str | None) -> str:
	return format_datetime(value) if value else ""


def as_csv(data: dict) -> bytes:
	delimiter = ";" if (frappe.local.lang or "").startswith("fr") else ","
	out = io.StringIO()
	writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
	columns = csv_columns()
	writer.writerow([label for _key, label in columns])
	for row in csv_rows(data):
		writer.writerow([row.get(key, "") for key, _label in columns])
	return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_json(data: dict) -> bytes:
	return json.dumps(data, indent=1, ensure_ascii=False, default=str).encode("utf-8")


def export(email: str, file_format: str = "CSV") -> tuple[str, bytes]:
	"""The file name and content of the export of ``email``; the export is logged (Access Log)."""
	if file_format not in FORMATS:
		frappe.throw(_("Choose CSV or JSON."), title=_("Unknown Format"))
	data = build(email)
	content = as_csv(data) if file_format == "CSV" else as_json(data)
	_log_access(data["email"], file_format)
	stamp = now_datetime().strftime("%Y%m%d-%H%M%S")
	return f"consent-{data['email']}-{stamp}.{file_format.lower()}", content


def _log_access(email: str, file_format: str) -> None:
	from frappe.core.doctype.access_log.access_log import make_access_log

	make_access_log(doctype=records.DOCTYPE, filters={"email": email}, file_type=file_format, method="Export")
