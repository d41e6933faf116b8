# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Segment algebra: what Add, Reduce, Refine, target flags and Go Back do to a segment.

The database does the same set-based (INSERT … SELECT, DELETE … IN); this model states the
rules and is what the tests compare the database against. A member is identified by
(party type, party). Each action is a step recording its exact delta, so Go Back restores the
segment exactly as it was before the step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from campaign_plus.engine.errors import RuleError, _

Key = tuple[str, str]  # (party type, party)

ADD = "Add"
REDUCE = "Reduce"
REFINE = "Refine"
SET_TARGET = "Set Target"
ACTIONS = (ADD, REDUCE, REFINE, SET_TARGET)
ACTION_LABELS = (_("Add"), _("Reduce"), _("Refine"), _("Set Target"))


@dataclass(frozen=True)
class Delta:
	action: str
	added: frozenset[Key] = frozenset()
	removed: Mapping[Key, bool] = field(default_factory=dict)  # removed members and their target flag
	flags: Mapping[Key, bool] = field(default_factory=dict)  # previous target flag of changed members


@dataclass
class Segment:
	"""Members (key → campaign target flag) and the history of steps."""

	members: dict[Key, bool] = field(default_factory=dict)
	history: list[Delta] = field(default_factory=list)

	def add(self, matching: Iterable[Key], excluded: Iterable[Key] = (), target: bool = True) -> Delta:
		excluded = set(excluded)
		added = frozenset(k for k in matching if k not in self.members and k not in excluded)
		for key in added:
			self.members[key] = target
		return self._record(Delta(ADD, added=added))

	def reduce(self, matching: Iterable[Key]) -> Delta:
		matching = set(matching)
		removed = {k: v for k, v in self.members.items() if k in matching}
		return self._remove(REDUCE, removed)

	def refine(self, matching: Iterable[Key]) -> Delta:
		matching = set(matching)
		removed = {k: v for k, v in self.members.items() if k not in matching}
		return self._remove(REFINE, removed)

	def set_target(self, keys: Iterable[Key], target: bool) -> Delta:
		flags = {k: self.members[k] for k in keys if k in self.members and self.members[k] != target}
		for key in flags:
			self.members[key] = target
		return self._record(Delta(SET_TARGET, flags=flags))

	def go_back(self) -> Delta:
		if not self.history:
			raise RuleError(_("This segment has no step to go back to."), title=_("Nothing to Undo"))
		delta = self.history.pop()
		for key in delta.added:
			self.members.pop(key, None)
		self.members.update(delta.removed)
		for key, flag in delta.flags.items():
			if key in self.members:
				self.members[key] = flag
		return delta

	def _remove(self, action: str, removed: dict[Key, bool]) -> Delta:
		for key in removed:
			del self.members[key]
		return self._record(Delta(action, removed=removed))

	def _record(self, delta: Delta) -> Delta:
		self.history.append(delta)
		return delta
