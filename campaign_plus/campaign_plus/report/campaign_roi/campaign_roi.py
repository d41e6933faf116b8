# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign ROI: cost, revenue and return of every campaign, next to ERPNext's pipeline counts.

The figures are each campaign's statistics as stored on its card (one query for every campaign
shown): the nightly job and *Refresh Statistics* compute them (a few aggregate queries over the
campaign's documents and Send Log, see :mod:`campaign_plus.stats.aggregate`). Summing every
campaign's Send Log on each opening would take seconds per campaign of 100,000 emails. Filtered by
company, dates (campaigns running in the period) and status.
"""

import frappe
from frappe import _

from campaign_plus.forms.reports import leads_from_forms

# report column: the card's field that stores it
STORED = {
	"cost": "cp_cost",
	"revenue": "cp_revenue",
	"roi": "cp_roi",
	"contacted": "cp_targets_contacted",
	"responded": "cp_targets_responded",
	"response_rate": "cp_response_rate",
	"leads": "cp_leads",
	"opportunities": "cp_opportunities",
	"opportunity_value": "cp_opportunity_value",
	"sales_orders": "cp_sales_orders",
	"sales_invoices": "cp_sales_invoices",
	"emails_delivered": "cp_emails_delivered",
	"open_rate": "cp_open_rate",
	"click_rate": "cp_click_rate",
	"hard_bounces": "cp_hard_bounces",
	"soft_bounces": "cp_soft_bounces",
	"complaints": "cp_complaints",
	"complaint_rate": "cp_complaint_rate",
	"unsubscribes": "cp_email_unsubscribes",
	"replies": "cp_email_replies",
	"reply_rate": "cp_reply_rate",
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	message = _(
		"Figures as of each campaign's last statistics refresh (every night, or Refresh Statistics on the campaign)."
	)
	return columns(), data(filters), message


def columns() -> list[dict]:
	def column(fieldname, label, fieldtype, width=110, options=None):
		col = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
		if options:
			col["options"] = options
		return col

	return [
		column("campaign", _("Campaign"), "Link", 180, "Campaign"),
		column("status", _("Status"), "Link", 100, "Campaign Status"),
		column("start_date", _("Start Date"), "Date", 100),
		column("end_date", _("End Date"), "Date", 100),
		column("budget", _("Budget"), "Currency"),
		column("cost", _("Cost"), "Currency"),
		column("revenue", _("Revenue"), "Currency"),
		column("roi", _("ROI %"), "Percent", 90),
		column("contacted", _("Targets Contacted"), "Int"),
		column("responded", _("Targets Responded"), "Int"),
		column("response_rate", _("Response Rate %"), "Percent", 90),
		column("leads", _("Leads"), "Int", 80),
		column("leads_from_forms", _("Leads from Forms"), "Int", 120),
		column("opportunities", _("Opportunities"), "Int"),
		column("opportunity_value", _("Opportunity Value"), "Currency"),
		column("sales_orders", _("Sales Orders"), "Int"),
		column("sales_invoices", _("Sales Invoices"), "Int"),
		column("emails_delivered", _("Emails Delivered"), "Int"),
		column("open_rate", _("Open Rate %"), "Percent", 90),
		column("click_rate", _("Click Rate %"), "Percent", 90),
		column("hard_bounces", _("Hard Bounces"), "Int"),
		column("soft_bounces", _("Soft Bounces"), "Int"),
		column("complaints", _("Complaints"), "Int"),
		column("complaint_rate", _("Complaint Rate %"), "Percent", 90),
		column("unsubscribes", _("Unsubscribes"), "Int"),
		column("replies", _("Replies"), "Int"),
		column("reply_rate", _("Reply Rate %"), "Percent", 90),
		column("statistics_updated_on", _("Statistics Updated On"), "Datetime", 160),
	]


def data(filters) -> list[dict]:
	conditions = {}
	if filters.company:
		conditions["cp_company"] = filters.company
	if filters.status:
		conditions["cp_status"] = filters.status
	campaigns = frappe.get_list(
		"Campaign",
		filters=conditions,
		fields=[
			"name", "cp_status", "cp_start_date", "cp_end_date", "cp_budget", "cp_statistics_updated_on",
			*STORED.values(),
		],
		order_by="cp_start_date desc, name asc",
		limit_page_length=0,
	)  # fmt: skip
	rows = []
	from_forms = leads_from_forms([campaign.name for campaign in campaigns])
	for campaign in campaigns:
		if filters.to_date and campaign.cp_start_date and str(campaign.cp_start_date) > str(filters.to_date):
			continue
		if filters.from_date and campaign.cp_end_date and str(campaign.cp_end_date) < str(filters.from_date):
			continue
		rows.append(
			{
				"campaign": campaign.name,
				"status": campaign.cp_status,
				"start_date": campaign.cp_start_date,
				"end_date": campaign.cp_end_date,
				"budget": campaign.cp_budget,
				**{column: campaign.get(field) for column, field in STORED.items()},
				"statistics_updated_on": campaign.cp_statistics_updated_on,
				"leads_from_forms": from_forms.get(campaign.name, 0),
			}
		)
	return rows
