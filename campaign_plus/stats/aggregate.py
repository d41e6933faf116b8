# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The campaign card's statistics: a handful of aggregate queries, then the engine's ratios.

Contacted parties: interactions, campaign emails queued or sent, and campaign activities done
(closed to-dos, completed meetings) about a lead, contact, customer or opportunity.
Cost and duration: the non-canceled entries, the interactions outside an entry (an entry's cost
stands for its interactions), and the done activity tasks (each carries its step's cost).
"""

import frappe
from frappe.utils import flt, now_datetime

from campaign_plus.engine.stats import Figures, compute
from campaign_plus.links import campaign_link_value, get_campaign_links
from campaign_plus.tracking import statistics as engagement

STAT_FIELDS = {
	"cp_targets_contacted": lambda s: s.figures.contacted,
	"cp_targets_responded": lambda s: s.figures.responded,
	"cp_response_rate": lambda s: s.response_rate,
	"cp_cost": lambda s: s.figures.cost,
	"cp_duration": lambda s: s.figures.duration,
	"cp_cost_per_response": lambda s: s.cost_per_response,
	"cp_duration_per_response": lambda s: s.duration_per_response,
	"cp_leads": lambda s: s.figures.leads,
	"cp_opportunities": lambda s: s.figures.opportunities,
	"cp_opportunity_value": lambda s: s.figures.opportunity_value,
	"cp_quotations": lambda s: s.figures.quotations,
	"cp_sales_orders": lambda s: s.figures.sales_orders,
	"cp_sales_invoices": lambda s: s.figures.sales_invoices,
	"cp_revenue": lambda s: s.figures.revenue,
	"cp_roi": lambda s: s.roi,
	"cp_budget_used": lambda s: s.budget_used,
}

# How a document names its party, for responses.
PARTY_SQL = {
	"Lead": ("'Lead'", "`name`"),
	"Opportunity": ("`opportunity_from`", "`party_name`"),
	"Quotation": ("`quotation_to`", "`party_name`"),
	"Sales Order": ("'Customer'", "`customer`"),
}


def _one(sql: str, values: dict):
	return frappe.db.sql(sql, values)[0]


def _linked(campaign: str, values: dict) -> tuple[dict[str, tuple], list[str]]:
	"""Per linked doctype (Lead, Opportunity…): (count, amount) of the documents carrying the
	campaign; and the queries of the parties that responded (``values`` gets their parameters)."""
	responses = [
		"""SELECT `party_type`, `party` FROM `tabCampaign Interaction`
		WHERE `campaign` = %(campaign)s AND `canceled` = 0 AND `interaction_type` = 'Response'"""
	]
	counts: dict[str, tuple[int, float]] = {}
	for doctype, link in get_campaign_links().items():
		values[f"value_{len(counts)}"] = campaign_link_value(link, campaign)
		condition = f"`{link.fieldname}` = %(value_{len(counts)})s AND `docstatus` < 2"
		if doctype in ("Sales Order", "Sales Invoice"):
			condition += " AND `docstatus` = 1"
		if doctype in PARTY_SQL:
			party_type, party = PARTY_SQL[doctype]
			responses.append(
				f"SELECT {party_type} AS party_type, {party} AS party FROM `tab{doctype}` WHERE {condition}"
			)
		amount = {
			"Opportunity": "`opportunity_amount`",
			"Sales Invoice": "`base_net_total`",
			"Sales Order": "`base_net_total`",
		}.get(doctype, "0")
		if amount != "0" and not frappe.get_meta(doctype).has_field(amount.strip("`")):
			amount = "0"
		counts[doctype] = _one(
			f"SELECT COUNT(*), SUM({amount}) FROM `tab{doctype}` WHERE {condition}", values
		)
	return counts, responses


FUNNEL = ("Lead", "Opportunity", "Quotation", "Sales Order")


def pipeline(campaign: str) -> list[int]:
	"""Leads, opportunities, quotations and sales orders carrying the campaign (the form's funnel):
	one count each, nothing else computed."""
	counts, _responses = _linked(campaign, {"campaign": campaign})
	return [int(counts.get(doctype, (0, 0))[0] or 0) for doctype in FUNNEL]


def figures(campaign: str) -> Figures:
	values = {"campaign": campaign}
	cost, duration = _one(
		"SELECT SUM(`cost`), SUM(`duration`) FROM `tabCampaign Entry` WHERE `campaign` = %(campaign)s AND `canceled` = 0",
		values,
	)
	loose_cost, loose_duration = _one(
		"""SELECT SUM(`cost`), SUM(`duration`) FROM `tabCampaign Interaction`
		WHERE `campaign` = %(campaign)s AND `canceled` = 0 AND IFNULL(`entry`, '') = ''""",
		values,
	)
	# done activity tasks: each to-do or event once (never through its participants)
	task_cost, task_duration = _one(
		"""SELECT SUM(`cp_cost`), SUM(`cp_duration`) FROM (
			SELECT `cp_cost`, `cp_duration` FROM `tabToDo`
			WHERE `cp_campaign` = %(campaign)s AND `status` = 'Closed'
			UNION ALL SELECT `cp_cost`, `cp_duration` FROM `tabEvent`
			WHERE `cp_campaign` = %(campaign)s AND `status` IN ('Completed', 'Closed')
		) done""",
		values,
	)
	# COUNT(DISTINCT …) over UNION ALL: one in-memory set instead of UNION's temporary table (five
	# times faster over a campaign of 100,000 emails).
	(contacted,) = _one(
		"""SELECT COUNT(DISTINCT `party_type`, `party`) FROM (
			SELECT `party_type`, `party` FROM `tabCampaign Interaction`
			WHERE `campaign` = %(campaign)s AND `canceled` = 0 AND `interaction_type` != 'Response'
			UNION ALL SELECT `party_type`, `party` FROM `tabCampaign Send Log`
			WHERE `campaign` = %(campaign)s AND `status` IN ('Queued', 'Sent', 'Complained')
			UNION ALL SELECT `reference_type`, `reference_name` FROM `tabToDo`
			WHERE `cp_campaign` = %(campaign)s AND `status` = 'Closed'
				AND `reference_type` IN ('Lead', 'Contact', 'Customer', 'Opportunity')
			UNION ALL SELECT p.`reference_doctype`, p.`reference_docname` FROM `tabEvent` e
			JOIN `tabEvent Participants` p ON p.`parent` = e.`name` AND p.`parenttype` = 'Event'
			WHERE e.`cp_campaign` = %(campaign)s AND e.`status` IN ('Completed', 'Closed')
		) contacted""",
		values,
	)
	counts, responses = _linked(campaign, values)
	responded_rows = " UNION ALL ".join(responses)
	(responded,) = _one(f"SELECT COUNT(DISTINCT party_type, party) FROM ({responded_rows}) responded", values)

	def count(doctype):
		return int(counts.get(doctype, (0, 0))[0] or 0)

	return Figures(
		contacted=int(contacted or 0),
		responded=int(responded or 0),
		cost=flt(cost) + flt(loose_cost) + flt(task_cost),
		duration=flt(duration) + flt(loose_duration) + flt(task_duration),
		leads=count("Lead"),
		opportunities=count("Opportunity"),
		opportunity_value=flt(counts.get("Opportunity", (0, 0))[1]),
		quotations=count("Quotation"),
		sales_orders=count("Sales Order"),
		sales_invoices=count("Sales Invoice"),
		revenue=flt(counts.get("Sales Invoice", (0, 0))[1]),
		budget=flt(frappe.db.get_value("Campaign", campaign, "cp_budget")),
	)


def card_values(campaign: str) -> dict:
	"""The card's figures computed now (nothing written)."""
	stats = compute(figures(campaign))
	# None (no denominator) is stored as 0: the columns are not nullable.
	values = {field: getter(stats) or 0 for field, getter in STAT_FIELDS.items()}
	values.update(engagement.card_values(campaign))
	return values


def refresh(campaign: str) -> dict:
	"""Compute the card's figures and store them on the campaign (writers and the nightly job)."""
	values = card_values(campaign)
	frappe.db.set_value(
		"Campaign", campaign, {**values, "cp_statistics_updated_on": now_datetime()}, update_modified=False
	)
	return values


def charts(campaign: str, days: int) -> dict:
	rows = frappe.db.sql(
		"""SELECT DATE(COALESCE(`sent_on`, `queued_on`, `creation`)) AS day, `status`, COUNT(*) AS n
		FROM `tabCampaign Send Log`
		WHERE `campaign` = %(campaign)s AND `creation` >= DATE_SUB(CURDATE(), INTERVAL %(days)s DAY)
		GROUP BY day, `status` ORDER BY day""",
		{"campaign": campaign, "days": days},
		as_dict=True,
	)
	dates = sorted({str(row.day) for row in rows})
	statuses = sorted({row.status for row in rows})
	counts = {(str(row.day), row.status): row.n for row in rows}
	per_step = engagement.steps(campaign)
	return {
		"engagement": engagement.chart(per_step),
		"steps": [
			{
				"label": step["label"],
				"step_idx": step["step_idx"],
				"delivered": step["engagement"].delivered,
				"open_rate": step["engagement"].open_rate,
				"click_rate": step["engagement"].click_rate,
				"bounce_rate": step["engagement"].bounce_rate,
				"complaints": step["figures"].complaints,
				"complaint_rate": step["engagement"].complaint_rate,
				"unsubscribes": step["figures"].unsubscribes,
				"replies": step["figures"].replies,
				"links": sorted(step["links"].items(), key=lambda item: -item[1])[:10],
			}
			for step in per_step
		],
		"funnel": {
			"labels": ["Leads", "Opportunities", "Quotations", "Sales Orders"],
			"values": pipeline(campaign),
		},
		"emails": {
			"labels": dates,
			"datasets": [
				{"name": status, "values": [counts.get((day, status), 0) for day in dates]}
				for status in statuses
			],
		},
	}


def refresh_all() -> None:
	"""Nightly: every campaign's statistics, one transaction each."""
	for campaign in frappe.get_all("Campaign", pluck="name"):
		try:
			refresh(campaign)
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Campaign Plus: statistics of {campaign}")
