# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Choosing an A/B test's winner — by the planner after the wait, or by hand — and letting the
recipients who waited for it go.

The wait counts from the first test email queued. The decision is recorded on the test (winner,
template, why, p-value, who and when) under a row lock, once; the rows held *Awaiting Winner*
get the winning template and are released: the planner's next run (the same run, when it
decides) sends them through the send windows and the frequency cap like any due row.
"""

import datetime as dt

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Min
from frappe.utils import create_batch, get_fullname, now_datetime

from campaign_plus.engine.experiments import CRITERIA, LETTERS, by_hand, decide, letter
from campaign_plus.engine.schedule import AWAITING_WINNER, DEFERRED
from campaign_plus.engine.windows import local
from campaign_plus.experiments.figures import variant_results
from campaign_plus.experiments.split import CHOSEN, TEST, TESTING, step_tests
from campaign_plus.sending import ledger
from campaign_plus.windows.zones import site_zone

LEDGER = "Campaign Send Log"


def decide_due_tests(campaigns: list[str], now: dt.datetime) -> list[str]:
	"""Hook ``campaign_plus_before_planning``: the running tests of ``campaigns`` whose wait is over
	choose their winner. Returns the tests decided."""
	test = DocType(TEST)
	running = (
		frappe.qb.from_(test)
		.select(test.name, test.campaign, test.schedule_row, test.wait_days)
		.where(test.status == TESTING)
		.where(test.campaign.isin(list(campaigns) or [""]))
		.run(as_dict=True)
	)
	if not running:
		return []
	log = DocType(LEDGER)
	started = dict(
		frappe.qb.from_(log)
		.select(log.schedule_row, Min(log.queued_on))
		.where(log.schedule_row.isin([t.schedule_row for t in running]))
		.where(log.variant.isnotnull())
		.where(log.queued_on.isnotnull())
		.groupby(log.schedule_row)
		.run()
	)
	site_now = local(now, site_zone()).replace(tzinfo=None)  # the ledger's clock: the site's
	decided = []
	for row in running:
		first = started.get(row.schedule_row)
		if first and first + dt.timedelta(days=float(row.wait_days or 0)) <= site_now:
			if choose_winner(row.name, now=now):
				decided.append(row.name)
	return decided


def choose_winner(test_name: str, variant: str | None = None, *, now=None) -> dict | None:
	"""Decide ``test_name``: by its criterion, or ``variant`` chosen by the session user. Once.

	Returns the decision (winner, template, reason, p-value, released rows), None when there is
	nothing to decide yet (no recipient has received a variant) or it was decided already.
	"""
	locked = frappe.db.sql(
		f"SELECT `name`, `status` FROM `tab{TEST}` WHERE `name` = %(name)s FOR UPDATE", {"name": test_name}
	)
	if not locked or locked[0][1] == CHOSEN:
		return None
	doc = frappe.db.get_value(
		TEST, test_name, ["campaign", "schedule_row", "criterion", "revenue_from"], as_dict=True
	)
	test = step_tests(doc.campaign)[doc.schedule_row]
	results = variant_results(doc.campaign, doc.schedule_row, test.templates, doc.criterion, doc.revenue_from)
	figures = [result.figures(doc.criterion) for result in results]
	if variant:
		if variant not in LETTERS[: len(figures)]:
			frappe.throw(_("Choose one of the test's variants."), title=_("A/B Test"))
		decision = by_hand(figures, doc.criterion, LETTERS.index(variant), get_fullname())
	else:
		decision = decide(figures, doc.criterion)
	if decision.winner is None:
		return None
	winner = letter(decision.winner)
	template = test.templates[decision.winner]
	reason = describe(decision)
	frappe.db.set_value(
		TEST,
		test_name,
		{
			"status": CHOSEN,
			"winner": winner,
			"winner_template": template,
			"decided_on": now_datetime(),
			"decided_by": frappe.session.user if variant else None,
			"decision": reason,
			"p_value": decision.p_value or 0,  # a Float column: 0 when untested (the form hides it)
			"significant": int(decision.significant),
		},
	)
	released = release_waiting(doc.campaign, doc.schedule_row, template, now)
	return {
		"winner": winner,
		"template": template,
		"reason": reason,
		"p_value": decision.p_value,
		"released": released,
	}


def describe(decision) -> str:
	"""The decision's reason in the user's language (the criterion translated too)."""
	return _(decision.reason).format(*(_(a) if a in CRITERIA else a for a in decision.reason_args))


def release_waiting(campaign: str, schedule_row: str, template: str, now=None) -> int:
	"""The step's rows held for the winner get ``template`` and go (from ``now``)."""
	log = DocType(LEDGER)
	names = (
		frappe.qb.from_(log)
		.select(log.name)
		.where(log.campaign == campaign)
		.where(log.schedule_row == schedule_row)
		.where(log.status == DEFERRED)
		.where(log.reason == AWAITING_WINNER)
		.run(pluck=True)
	)
	for chunk in create_batch(names, ledger.CHUNK):
		(
			frappe.qb.update(log)
			.set(log.email_template, template)
			.where(log.name.isin(list(chunk)))
			.where(log.status == DEFERRED)
			.run()
		)
	ledger.release(names, at=now)
	return len(names)
