# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Addresses that must not receive a campaign's emails (one query each)."""

import frappe
from frappe.query_builder import DocType

from campaign_plus.engine.schedule import normalize_email


def blocked_emails(campaign: str) -> set[str]:
	"""Unsubscribed globally, from this campaign, or from one of its Email Campaigns; or spam-blocked."""
	unsubscribe = DocType("Email Unsubscribe")
	email_campaign = DocType("Email Campaign")
	condition = (
		(unsubscribe.global_unsubscribe == 1)
		| ((unsubscribe.reference_doctype == "Campaign") & (unsubscribe.reference_name == campaign))
		| (
			(unsubscribe.reference_doctype == "Email Campaign")
			& unsubscribe.reference_name.isin(
				frappe.qb.from_(email_campaign)
				.select(email_campaign.name)
				.where(email_campaign.campaign_name == campaign)
			)
		)
	)
	emails = (
		frappe.qb.from_(unsubscribe).select(unsubscribe.email).where(condition).distinct().run(pluck=True)
	)
	rule = DocType("Email Rule")
	emails += frappe.qb.from_(rule).select(rule.email_id).where(rule.is_spam == 1).run(pluck=True)
	return {normalize_email(email) for email in emails if email}
