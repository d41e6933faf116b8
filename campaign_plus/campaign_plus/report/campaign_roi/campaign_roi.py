# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign ROI: cost, revenue and return of every campaign, next to ERPNext's pipeline counts.

Figures are computed fresh for the campaigns shown (a few aggregate queries each, see
:mod:`campaign_plus.stats.aggregate`), filtered by company, dates (campaigns running in the
period) and status.
"""

import frappe
from frappe import _

from campaign_plus.engine.stats import compute
from campaign_plus.forms.reports import leads_from_forms
from campaign_plus.stats.aggregate import figures
from campaign_plus.tracking.statistics import campaign_engagement


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


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
		fields=["name", "cp_status", "cp_start_date", "cp_end_date", "cp_budget"],
		order_by="cp_start_date desc, name asc",
		limit_page_length=0,
	)
	rows = []
	from_forms = leads_from_forms([campaign.name for campaign in campaigns])
	for campaign in campaigns:
		if filters.to_date and campaign.cp_start_date and str(campaign.cp_start_date) > str(filters.to_date):
			continue
		if filters.from_date and campaign.cp_end_date and str(campaign.cp_end_date) < str(filters.from_date):
			continue
		stats = compute(figures(campaign.name))
		f = stats.figures
		mail = campaign_engagement(campaign.name)
		rows.append(
			{
				"campaign": campaign.name,
				"status": campaign.cp_status,
				"start_date": campaign.cp_start_date,
				"end_date": campaign.cp_end_date,
				"budget": campaign.cp_budget,
				"cost": f.cost,
				"revenue": f.revenue,
				"roi": stats.roi,
				"contacted": f.contacted,
				"responded": f.responded,
				"response_rate": stats.response_rate,
				"leads": f.leads,
				"leads_from_forms": from_forms.get(campaign.name, 0),
				"opportunities": f.opportunities,
				"opportunity_value": f.opportunity_value,
				"sales_orders": f.sales_orders,
				"sales_invoices": f.sales_invoices,
				"emails_delivered": mail.delivered,
				"open_rate": mail.open_rate,
				"click_rate": mail.click_rate,
				"hard_bounces": mail.figures.hard_bounces,
				"soft_bounces": mail.figures.soft_bounces,
				"complaints": mail.figures.complaints,
				"complaint_rate": mail.complaint_rate,
				"unsubscribes": mail.figures.unsubscribes,
				"replies": mail.figures.replies,
				"reply_rate": mail.reply_rate,
			}
		)
	return rows
