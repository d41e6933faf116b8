# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of delivery (the Campaign form)."""

import frappe

from campaign_plus.delivery.progress import campaign_progress


@frappe.whitelist()
def get_delivery_progress(campaign: str) -> dict | None:
	"""Queued / delivered / failed of the campaign's current send and its finishing time."""
	frappe.has_permission("Campaign", "read", campaign, throw=True)
	return campaign_progress(campaign)
