# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What the frequency cap counts: every campaign's sends of the last days, in one query."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe.query_builder import DocType

from campaign_plus.engine.schedule import normalize_email
from campaign_plus.engine.windows import CAP_STATUSES, UTC

LEDGER = "Campaign Send Log"


def send_history(since: dt.datetime, emails: Iterable[str] | None = None) -> dict[str, list[dt.datetime]]:
	"""Address (lower case) → the UTC moments of its campaign emails planned or sent after ``since``
	(all campaigns). ``emails``: keep only these addresses (the query reads the window anyway)."""
	log = DocType(LEDGER)
	rows = (
		frappe.qb.from_(log)
		.select(log.email, log.send_at)
		.where(log.status.isin(list(CAP_STATUSES)))
		.where(log.send_at > since.astimezone(UTC).replace(tzinfo=None))
		.where(log.email.isnotnull())
		.run()
	)
	keep = {normalize_email(e) for e in emails} if emails is not None else None
	history: dict[str, list[dt.datetime]] = defaultdict(list)
	for email, moment in rows:
		email = normalize_email(email)
		if keep is None or email in keep:
			history[email].append(moment.replace(tzinfo=UTC))
	return dict(history)
