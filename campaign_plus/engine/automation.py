# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Steps that react to what each recipient did, and rules that act on events.

A **condition** on a step — "only if" / "unless" the recipient opened, clicked or replied to an
earlier step k (optionally within N days of that step's send) — is evaluated when the step falls
due, from that recipient's ledger row for step k: a row that fails it is skipped with the reason
"Condition Not Met". An event that happened after the moment of evaluation does not count.

A **rule** on the campaign says what to do when a recipient clicks, replies or places an order:
assign an activity, create an opportunity (leads), add to a segment, or stop the rest of the
sequence. The database makes each (rule, recipient) happen once; this module says what is valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from campaign_plus.engine.errors import RuleError, _

ONLY_IF = "Only If"
UNLESS = "Unless"
MODES = (ONLY_IF, UNLESS)

OPENED = "Opened"
CLICKED = "Clicked"
REPLIED = "Replied"
STEP_EVENTS = (OPENED, CLICKED, REPLIED)

# Rules: the event that triggers them, and what they do.
CLICK = "Click"
REPLY = "Reply"
ORDER = "Order"
SCORE_REACHED = "Score Reached"  # the lead score crossed the rule's threshold upward
RULE_EVENTS = (CLICK, REPLY, ORDER, SCORE_REACHED)
ASSIGN_ACTIVITY = "Assign Activity"
CREATE_OPPORTUNITY = "Create Opportunity"
ADD_TO_SEGMENT = "Add to Segment"
STOP_SEQUENCE = "Stop Sequence"
NOTIFY_SALES_PERSON = "Notify Sales Person"
ACTIONS = (ASSIGN_ACTIVITY, CREATE_OPPORTUNITY, ADD_TO_SEGMENT, STOP_SEQUENCE, NOTIFY_SALES_PERSON)
LABELS = (
	_("Only If"),
	_("Unless"),
	_("Opened"),
	_("Clicked"),
	_("Replied"),
	_("Click"),
	_("Reply"),
	_("Order"),
	_("Assign Activity"),
	_("Create Opportunity"),
	_("Add to Segment"),
	_("Stop Sequence"),
	_("Score Reached"),
	_("Notify Sales Person"),
)


@dataclass(frozen=True)
class Condition:
	mode: str
	event: str
	step_idx: int
	within_days: int | None = None

	def describe(self) -> tuple[str, tuple]:
		"""A sentence (with placeholders, for the edge to translate) and its arguments."""
		if self.within_days:
			return SENTENCES_WITHIN[(self.mode, self.event)], (self.step_idx, self.within_days)
		return SENTENCES[(self.mode, self.event)], (self.step_idx,)


SENTENCES = {
	(ONLY_IF, OPENED): _("Only if the recipient opened step {0}"),
	(ONLY_IF, CLICKED): _("Only if the recipient clicked in step {0}"),
	(ONLY_IF, REPLIED): _("Only if the recipient replied to step {0}"),
	(UNLESS, OPENED): _("Unless the recipient opened step {0}"),
	(UNLESS, CLICKED): _("Unless the recipient clicked in step {0}"),
	(UNLESS, REPLIED): _("Unless the recipient replied to step {0}"),
}
SENTENCES_WITHIN = {
	(ONLY_IF, OPENED): _("Only if the recipient opened step {0} within {1} days"),
	(ONLY_IF, CLICKED): _("Only if the recipient clicked in step {0} within {1} days"),
	(ONLY_IF, REPLIED): _("Only if the recipient replied to step {0} within {1} days"),
	(UNLESS, OPENED): _("Unless the recipient opened step {0} within {1} days"),
	(UNLESS, CLICKED): _("Unless the recipient clicked in step {0} within {1} days"),
	(UNLESS, REPLIED): _("Unless the recipient replied to step {0} within {1} days"),
}


@dataclass(frozen=True)
class Engagement:
	"""What a recipient did with one earlier step's email (from its ledger row)."""

	sent_on: dt.datetime | None = None
	first_opened_on: dt.datetime | None = None
	first_clicked_on: dt.datetime | None = None
	replied_on: dt.datetime | None = None

	def moment(self, event: str) -> dt.datetime | None:
		return {OPENED: self.first_opened_on, CLICKED: self.first_clicked_on, REPLIED: self.replied_on}[event]


def happened(engagement: Engagement | None, event: str, within_days: int | None, until: dt.datetime) -> bool:
	"""Did the recipient do ``event`` with the step's email by ``until`` (and within the days)?

	A click implies the email was opened, even when the open pixel was blocked.
	"""
	if engagement is None:
		return False
	moments = [engagement.moment(event)]
	if event == OPENED:
		moments.append(engagement.first_clicked_on)
	moments = [m for m in moments if m is not None and m <= until]
	if not moments:
		return False
	if within_days and engagement.sent_on:
		return min(moments) <= engagement.sent_on + dt.timedelta(days=within_days)
	return True


def holds(condition: Condition, engagement: Engagement | None, until: dt.datetime) -> bool:
	did = happened(engagement, condition.event, condition.within_days, until)
	return did if condition.mode == ONLY_IF else not did


def check_condition(step_idx: int, condition: Condition, step_indexes: Sequence[int]) -> None:
	"""Validate the condition of step ``step_idx`` as typed by a user."""
	title = _("Step Condition")
	if condition.mode not in MODES or condition.event not in STEP_EVENTS:
		raise RuleError(_("Step {0}: choose the condition and the event."), step_idx, title=title)
	if not condition.step_idx or condition.step_idx not in step_indexes:
		raise RuleError(
			_("Step {0}: the condition refers to step {1}, which does not exist."),
			step_idx,
			condition.step_idx or "?",
			title=title,
		)
	if condition.step_idx >= step_idx:
		raise RuleError(
			_("Step {0}: a condition can only look at an earlier step, not step {1}."),
			step_idx,
			condition.step_idx,
			title=title,
		)
	if condition.within_days is not None and condition.within_days < 0:
		raise RuleError(_("Step {0}: the number of days cannot be negative."), step_idx, title=title)


@dataclass(frozen=True)
class Rule:
	key: str
	event: str
	action: str
	activity: str | None = None
	sales_person: str | None = None
	segment: str | None = None
	score_threshold: float | None = None  # Score Reached: the score to reach

	def once_per_crossing(self, moment: str) -> Rule:
		"""The rule as claimed for one upward crossing of its threshold (each crossing acts once)."""
		return replace(self, key=f"{self.key}@{moment}")


def check_rule(idx: int, rule: Rule, campaign_sales_person: str | None = None) -> None:
	"""Validate an event rule as typed by a user."""
	title = _("Campaign Rule")
	if rule.event not in RULE_EVENTS or rule.action not in ACTIONS:
		raise RuleError(_("Rule {0}: choose the event and the action."), idx, title=title)
	if rule.action == ASSIGN_ACTIVITY and not (rule.activity and rule.sales_person):
		raise RuleError(_("Rule {0}: choose the activity and the sales person."), idx, title=title)
	if rule.action == ADD_TO_SEGMENT and not rule.segment:
		raise RuleError(_("Rule {0}: choose the segment."), idx, title=title)
	if rule.action == NOTIFY_SALES_PERSON and not (rule.sales_person or campaign_sales_person):
		raise RuleError(
			_("Rule {0}: choose the sales person to notify (or set the campaign's sales person)."),
			idx,
			title=title,
		)
	if rule.event == SCORE_REACHED and not (rule.score_threshold and rule.score_threshold > 0):
		raise RuleError(_("Rule {0}: the score to reach must be more than 0."), idx, title=title)


def crossed_rules(rules: Sequence[Rule], previous: float | None, score: float | None) -> list[Rule]:
	"""The Score Reached rules whose threshold a score crossed upward (from ``previous``, None as 0)."""
	before, after = previous or 0.0, score or 0.0
	return [
		rule
		for rule in rules_for(rules, SCORE_REACHED)
		if rule.score_threshold is not None and before < rule.score_threshold <= after
	]


def rules_for(rules: Sequence[Rule], event: str) -> list[Rule]:
	"""The rules an event triggers, stop-the-sequence first (it must hold before anything else is sent)."""
	return sorted((r for r in rules if r.event == event), key=lambda r: (r.action != STOP_SEQUENCE, r.key))
