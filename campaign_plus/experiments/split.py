# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""An A/B tested step's new rows: dealt a variant, held for the winner, or given the winner.

:func:`plan_rule` is registered in the ``campaign_plus_plan_rules`` hook: the planner hands it
the rows whose moment has come. While the test has no winner, the engine's split deals the
test share of them the variants (the row's template and its variant letter) and holds the rest
(*Deferred / Awaiting Winner*, until the winner is chosen — :mod:`.decisions`). Once there is a
winner, new rows simply get the winning template. What is dealt is recorded in the ledger, so a
later run never moves anyone.
"""

import dataclasses
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from campaign_plus.engine.experiments import letter, split
from campaign_plus.engine.schedule import AWAITING_WINNER, DEFERRED, PLANNED, SKIPPED, normalize_email

TEST = "Campaign AB Test"
VARIANT = "Campaign AB Variant"
WAITING, TESTING, CHOSEN = "Waiting", "Testing", "Winner Chosen"


@dataclass(frozen=True)
class StepTest:
	name: str
	schedule_row: str
	step_idx: int
	status: str
	share: float
	wait_days: float
	criterion: str
	templates: tuple[str, ...]  # by variant: A, B, …
	winner: str | None = None
	winner_template: str | None = None


def step_tests(campaign: str) -> dict[str, StepTest]:
	"""The campaign's A/B tests by schedule row (two queries)."""
	test = DocType(TEST)
	rows = (
		frappe.qb.from_(test)
		.select(
			test.name,
			test.schedule_row,
			test.step_idx,
			test.status,
			test.test_share,
			test.wait_days,
			test.criterion,
			test.winner,
			test.winner_template,
		)
		.where(test.campaign == campaign)
		.run(as_dict=True)
	)
	if not rows:
		return {}
	variant = DocType(VARIANT)
	templates: dict[str, list[str]] = {}
	for parent, template in (
		frappe.qb.from_(variant)
		.select(variant.parent, variant.email_template)
		.where(variant.parenttype == TEST)
		.where(variant.parent.isin([row.name for row in rows]))
		.orderby(variant.parent)
		.orderby(variant.idx)
		.run()
	):
		templates.setdefault(parent, []).append(template)
	return {
		row.schedule_row: StepTest(
			row.name,
			row.schedule_row,
			row.step_idx,
			row.status,
			float(row.test_share or 0),
			float(row.wait_days or 0),
			row.criterion,
			tuple(templates.get(row.name, ())),
			row.winner,
			row.winner_template,
		)
		for row in rows
	}


def plan_rule(campaign: str, rows: list, preview: bool = False) -> list:
	"""Hook ``campaign_plus_plan_rules``: deal, hold or give the winner to an A/B step's new rows."""
	tests = step_tests(campaign)
	if not tests:
		return rows
	decided: dict[int, object] = {}
	for step_key, test in tests.items():
		planned = [i for i, row in enumerate(rows) if row.status == PLANNED and row.step.key == step_key]
		if not planned or not test.templates:
			continue
		if test.winner_template:
			step = dataclasses.replace(rows[planned[0]].step, template=test.winner_template)
			for i in planned:
				decided[i] = dataclasses.replace(rows[i], step=step)
			continue
		seen, dealt_before = _dealt_so_far(campaign, step_key)
		dealt = split(
			campaign,
			step_key,
			[rows[i].recipient.email for i in planned],
			test.share,
			len(test.templates),
			seen_before=seen,
			dealt_before=dealt_before,
		)
		steps = [dataclasses.replace(rows[planned[0]].step, template=t) for t in test.templates]
		for i in planned:
			index = dealt.get(normalize_email(rows[i].recipient.email))
			if index is None:
				decided[i] = dataclasses.replace(
					rows[i], status=DEFERRED, reason=AWAITING_WINNER, send_at=None
				)
			else:
				decided[i] = dataclasses.replace(rows[i], step=steps[index], variant=letter(index))
		if not preview and test.status == WAITING and len(dealt) > 0:
			_start(test.name)
	return [decided.get(i, row) for i, row in enumerate(rows)]


def _dealt_so_far(campaign: str, step_key: str) -> tuple[int, int]:
	"""How many of the step's recipients earlier runs recorded (not skipped), and how many of
	them got a variant (one query on the ledger's unique key)."""
	log = DocType("Campaign Send Log")
	seen, dealt = (
		frappe.qb.from_(log)
		.select(Count("*"), Count(log.variant))
		.where(log.campaign == campaign)
		.where(log.schedule_row == step_key)
		.where(log.status != SKIPPED)
		.run()[0]
	)
	return int(seen or 0), int(dealt or 0)


def _start(test: str) -> None:
	"""The test's first recipients were dealt their variants (written with the planner's rows)."""
	table = DocType(TEST)
	(
		frappe.qb.update(table)
		.set(table.status, TESTING)
		.set(table.test_started_on, now_datetime())
		.where(table.name == test)
		.where(table.status == WAITING)
		.run()
	)


def step_notes(campaign: str) -> dict[str, list[str]]:
	"""Hook ``campaign_plus_step_notes``: each tested step's split and where its decision stands."""
	notes = {}
	for step_key, test in step_tests(campaign).items():
		variants = ", ".join(letter(i) for i in range(len(test.templates)))
		split_note = _(
			"A/B test {0}: {1} % of the recipients get variants {2}, the others the winner."
		).format(test.name, frappe.format(test.share, "Float"), variants)
		if test.winner:
			state = _("Winner: variant {0}.").format(test.winner)
		else:
			state = _("Winner by {0}, {1} days after the first test emails: pending.").format(
				_(test.criterion), frappe.format(test.wait_days, "Float")
			)
		notes[step_key] = [split_note, state]
	return notes
