# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tell the capabilities that listen that recipients engaged: each click (counting: no bot, tracked
individually) and each matched reply, exactly once.

Two hooks, each listener in one of them:

- ``campaign_plus_on_engagement``: each function takes (ledger row, kind) — kind "click" or
  "reply" — and is called once per engagement;
- ``campaign_plus_on_engagements``: each function takes a list of :class:`Engagement` (row, kind,
  moment), in the order they happened — many at once, for listeners that act set-based.

Clicks reach the listeners from the flush of buffered hits (:mod:`campaign_plus.tracking.buffer`):
up to a minute after the click, in a background job running as Administrator, inside the
flush's transaction (what a listener writes commits with the flush, or not at all); replies
from the incoming email's transaction. A listener that fails is logged (a bulk listener's writes
are undone to its savepoint): the other listeners, the flush and the incoming email go on — but
a deadlock or lock timeout fails the whole transaction (the flush is then written again whole).
"""

from typing import NamedTuple

import frappe
from frappe.utils import now_datetime

HOOK = "campaign_plus_on_engagement"
BULK_HOOK = "campaign_plus_on_engagements"


class Engagement(NamedTuple):
	row: str  # the Campaign Send Log row
	kind: str  # "click" or "reply"
	moment: str  # when it happened (the site's time, "YYYY-MM-DD HH:MM:SS.ffffff")


def notify_engagement(row: str, kind: str) -> None:
	"""One engagement, now."""
	notify_engagements([Engagement(row, kind, now_datetime().isoformat(sep=" ", timespec="microseconds"))])


def notify_engagements(engagements: list[Engagement]) -> None:
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
	for path in frappe.get_hooks(HOOK):
		listener = frappe.get_attr(path)
		for engagement in engagements:
			try:
				listener(engagement.row, engagement.kind)
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				raise
			except Exception:
				frappe.log_error(title=f"Campaign Plus: {path} on {engagement.kind}")
