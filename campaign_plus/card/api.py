# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods behind the Campaign form's buttons."""

import frappe
from frappe import _

from campaign_plus.card.statuses import load_statuses
from campaign_plus.engine.status import allowed_moves, next_status
from campaign_plus.links import get_campaign_links, list_route_options


@frappe.whitelist()
def get_campaign_context(campaign: str) -> dict:
	"""What the form needs: list filters per document type, the next status, the allowed moves."""
	doc = frappe.get_doc("Campaign", campaign)
	doc.check_permission("read")
	statuses = load_statuses()
	routes = {}
	for doctype, link in get_campaign_links().items():
		if frappe.has_permission(doctype, "read"):
			routes[doctype] = list_route_options(doctype, doc.name, link)
	return {
		"routes": routes,
		"next_status": next_status(doc.get("cp_status"), statuses),
		"allowed_statuses": allowed_moves(doc.get("cp_status"), statuses),
	}


@frappe.whitelist(methods=["POST"])
def next_step(campaign: str) -> str:
	"""Move the campaign to its next status and return it."""
	doc = frappe.get_doc("Campaign", campaign)
	doc.check_permission("write")
	target = next_status(doc.get("cp_status"), load_statuses())
	if not target:
		frappe.throw(
			_("Campaign {0} has no next status after {1}.").format(
				frappe.bold(doc.name), frappe.bold(_(doc.get("cp_status") or ""))
			),
			title=_("No Next Status"),
		)
	doc.cp_status = target
	doc.save()
	return target
