# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Entry points for ``bench execute`` in the reputation tests (plain results, printable as JSON):
the planner over one campaign, as the scheduler's run would plan it, and Resume Sending."""

import frappe


def plan(campaign: str) -> dict:
	from campaign_plus.sending.planner import plan_campaigns

	result = plan_campaigns([campaign], commit=True)[campaign]
	frappe.db.commit()
	return {"planned": result.planned, "batches": result.batches, "deferred": result.deferred}


def resume(campaign: str, user: str = "Administrator") -> int:
	from campaign_plus.reputation.guard import resume_campaign

	frappe.set_user(user)
	released = resume_campaign(campaign, user)
	frappe.db.commit()
	return released
