# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tell the capabilities that listen that recipients engaged with campaign emails: each counting
open and click (no bot, tracked individually) and each matched reply, exactly once.

Two hooks, each listener in one of them:

- ``campaign_plus_on_engagement``: each function takes (ledger row, kind) — kind "click" or
  "reply" (opens are not told here, as before) — and is called once per engagement;
- ``campaign_plus_on_engagements``: each function takes a list of :class:`Engagement` (row, kind
  "open" | "click" | "reply", on), in the order they happened — many at once, for listeners that
  act set-based (the event rules, lead scores).

Opens and clicks reach the listeners from the flush of buffered hits
(:mod:`campaign_plus.tracking.buffer`): up to a minute after the hit, in a background job running
as Administrator, inside the flush's transaction (what a listener writes commits with the flush,
or not at all); a hit written at once (Redis away) tells them at once; replies come from the
incoming email's transaction. The events are recorded before the listeners are called. A
listener that fails is logged (a bulk listener's writes are undone to its savepoint): the other
listeners, the flush, the reader's hit and the incoming email go on — but a deadlock or lock
timeout fails the whole transaction (the flush is then written again whole).
"""

import datetime as dt
from typing import NamedTuple

import frappe
from frappe.utils import now_datetime

HOOK = "campaign_plus_on_engagement"
BULK_HOOK = "campaign_plus_on_engagements"
OPEN, CLICK, REPLY = "open", "click", "reply"
PER_EVENT_KINDS = (CLICK, REPLY)  # what listeners of the one-event hook have always received


class Engagement(NamedTuple):
	row: str  # the Campaign Send Log row whose recipient engaged
	kind: str  # "open" | "click" | "reply"
	on: dt.datetime | None = None  # when it happened (the site's time)


def notify_engagement(row: str, kind: str) -> None:
	"""A ledger row's recipient opened (``kind`` "open"), clicked ("click") or replied ("reply"), now."""
	notify_engagements([Engagement(row, kind, now_datetime())])


def notify_engagements(engagements: list[Engagement]) -> None:
	"""Recipients engaged (already recorded), in the order they did."""
	engagements = list(engagements)
	if not engagements:
		return
	kinds = "/".join(sorted({engagement.kind for engagement in engagements}))
	for path in frappe.get_hooks(BULK_HOOK):
		savepoint = "campaign_plus_engagement"
		frappe.db.savepoint(savepoint)
		try:
			frappe.get_attr(path)(list(engagements))
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			raise
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(title=f"Campaign Plus: {path} on {kinds}")
	one_by_one = [engagement for engagement in engagements if engagement.kind in PER_EVENT_KINDS]
	for path in frappe.get_hooks(HOOK) if one_by_one else ():
		listener = frappe.get_attr(path)
		for engagement in one_by_one:
			try:
				listener(engagement.row, engagement.kind)
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				raise
			except Exception:
				frappe.log_error(title=f"Campaign Plus: {path} on {engagement.kind}")
