# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of the reputation guard: what the Campaign form shows, Resume Sending."""

import frappe
from frappe import _

from campaign_plus.permissions import only_for_sales_managers
from campaign_plus.reputation import guard


@frappe.whitelist()
def status(campaign: str) -> dict:
	"""The pauses holding ``campaign`` (read permission on the campaign; reads only)."""
	frappe.get_doc("Campaign", campaign).check_permission("read")
	pauses = guard.active_pauses(campaign, guard.campaign_accounts(campaign))
	return {
		"paused": bool(pauses),
		"pauses": [
			{
				"name": p.name,
				"scope": _(p.scope),
				"target": p.campaign or p.email_account,
				"reason": p.reason,
				"paused_on": p.paused_on,
			}
			for p in pauses
		],
		"can_resume": bool(set(frappe.get_roles()) & {"Sales Manager", "System Manager"}),
	}


@frappe.whitelist(methods=["POST"])
def resume_sending(campaign: str) -> int:
	"""Resume Sending (Sales Manager): every pause holding ``campaign``; the rows released."""
	only_for_sales_managers()
	frappe.get_doc("Campaign", campaign).check_permission("write")
	if not guard.active_pauses(campaign, guard.campaign_accounts(campaign)):
		frappe.throw(_("Campaign {0} is not paused.").format(frappe.bold(campaign)), title=_("Not Paused"))
	return guard.resume_campaign(campaign)


@frappe.whitelist(methods=["POST"])
def resume_pause(name: str) -> int:
	"""Resume one pause (Sales Manager): for an account, every campaign it held."""
	only_for_sales_managers()
	frappe.has_permission(guard.PAUSE, "read", doc=name, throw=True)
	return guard.resume([name])
