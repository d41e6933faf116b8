# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The one place that answers "which field links document X to a campaign".

Everything (buttons, dashboard, later the sender, pricing and statistics) asks here instead of
naming ``campaign_name`` / ``campaign`` (ERPNext v15) or ``utm_campaign`` (v16) itself.
"""

import frappe

from campaign_plus.engine.links import CAMPAIGN, CampaignLink, FieldInfo, choose_campaign_link

# The ERPNext documents that carry a campaign, in the order the desk shows them.
LINKED_DOCTYPES = ("Lead", "Opportunity", "Quotation", "Sales Order", "Sales Invoice")
# The Lead Source / UTM Source record ERPNext's own "View Leads" button filters on.
CAMPAIGN_SOURCE = "Campaign"


def get_campaign_link(doctype: str) -> CampaignLink | None:
	"""The field of ``doctype`` that links it to a campaign, read from its meta."""
	meta = frappe.get_meta(doctype)
	return choose_campaign_link(FieldInfo(df.fieldname, df.fieldtype, df.options) for df in meta.fields)


def get_campaign_links() -> dict[str, CampaignLink]:
	"""The campaign link of every document type in :data:`LINKED_DOCTYPES` that has one."""
	links = {}
	for doctype in LINKED_DOCTYPES:
		if link := get_campaign_link(doctype):
			links[doctype] = link
	return links


def campaign_link_value(link: CampaignLink, campaign: str) -> str:
	"""The value a document stores in ``link.fieldname`` when it belongs to ``campaign``.

	For a Link → Campaign it is the campaign itself; for a Link → UTM Campaign (v16) it is the
	UTM Campaign ERPNext keeps for that campaign (named after the campaign name).
	"""
	if link.target == CAMPAIGN:
		return campaign
	utm = frappe.db.get_value(link.target, {"crm_campaign": campaign}, "name")
	if utm:
		return utm
	campaign_name = frappe.db.get_value("Campaign", campaign, "campaign_name")
	return campaign_name or campaign


def list_route_options(doctype: str, campaign: str, link: CampaignLink | None = None) -> dict | None:
	"""The list filters that show ``doctype`` documents of ``campaign`` (and pre-fill "New").

	Leads also filter on the lead source "Campaign", as ERPNext's own "View Leads" does.
	"""
	link = link or get_campaign_link(doctype)
	if not link:
		return None
	options = {link.fieldname: campaign_link_value(link, campaign)}
	if doctype == "Lead" and link.source_fieldname:
		options[link.source_fieldname] = CAMPAIGN_SOURCE
	return options
