# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Steps that send only if (or unless) the recipient opened, clicked or replied to an earlier step,
and recipients whose sequence a rule stopped.

:func:`plan_rule` is registered in the ``campaign_plus_plan_rules`` hook: when a conditional
step falls due, each recipient's ledger row for the earlier step (one query for all of them)
decides — the engine's :func:`~campaign_plus.engine.automation.holds` — and rows that fail are
Skipped (Condition Not Met). Rows of a recipient whose sequence was stopped are Skipped
(Sequence Stopped). Preview Schedule cannot know future behaviour: it shows each condition as a
note and counts the step's rows as if they were sent.
"""

import dataclasses

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import now_datetime

from campaign_plus.engine.automation import STOP_SEQUENCE, Condition, Engagement, check_condition, holds
from campaign_plus.engine.schedule import CONDITION_NOT_MET, PLANNED, SEQUENCE_STOPPED, SKIPPED
from campaign_plus.errors import translated_rule_errors

LEDGER = "Campaign Send Log"
INTERACTION = "Campaign Interaction"


def step_conditions(campaign: str) -> dict[str, tuple[Condition, str | None]]:
	"""The campaign's conditional steps: schedule row → (condition, the earlier step's row)."""
	rows = frappe.get_all(
		"Campaign Email Schedule",
		filters={"parent": campaign, "parenttype": "Campaign"},
		fields=[
			"name",
			"idx",
			"cp_condition",
			"cp_condition_event",
			"cp_condition_step",
			"cp_condition_days",
		],
	)
	by_idx = {row.idx: row.name for row in rows}
	return {
		row.name: (
			Condition(
				row.cp_condition, row.cp_condition_event, row.cp_condition_step, row.cp_condition_days or None
			),
			by_idx.get(row.cp_condition_step),
		)
		for row in rows
		if row.cp_condition
	}


def stopped_parties(campaign: str) -> set[tuple[str, str]]:
	"""The recipients of ``campaign`` whose sequence a rule stopped (not canceled)."""
	interaction = DocType(INTERACTION)
	return set(
		frappe.qb.from_(interaction)
		.select(interaction.party_type, interaction.party)
		.where(interaction.campaign == campaign)
		.where(interaction.rule_action == STOP_SEQUENCE)
		.where(interaction.canceled == 0)
		.run()
	)


def engagement(campaign: str, schedule_rows: set[str]) -> dict[tuple[str, str, str], Engagement]:
	"""What each recipient did with the emails of ``schedule_rows`` (one query)."""
	if not schedule_rows:
		return {}
	log = DocType(LEDGER)
	rows = (
		frappe.qb.from_(log)
		.select(
			log.schedule_row,
			log.party_type,
			log.party,
			log.queued_on,
			log.sent_on,
			log.first_opened_on,
			log.first_clicked_on,
			log.replied_on,
		)
		.where(log.campaign == campaign)
		.where(log.schedule_row.isin(list(schedule_rows)))
		.where(log.queued_on.isnotnull())
		.run(as_dict=True)
	)
	return {
		(row.schedule_row, row.party_type, row.party): Engagement(
			row.sent_on or row.queued_on, row.first_opened_on, row.first_clicked_on, row.replied_on
		)
		for row in rows
	}


def plan_rule(campaign: str, rows: list, preview: bool = False) -> list:
	"""Hook ``campaign_plus_plan_rules``: skip the rows whose condition fails or whose sequence stopped."""
	if preview:
		return rows
	conditions = step_conditions(campaign)
	stopped = stopped_parties(campaign)
	if not conditions and not stopped:
		return rows
	facts = engagement(campaign, {earlier for _c, earlier in conditions.values() if earlier})
	until = now_datetime()  # the ledger's clock: the site's
	result = []
	for row in rows:
		party = (row.recipient.party_type, row.recipient.party)
		reason = None
		if row.status == PLANNED and party in stopped:
			reason = SEQUENCE_STOPPED
		elif row.status == PLANNED and row.step.key in conditions:
			condition, earlier = conditions[row.step.key]
			if not holds(condition, facts.get((earlier, *party)), until):
				reason = CONDITION_NOT_MET
		result.append(
			dataclasses.replace(row, status=SKIPPED, reason=reason, send_at=None) if reason else row
		)
	return result


def validate_conditions(doc, method=None) -> None:
	"""Campaign ``validate``: each step's condition looks at an existing earlier step."""
	steps = [row.idx for row in doc.get("campaign_schedules") or []]
	with translated_rule_errors():
		for row in doc.get("campaign_schedules") or []:
			if row.get("cp_condition"):
				condition = Condition(
					row.cp_condition,
					row.cp_condition_event,
					row.cp_condition_step or 0,
					row.cp_condition_days if row.cp_condition_days is not None else None,
				)
				check_condition(row.idx, condition, steps)
			elif row.get("cp_condition_event") or row.get("cp_condition_step"):
				row.cp_condition_event = row.cp_condition_step = row.cp_condition_days = None


def step_notes(campaign: str) -> dict[str, list[str]]:
	"""Hook ``campaign_plus_step_notes``: a conditional step's condition, as a sentence."""
	notes = {}
	for step_key, (condition, _earlier) in step_conditions(campaign).items():
		message, args = condition.describe()
		sentence = _(message).format(*args)
		notes[step_key] = [_("{0}: judged for each recipient when the step falls due.").format(sentence)]
	return notes
