# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of deliverability: Check Deliverability for a campaign."""

import frappe

from campaign_plus.deliverability import checks, gate
from campaign_plus.deliverability.settings import get_deliverability_settings
from campaign_plus.engine import deliverability as engine


@frappe.whitelist()
def check_deliverability(campaign: str) -> dict:
	"""The campaign's findings (DNS, each step's email, volume), worst first, each with its fix."""
	frappe.get_doc("Campaign", campaign).check_permission("read")
	findings = checks.run(campaign)
	gate.remember(campaign, findings)
	return {
		"findings": checks.as_dicts(findings),
		"worst": engine.worst(findings),
		"errors": sum(f.level == engine.ERROR for f in findings),
		"warnings": sum(f.level == engine.WARNING for f in findings),
		"blocking": get_deliverability_settings().block_on_errors,
	}


@frappe.whitelist()
def first_send_pending(campaign: str) -> bool:
	"""Whether a step of the campaign has sent nothing yet (the desk then shows the check first)."""
	doc = frappe.get_doc("Campaign", campaign)
	doc.check_permission("read")
	sent = gate.steps_sent(campaign)
	return any(row.name not in sent for row in doc.get("campaign_schedules") or [])
