# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tell the capabilities that listen (``campaign_plus_on_score_change`` hook) that lead scores
moved across a threshold."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import frappe

HOOK = "campaign_plus_on_score_change"


@dataclass(frozen=True)
class ScoreChange:
	"""A Lead's / Contact's score went from ``previous`` (None: never scored) to ``score`` when
	computed at ``on``, moving across at least one threshold of the event rules."""

	party_type: str
	party: str
	previous: float | None
	score: float
	on: dt.datetime


def notify_score_changes(changes: list[ScoreChange]) -> None:
	"""Each listener takes the list. A listener that fails is logged, the scores stay."""
	if not changes:
		return
	for path in frappe.get_hooks(HOOK):
		try:
			frappe.get_attr(path)(list(changes))
		except Exception:
			frappe.log_error(title=f"Campaign Plus: {path} on score changes")


REFRESH_HOOK = "campaign_plus_refresh_scores"


def defer(parties) -> bool:
	"""Inside :func:`deferred_refresh`, remember ``parties`` for the end of the block (True);
	outside it, False: the caller scores them now."""
	pending = frappe.flags.get("cp_score_deferred")
	if pending is None:
		return False
	pending.update(parties)
	return True


@contextmanager
def deferred_refresh() -> Iterator[None]:
	"""Score the Leads / Contacts the block touches once, at its end (a form submission: the Lead
	saved, its consent recorded, its segment joined — then scored, so a threshold it crosses acts
	for the campaign it just joined). Listeners of ``campaign_plus_refresh_scores`` take the list."""
	outer = frappe.flags.get("cp_score_deferred")
	pending = outer if outer is not None else set()
	frappe.flags.cp_score_deferred = pending
	try:
		yield
	finally:
		frappe.flags.cp_score_deferred = outer
	if outer is None and pending:
		for path in frappe.get_hooks(REFRESH_HOOK):
			try:
				frappe.get_attr(path)(sorted(pending))
			except Exception:  # the work of the block stands; the nightly job scores them
				frappe.log_error(title=f"Campaign Plus: {path}")
