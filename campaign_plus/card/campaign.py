# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The campaign card on ERPNext's Campaign (doc_events). Rules live in campaign_plus.engine."""

import frappe
from frappe import _
from frappe.utils import getdate

from campaign_plus.card.statuses import load_statuses
from campaign_plus.engine.date_formula import format_terms, parse
from campaign_plus.engine.dates import check_date_range
from campaign_plus.engine.schedule import check_step
from campaign_plus.engine.status import check_move, default_status
from campaign_plus.engine.windows import CUSTOM_QUIET, check_quiet_hours, clock
from campaign_plus.errors import translated_rule_errors


def validate(doc, method=None):
	set_default_status(doc)
	set_default_company(doc)
	validate_dates(doc)
	validate_status_move(doc)
	validate_email_schedule(doc)
	validate_send_window(doc)


def set_default_status(doc):
	if not doc.get("cp_status"):
		doc.cp_status = default_status(load_statuses())
		doc.cp_status_color = (
			frappe.db.get_value("Campaign Status", doc.cp_status, "indicator_color")
			if doc.cp_status
			else None
		)


def set_default_company(doc):
	if not doc.get("cp_company"):
		doc.cp_company = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
			"Global Defaults", "default_company"
		)
	if doc.get("cp_company") and not doc.get("cp_currency"):
		doc.cp_currency = frappe.get_cached_value("Company", doc.cp_company, "default_currency")


def validate_dates(doc):
	start = getdate(doc.cp_start_date) if doc.get("cp_start_date") else None
	end = getdate(doc.cp_end_date) if doc.get("cp_end_date") else None
	with translated_rule_errors():
		check_date_range(start, end)


def validate_status_move(doc):
	before = doc.get_doc_before_save()
	current = before.get("cp_status") if before else None
	with translated_rule_errors():
		check_move(current, doc.get("cp_status"), load_statuses())


def validate_email_schedule(doc):
	"""Each step: days not negative, a date formula that parses (normalised, e.g. "cm + 1d" → "CM+1D")."""
	with translated_rule_errors():
		for row in doc.get("campaign_schedules") or []:
			formula = (row.get("cp_date_formula") or "").strip()
			check_step(row.get("cp_step_label") or str(row.idx), row.send_after_days, formula or None)
			row.cp_date_formula = format_terms(parse(formula)) if formula else None


def validate_send_window(doc):
	"""Custom quiet hours: both times, leaving time to send; other choices clear them."""
	if doc.get("cp_quiet_hours") != CUSTOM_QUIET:
		doc.cp_quiet_hours_start = doc.cp_quiet_hours_end = None
		return
	with translated_rule_errors():
		check_quiet_hours(
			clock(doc.get("cp_quiet_hours_start")), clock(doc.get("cp_quiet_hours_end")), _("Quiet Hours")
		)
