# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of the lead score."""

import frappe

from campaign_plus.permissions import only_for_sales_managers
from campaign_plus.scoring import job


@frappe.whitelist(methods=["POST"])
def recompute_scores() -> None:
	"""Campaign Plus Settings: recompute every lead score now (in the background)."""
	only_for_sales_managers()
	frappe.has_permission("Campaign Plus Settings", "write", throw=True)
	job.enqueue_recompute()
