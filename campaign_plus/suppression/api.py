# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of the suppression list: add or lift an address, import a CSV, export."""

import frappe
from frappe import _

from campaign_plus.engine import suppression as rules
from campaign_plus.engine.schedule import is_valid_email, normalize_email
from campaign_plus.errors import translated_rule_errors
from campaign_plus.permissions import only_for_sales_managers
from campaign_plus.suppression import imports, records


def _reason(reason: str | None) -> str:
	reason = reason or rules.BY_HAND
	if reason not in rules.REASONS:
		frappe.throw(
			_("{0} is not a suppression reason.").format(frappe.bold(reason)), title=_("Invalid Reason")
		)
	return reason


@frappe.whitelist(methods=["POST"])
def add_address(
	email: str, reason: str | None = None, campaign: str | None = None, note: str | None = None
) -> int:
	"""Keep ``email`` out of campaign email (a lifted entry becomes active again)."""
	frappe.has_permission(records.DOCTYPE, "create", throw=True)
	email = normalize_email(email)
	if not is_valid_email(email):
		frappe.throw(_("Enter a valid email address."), title=_("Invalid Email"))
	if campaign and not frappe.db.exists("Campaign", campaign):
		frappe.throw(
			_("Campaign {0} does not exist.").format(frappe.bold(campaign)), frappe.DoesNotExistError
		)
	return records.add([records.Entry(email, _reason(reason), rules.MANUAL, campaign=campaign, note=note)])


@frappe.whitelist(methods=["POST"])
def lift(email: str, reason: str | None = None) -> int:
	"""Send campaign emails to ``email`` again (for one reason, or all)."""
	frappe.has_permission(records.DOCTYPE, "write", throw=True)
	only_for_sales_managers()
	return records.lift([email], [_reason(reason)] if reason else None)


@frappe.whitelist(methods=["POST"])
def import_csv(file_url: str, default_reason: str | None = None) -> dict:
	"""Add the addresses of an uploaded CSV file (a list exported from another tool)."""
	frappe.has_permission(records.DOCTYPE, "import", throw=True)
	frappe.has_permission(records.DOCTYPE, "create", throw=True)
	with translated_rule_errors():
		return imports.import_file(file_url, _reason(default_reason))


@frappe.whitelist(methods=["POST"])
def export_csv(active_only: int = 1) -> None:
	"""Download the suppression list as CSV (semicolons)."""
	frappe.has_permission(records.DOCTYPE, "export", throw=True)
	frappe.response["type"] = "download"
	frappe.response["filename"] = "suppression-list.csv"
	frappe.response["filecontent"] = imports.export(bool(int(active_only))).encode("utf-8-sig")
	frappe.response["content_type"] = "text/csv; charset=utf-8"
