# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods behind the A/B test form: its results, and choosing the winner by hand."""

import frappe
from frappe import _

from campaign_plus.engine.experiments import SIGNIFICANCE, decide, p_value
from campaign_plus.experiments import decisions
from campaign_plus.experiments.figures import variant_results
from campaign_plus.experiments.split import CHOSEN, TEST, step_tests


@frappe.whitelist()
def get_results(test: str) -> dict:
	"""Each variant's figures and rate for the criterion, its p-value against the best variant,
	and what the decision is (or would be now)."""
	doc = frappe.get_doc(TEST, test)
	doc.check_permission("read")
	step = step_tests(doc.campaign).get(doc.schedule_row)
	templates = step.templates if step else tuple(v.email_template for v in doc.variants)
	results = variant_results(doc.campaign, doc.schedule_row, templates, doc.criterion, doc.revenue_from)
	figures = [result.figures(doc.criterion) for result in results]
	current = decide(figures, doc.criterion)
	best = figures[current.winner] if current.winner is not None else None
	variants = []
	for result, figure in zip(results, figures, strict=True):
		versus = p_value(figure, best, doc.criterion) if best and figure.index != best.index else None
		variants.append(
			{
				"variant": result.variant,
				"email_template": result.template,
				"delivered": result.delivered,
				"tracked": result.tracked,
				"opens": result.opens,
				"clicks": result.clicks,
				"replies": result.replies,
				"revenue": result.revenue,
				"rate": figure.rate(doc.criterion),
				"p_value": versus,
				"significant": versus is not None and versus < SIGNIFICANCE,
			}
		)
	return {
		"criterion": doc.criterion,
		"status": doc.status,
		"winner": doc.winner,
		"leader": variants[current.winner]["variant"] if current.winner is not None else None,
		"assessment": decisions.describe(current) if current.winner is not None else None,
		"variants": variants,
		"can_choose": doc.status != CHOSEN and doc.has_permission("write"),
	}


@frappe.whitelist(methods=["POST"])
def choose_winner(test: str, variant: str) -> dict:
	"""Choose the winning variant by hand: the recipients who waited get it."""
	doc = frappe.get_doc(TEST, test)
	doc.check_permission("write")
	frappe.get_doc("Campaign", doc.campaign).check_permission("write")
	if doc.status == CHOSEN:
		frappe.throw(
			_("Variant {0} already won this test.").format(frappe.bold(doc.winner)), title=_("A/B Test")
		)
	result = decisions.choose_winner(test, variant)
	if not result:
		frappe.throw(_("This test cannot be decided now."), title=_("A/B Test"))
	return result
