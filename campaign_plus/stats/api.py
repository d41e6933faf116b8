# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods: Refresh Statistics, Log Segment, Cancel Entry."""

import frappe

from campaign_plus.permissions import only_for_sales_managers
from campaign_plus.stats import aggregate, entries


@frappe.whitelist(methods=["POST"])
def refresh_statistics(campaign: str) -> dict:
	"""The card's figures computed now. Stored on the campaign only for a user who may change it
	(``stored`` says so); a reader gets them fresh, and the form shows them without saving."""
	doc = frappe.get_doc("Campaign", campaign)
	doc.check_permission("read")
	if doc.has_permission("write"):
		values = aggregate.refresh(campaign)
		stored = True
	else:
		values = aggregate.card_values(campaign)
		stored = False
	return {**values, "stored": stored}


@frappe.whitelist(methods=["POST"])
def log_segment(segment: str) -> dict:
	frappe.get_doc("Campaign Segment", segment).check_permission("write")
	frappe.has_permission("Campaign Entry", "create", throw=True)
	return entries.log_segment(segment)


@frappe.whitelist(methods=["POST"])
def cancel_entry(entry: str) -> dict:
	only_for_sales_managers()
	frappe.get_doc("Campaign Entry", entry).check_permission("write")
	return entries.cancel_entry(entry)


@frappe.whitelist()
def get_charts(campaign: str, days: int = 30) -> dict:
	"""The Campaign dashboard's charts: the pipeline funnel and the emails per day by status."""
	frappe.get_doc("Campaign", campaign).check_permission("read")
	return aggregate.charts(campaign, min(max(int(days), 1), 366))
