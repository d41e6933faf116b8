# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods behind Activate / Deactivate and the transactions' campaign."""

import frappe

from campaign_plus.permissions import only_for_sales_managers
from campaign_plus.pricing import activation, transactions


@frappe.whitelist(methods=["POST"])
def activate_prices(campaign: str) -> dict:
	only_for_sales_managers()
	frappe.get_doc("Campaign", campaign).check_permission("write")
	return activation.activate(campaign)


@frappe.whitelist(methods=["POST"])
def deactivate_prices(campaign: str) -> dict:
	only_for_sales_managers()
	frappe.get_doc("Campaign", campaign).check_permission("write")
	return activation.deactivate(campaign)


@frappe.whitelist()
def get_price_preview(campaign: str) -> dict:
	"""What Activate would do: customers and rules (for the confirmation)."""
	doc = frappe.get_doc("Campaign", campaign)
	doc.check_permission("read")
	customers = frappe.db.sql(
		"""SELECT COUNT(DISTINCT m.`customer`) FROM `tabCampaign Segment Member` m
		JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
		WHERE s.`campaign` = %(campaign)s AND s.`campaign_target` = 1 AND m.`campaign_target` = 1
			AND IFNULL(m.`customer`, '') != ''""",
		{"campaign": campaign},
	)[0][0]
	return {"customers": customers, "rules": len(activation.desired_specs(doc))}


@frappe.whitelist()
def get_campaign_for(doctype: str, customer: str, date: str) -> dict | None:
	"""Client side, on customer change: the campaign link value the document should carry."""
	frappe.has_permission(doctype, "write", throw=True)
	frappe.has_permission("Customer", "read", customer, throw=True)
	campaign = transactions.campaign_for(doctype, customer, date)
	if not campaign:
		return None
	link = transactions.get_campaign_link(doctype)
	value = transactions.campaign_link_value(link, campaign)
	return {"campaign": campaign, "fieldname": link.fieldname, "value": value}
