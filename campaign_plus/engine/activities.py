# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign activities: a template of steps turned into dated tasks.

Each step (Call, Meeting, Email, Task; a description; a priority; a date formula) gives one task
per target and per sales person, dated by the step's formula applied to the start date (an
empty formula is the start date itself). Meetings become calendar events, the others to-dos.
A step's cost and duration (minutes) are those of each task it gives: a done task adds them to
the campaign's statistics, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from campaign_plus.engine.date_formula import Term, evaluate, parse
from campaign_plus.engine.errors import RuleError, _

TYPES = ("Call", "Meeting", "Email", "Task")
TYPE_LABELS = (_("Call"), _("Meeting"), _("Email"), _("Task"))
PRIORITIES = ("High", "Medium", "Low")
MEETING = "Meeting"


@dataclass(frozen=True)
class ActivityStep:
	idx: int
	activity_type: str
	description: str
	priority: str = "Medium"
	formula: str | None = None
	cost: float = 0
	duration: int = 0  # minutes
	terms: tuple[Term, ...] = field(default=(), compare=False, repr=False)

	def __post_init__(self):
		if self.formula and not self.terms:
			object.__setattr__(self, "terms", parse(self.formula))

	def due(self, start: dt.date) -> dt.date:
		return evaluate(self.terms, start) if self.terms else start

	@property
	def is_event(self) -> bool:
		return self.activity_type == MEETING


def check_steps(steps: Iterable[ActivityStep]) -> None:
	"""A template needs at least one step, each with a known type, a description and a valid formula."""
	steps = list(steps)
	if not steps:
		raise RuleError(_("An activity needs at least one step."), title=_("No Steps"))
	for step in steps:
		if step.activity_type not in TYPES:
			raise RuleError(
				_("Step {0}: type {1} is not one of {2}."),
				step.idx,
				step.activity_type,
				", ".join(TYPES),
				title=_("Invalid Step"),
			)
		if not (step.description or "").strip():
			raise RuleError(_("Step {0} needs a description."), step.idx, title=_("Invalid Step"))
		if step.priority not in PRIORITIES:
			raise RuleError(
				_("Step {0}: priority {1} is not one of {2}."),
				step.idx,
				step.priority,
				", ".join(PRIORITIES),
				title=_("Invalid Step"),
			)
		if (step.cost or 0) < 0 or (step.duration or 0) < 0:
			raise RuleError(
				_("Step {0}: cost and duration cannot be negative."), step.idx, title=_("Invalid Step")
			)


@dataclass(frozen=True)
class Task:
	step: ActivityStep
	target: tuple[str, str]  # (doctype, name) the task is about
	user: str
	date: dt.date


def plan_tasks(
	steps: Iterable[ActivityStep], targets: Iterable[tuple[str, str]], users: Iterable[str], start: dt.date
) -> list[Task]:
	"""One task per step, target and user; each user's tasks for a target follow the step order."""
	steps = sorted(steps, key=lambda s: s.idx)
	dates = [(step, step.due(start)) for step in steps]
	users = list(dict.fromkeys(users))
	return [
		Task(step, target, user, date)
		for target in dict.fromkeys(targets)
		for user in users
		for step, date in dates
	]


def merge_assignees(current: Iterable[str], added: Iterable[str]) -> list[str]:
	"""A document's assignees (its ``_assign``) once ``added`` users got open to-dos on it: the
	current ones first, in their order, then the new ones sorted; each user once."""
	merged = list(dict.fromkeys(user for user in current if user))
	merged += sorted(set(added) - set(merged) - {""})
	return merged
