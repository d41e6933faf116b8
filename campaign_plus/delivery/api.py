# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of delivery (the Campaign form)."""

import frappe
from frappe import _

from campaign_plus.delivery import doubts
from campaign_plus.delivery.progress import campaign_progress


@frappe.whitelist()
def get_delivery_progress(campaign: str) -> dict | None:
	"""Queued / delivered / failed of the campaign's current send and its finishing time."""
	frappe.has_permission("Campaign", "read", campaign, throw=True)
	return campaign_progress(campaign)


@frappe.whitelist()
def get_delivery_doubts(campaign: str) -> dict:
	"""How many of the campaign's emails a fault during delivery left in doubt."""
	frappe.has_permission("Campaign", "read", campaign, throw=True)
	return doubts.doubts(campaign)


@frappe.whitelist(methods=["POST"])
def send_again(campaign: str) -> dict:
	"""Send again the campaign's emails that may not have arrived (campaign write permission)."""
	frappe.get_doc("Campaign", campaign).check_permission("write")
	count = doubts.send_again(campaign)
	if not count:
		frappe.throw(_("No email of this campaign is waiting to be sent again."), title=_("Nothing to Send"))
	return {"count": count}
