# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The suppression list in and out as CSV: a list from a previous tool imported in sets (the long
queue for a large one), the list exported."""

import frappe
from frappe import _
from frappe.utils import cstr

from campaign_plus.engine import suppression as rules
from campaign_plus.suppression import records
from campaign_plus.utils.runtime import in_test

QUEUE_ABOVE = 20_000  # rows: a larger file is imported on the long queue


def _read_file(file_url: str) -> str:
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")
	content = file.get_content()
	if isinstance(content, bytes):
		for encoding in ("utf-8-sig", "cp1252"):
			try:
				return content.decode(encoding)
			except UnicodeDecodeError:
				continue
		frappe.throw(_("The file is not text (UTF-8 or Windows-1252)."), title=_("Cannot Import"))
	return cstr(content)


def import_file(file_url: str, default_reason: str = rules.BY_HAND) -> dict:
	result = rules.read_csv(_read_file(file_url), default_reason)
	summary = {
		"rows": len(result.entries),
		"invalid": len(result.invalid),
		"invalid_lines": [line for line, _value in result.invalid[:20]],
		"duplicates": result.duplicates,
		"queued": False,
	}
	entries = [
		records.Entry(e.email, e.reason, rules.CSV_IMPORT, note=e.note, since=e.since) for e in result.entries
	]
	if len(entries) > QUEUE_ABOVE and not in_test():
		frappe.enqueue(
			"campaign_plus.suppression.imports.add_in_background",
			queue="long",
			timeout=3600,
			job_id=f"campaign_plus:suppression-import:{file_url}",
			deduplicate=True,
			file_url=file_url,
			default_reason=default_reason,
			user=frappe.session.user,
		)
		summary["queued"] = True
		return summary
	before = frappe.db.count(records.DOCTYPE, {"active": 1})
	records.add(entries)
	summary["added"] = frappe.db.count(records.DOCTYPE, {"active": 1}) - before
	return summary


def add_in_background(file_url: str, default_reason: str, user: str) -> None:
	frappe.set_user(user)
	result = rules.read_csv(_read_file(file_url), default_reason)
	entries = [
		records.Entry(e.email, e.reason, rules.CSV_IMPORT, note=e.note, since=e.since) for e in result.entries
	]
	total = len(entries)
	for start in range(0, total, records.CHUNK * 5):
		records.add(entries[start : start + records.CHUNK * 5], user=user)
		frappe.db.commit()
		frappe.publish_progress(
			min(start + records.CHUNK * 5, total) * 100 / max(total, 1),
			title=_("Importing the suppression list"),
			doctype=records.DOCTYPE,
		)


def export(active_only: bool = True) -> str:
	condition = "WHERE `active` = 1" if active_only else ""
	rows = frappe.db.sql(
		f"""SELECT `email`, `reason`, `since`, `campaign`, `source`, `note`
		FROM `tab{records.DOCTYPE}` {condition} ORDER BY `email`, `reason`"""
	)
	return rules.write_csv([(e, r, str(s) if s else "", c, so, n) for e, r, s, c, so, n in rows])
