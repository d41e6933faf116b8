# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tell the capabilities that listen that recipients engaged with campaign emails.

Two hooks:

* ``campaign_plus_on_engagement`` — each function takes (ledger row, kind) for one click or
  reply (``kind`` "click" / "reply"), as before;
* ``campaign_plus_on_engagements`` — each function takes a list of :class:`Engagement` (opens,
  clicks, replies) at once. Callers that record many hits together (a bulk flush) pass them in
  one call; the events are written before listeners are called.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import frappe
from frappe.utils import now_datetime

HOOK = "campaign_plus_on_engagement"
BATCH_HOOK = "campaign_plus_on_engagements"
OPEN, CLICK, REPLY = "open", "click", "reply"
PER_EVENT_KINDS = (CLICK, REPLY)  # what listeners of the one-event hook have always received


@dataclass(frozen=True)
class Engagement:
	row: str  # the Campaign Send Log row whose recipient engaged
	kind: str  # "open" | "click" | "reply"
	on: dt.datetime | None = None


def _call(path: str, kind: str, *args) -> None:
	try:
		frappe.get_attr(path)(*args)
	except Exception:
		frappe.log_error(title=f"Campaign Plus: {path} on {kind}")


def notify_engagements(events: Iterable[Engagement]) -> None:
	"""Recipients engaged (already recorded). Listeners that fail are logged: the reader's hit or
	the incoming email it came from is never refused for them."""
	events = list(events)
	if not events:
		return
	for path in frappe.get_hooks(BATCH_HOOK):
		_call(path, "engagements", events)
	for event in events:
		if event.kind in PER_EVENT_KINDS:
			for path in frappe.get_hooks(HOOK):
				_call(path, event.kind, event.row, event.kind)


def notify_engagement(row: str, kind: str) -> None:
	"""A ledger row's recipient opened (``kind`` "open"), clicked ("click") or replied ("reply")."""
	notify_engagements([Engagement(row, kind, now_datetime())])
