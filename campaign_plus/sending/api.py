# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods behind the Campaign form's sending actions."""

from dataclasses import asdict

import frappe
from frappe import _
from frappe.utils import cint

from campaign_plus.sending import planner
from campaign_plus.sending.settings import get_sending_settings
from campaign_plus.sending.testing import send_step_test
from campaign_plus.utils.email import ensure_outgoing_account

MAX_PREVIEW_DAYS = 366


@frappe.whitelist(methods=["POST"])
def send_due_emails_now(campaign: str) -> dict:
	"""Run the planner for this campaign now; sending follows in background batches."""
	frappe.get_doc("Campaign", campaign).check_permission("write")
	ensure_outgoing_account(get_sending_settings().email_account)  # the settings' account sends first
	try:
		result = planner.plan_campaign(campaign)
	except planner.PlannerBusy:
		frappe.throw(
			_("Another planner run is in progress (the scheduler, or another user). Try again in a minute."),
			title=_("Planner Busy"),
		)
	if not result.running:
		frappe.throw(result.why_not, title=_("Campaign Not Running"))
	return asdict(result)


@frappe.whitelist()
def preview_schedule(campaign: str, days: int = 30) -> list[dict]:
	"""Dry-run calendar of the next ``days`` days (nothing is written)."""
	frappe.get_doc("Campaign", campaign).check_permission("read")
	days = min(max(cint(days), 1), MAX_PREVIEW_DAYS)
	return planner.preview(campaign, days=days)


@frappe.whitelist(methods=["POST"])
def send_test_email(campaign: str, schedule_row: str) -> str:
	"""Send one step of the schedule to the current user (rendered for a sample recipient; its
	opens, clicks and unsubscribe link count nowhere: :mod:`campaign_plus.sending.testing`)."""
	doc = frappe.get_doc("Campaign", campaign)
	doc.check_permission("write")
	step = next((row for row in doc.campaign_schedules if row.name == schedule_row), None)
	if not step:
		frappe.throw(_("Choose a step of this campaign's email schedule."), title=_("Unknown Step"))
	email = frappe.db.get_value("User", frappe.session.user, "email")
	if not email:
		frappe.throw(_("Your user has no email address."), title=_("No Email Address"))
	ensure_outgoing_account(get_sending_settings().email_account)  # the settings' account sends first
	return send_step_test(doc, step, email)
