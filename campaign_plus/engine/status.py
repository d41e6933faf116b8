# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign status codes: the graph of "next" statuses and the moves a campaign may make.

Rules:

* A status may name a *next status*; it may not name itself, nor a status that does not exist,
  and following "next" from any status must never come back to it (no loop).
* A campaign without a status gets the *default status*: the open (not closed) status with
  the lowest sequence.
* "Next Step" moves a campaign to its status's next status; without one, to the first status
  that follows in sequence. A closed status has no implicit next step.
* A campaign may move forward in the order (sequence, then code) (skipping steps is allowed), to any closed status
  (closing or cancelling is always possible), or to its status's explicit next status (the
  only way back, e.g. "On Hold" → "Active"). A closed status may only move to its explicit
  next status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from campaign_plus.engine.errors import RuleError, _


@dataclass(frozen=True)
class StatusRule:
	code: str
	sequence: int = 0
	next_status: str | None = None
	is_closed: bool = False


Statuses = Mapping[str, StatusRule]


def index(statuses: Iterable[StatusRule]) -> dict[str, StatusRule]:
	return {s.code: s for s in statuses}


def _position(status: StatusRule) -> tuple[int, str]:
	"""Statuses are ordered by sequence, then code (so equal sequences still have an order)."""
	return (status.sequence, status.code)


def ordered(statuses: Statuses) -> list[StatusRule]:
	return sorted(statuses.values(), key=_position)


def find_loop(start: str, statuses: Statuses) -> list[str] | None:
	"""The chain of next statuses from ``start`` when it comes back to a status already seen."""
	chain: list[str] = []
	current: str | None = start
	while current is not None and current in statuses:
		if current in chain:
			return [*chain[chain.index(current) :], current]
		chain.append(current)
		current = statuses[current].next_status
	return None


def check_status(status: StatusRule, statuses: Statuses) -> None:
	"""Validate one status against all others (``statuses`` may or may not contain it)."""
	if not status.code or not status.code.strip():
		raise RuleError(_("A campaign status needs a code."), title=_("Missing Status Code"))
	if status.next_status == status.code:
		raise RuleError(
			_("Status {0} cannot be its own next status."),
			status.code,
			title=_("Invalid Next Status"),
		)
	if status.next_status and status.next_status not in statuses:
		raise RuleError(
			_("The next status {0} of {1} does not exist."),
			status.next_status,
			status.code,
			title=_("Invalid Next Status"),
		)
	merged = {**statuses, status.code: status}
	loop = find_loop(status.code, merged)
	if loop:
		raise RuleError(
			_("Next statuses may not form a loop: {0}."),
			" → ".join(loop),
			title=_("Status Loop"),
		)


def default_status(statuses: Statuses) -> str | None:
	"""The open status with the lowest sequence, the one a new campaign starts in."""
	for status in ordered(statuses):
		if not status.is_closed:
			return status.code
	return None


def next_status(current: str | None, statuses: Statuses) -> str | None:
	"""The status "Next Step" moves a campaign to, or None when there is none."""
	if not current or current not in statuses:
		return default_status(statuses)
	status = statuses[current]
	if status.next_status:
		return status.next_status
	if status.is_closed:
		return None
	for candidate in ordered(statuses):
		if _position(candidate) > _position(status):
			return candidate.code
	return None


def allowed_moves(current: str | None, statuses: Statuses) -> list[str]:
	"""Every status a campaign currently in ``current`` may be set to (itself included)."""
	if not current or current not in statuses:
		return [s.code for s in ordered(statuses)]
	status = statuses[current]
	allowed = {current}
	if status.next_status:
		allowed.add(status.next_status)
	if not status.is_closed:
		for candidate in statuses.values():
			if candidate.is_closed or _position(candidate) > _position(status):
				allowed.add(candidate.code)
	return [s.code for s in ordered(statuses) if s.code in allowed]


def check_move(current: str | None, new: str | None, statuses: Statuses) -> None:
	"""Raise when a campaign may not go from status ``current`` to ``new``."""
	if not new:
		return
	if new not in statuses:
		raise RuleError(_("Campaign status {0} does not exist."), new, title=_("Unknown Status"))
	allowed = allowed_moves(current, statuses)
	if new in allowed:
		return
	others = [code for code in allowed if code != current]
	if statuses[current].is_closed and not others:
		raise RuleError(
			_("Status {0} is closed: the campaign cannot move to {1}."),
			current,
			new,
			title=_("Status Sequence"),
		)
	raise RuleError(
		_("A campaign in status {0} cannot move back to {1}. Allowed: {2}."),
		current,
		new,
		", ".join(others) or "—",
		title=_("Status Sequence"),
	)
