# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What each variant's test recipients did, from the ledger (and, for revenue, ERPNext's sales).

Recipients are the test rows delivered to the mail server (Queued, Sent, Bounced). Opens and
clicks count only recipients tracked individually — with consent required, the others are
counted per step, never per person, so they cannot be told apart by variant —; replies and
revenue count every recipient. Revenue: the submitted Sales Invoices (or Sales Orders) of the
recipient's customer that carry the campaign and are dated from the day the email was queued;
a document of a customer shared by several test recipients is shared equally among them.
"""

from collections import defaultdict
from dataclasses import dataclass

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Count, Min, Sum
from frappe.utils import create_batch, flt, getdate

from campaign_plus.engine.experiments import LETTERS, REVENUE, UNIQUE_CLICKS, UNIQUE_OPENS, VariantFigures
from campaign_plus.engine.schedule import LEFT
from campaign_plus.engine.tracking import INDIVIDUAL
from campaign_plus.links import campaign_link_value, get_campaign_link
from campaign_plus.segments.parties import customers_of

LEDGER = "Campaign Send Log"
DELIVERED = LEFT
DATE_FIELD = {"Sales Invoice": "posting_date", "Sales Order": "transaction_date"}


@dataclass(frozen=True)
class VariantResult:
	variant: str
	template: str
	delivered: int
	tracked: int
	opens: int
	clicks: int
	replies: int
	revenue: float
	revenue_values: tuple[float, ...]
	first_queued_on: object

	def figures(self, criterion: str) -> VariantFigures:
		"""The engine's figures for ``criterion`` (its recipients: tracked ones for opens and clicks)."""
		recipients = self.tracked if criterion in (UNIQUE_OPENS, UNIQUE_CLICKS) else self.delivered
		return VariantFigures(
			LETTERS.index(self.variant),
			recipients,
			opens=self.opens,
			clicks=self.clicks,
			replies=self.replies,
			revenue=self.revenue,
			revenue_values=self.revenue_values,
		)


def variant_results(
	campaign: str, schedule_row: str, templates: tuple[str, ...], criterion: str, revenue_from: str
) -> list[VariantResult]:
	"""One result per variant of the step's test (one grouped query; two or three more for revenue)."""
	log = DocType(LEDGER)
	individual = log.tracking == INDIVIDUAL
	opened = individual & (log.first_opened_on.isnotnull() | log.first_clicked_on.isnotnull())
	rows = (
		frappe.qb.from_(log)
		.select(
			log.variant,
			Count("*").as_("delivered"),
			Sum(Case().when(individual, 1).else_(0)).as_("tracked"),
			Sum(Case().when(opened, 1).else_(0)).as_("opens"),
			Sum(Case().when(individual & log.first_clicked_on.isnotnull(), 1).else_(0)).as_("clicks"),
			Sum(Case().when(log.replied_on.isnotnull(), 1).else_(0)).as_("replies"),
			Min(log.queued_on).as_("first_queued_on"),
		)
		.where(log.campaign == campaign)
		.where(log.schedule_row == schedule_row)
		.where(log.variant.isnotnull())
		.where(log.status.isin(DELIVERED))
		.groupby(log.variant)
		.run(as_dict=True)
	)
	by_variant = {row.variant: row for row in rows}
	revenue = variant_revenue(campaign, schedule_row, revenue_from) if criterion == REVENUE else {}
	results = []
	for index, template in enumerate(templates):
		variant = LETTERS[index]
		row = by_variant.get(variant) or frappe._dict()
		values = tuple(v for v in revenue.get(variant, ()) if v)
		results.append(
			VariantResult(
				variant,
				template,
				int(row.delivered or 0),
				int(row.tracked or 0),
				int(row.opens or 0),
				int(row.clicks or 0),
				int(row.replies or 0),
				round(sum(values), 2),
				values,
				row.first_queued_on,
			)
		)
	return results


def variant_revenue(campaign: str, schedule_row: str, revenue_from: str) -> dict[str, list[float]]:
	"""Per variant, each test recipient's revenue since their email (shared customers split evenly)."""
	log = DocType(LEDGER)
	rows = (
		frappe.qb.from_(log)
		.select(log.name, log.variant, log.party_type, log.party, log.queued_on)
		.where(log.campaign == campaign)
		.where(log.schedule_row == schedule_row)
		.where(log.variant.isnotnull())
		.where(log.status.isin(DELIVERED))
		.run(as_dict=True)
	)
	customer_of = customers_of({(row.party_type, row.party) for row in rows})
	by_customer: dict[str, list] = defaultdict(list)
	for row in rows:
		if customer := customer_of.get((row.party_type, row.party)):
			by_customer[customer].append(row)
	earned: dict[str, float] = defaultdict(float)
	for customer, day, amount in _documents(campaign, revenue_from, set(by_customer)):
		takers = [row for row in by_customer[customer] if row.queued_on and getdate(row.queued_on) <= day]
		for row in takers:
			earned[row.name] += flt(amount) / len(takers)
	result: dict[str, list[float]] = defaultdict(list)
	for row in rows:
		result[row.variant].append(round(earned.get(row.name, 0.0), 6))
	return result


def _documents(campaign: str, doctype: str, customers: set[str]) -> list[tuple[str, object, float]]:
	"""(customer, date, net amount in the company's currency) of the submitted documents of
	``doctype`` that carry the campaign."""
	link = get_campaign_link(doctype)
	if not link or not customers:
		return []
	table = DocType(doctype)
	date = table[DATE_FIELD[doctype]]
	documents = []
	for chunk in create_batch(sorted(customers), 5000):
		documents += (
			frappe.qb.from_(table)
			.select(table.customer, date, table.base_net_total)
			.where(table.docstatus == 1)
			.where(table[link.fieldname] == campaign_link_value(link, campaign))
			.where(table.customer.isin(list(chunk)))
			.run()
		)
	return [(customer, getdate(day), amount) for customer, day, amount in documents]
