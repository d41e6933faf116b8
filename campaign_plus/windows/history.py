# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What the frequency cap counts: every campaign's sends of the last days, in one query."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import frappe

from campaign_plus.engine.schedule import normalize_email
from campaign_plus.engine.windows import CAP_STATUSES, UTC

# Up to this many addresses, the query itself keeps only theirs (a planner run between two
# busy moments has a few); beyond, it reads the whole window and the addresses are kept here.
FILTER_IN_SQL = 10_000


def send_history(since: dt.datetime, emails: Iterable[str] | None = None) -> dict[str, list[dt.datetime]]:
	"""Address (lower case) → the UTC moments of its campaign emails planned or sent after ``since``
	(all campaigns). ``emails``: only these addresses."""
	keep = {normalize_email(e) for e in emails} if emails is not None else None
	condition, values = "", {"statuses": CAP_STATUSES, "since": since.astimezone(UTC).replace(tzinfo=None)}
	if keep is not None and len(keep) <= FILTER_IN_SQL:
		if not keep:
			return {}
		condition, values["emails"] = "AND `email` IN %(emails)s", tuple(keep)
	# moments read as text: dt.datetime.fromisoformat parses them ten times faster than the driver
	rows = frappe.db.sql(
		f"""SELECT `email`, CAST(`send_at` AS CHAR) FROM `tabCampaign Send Log`
		WHERE `status` IN %(statuses)s AND `send_at` > %(since)s AND `email` IS NOT NULL {condition}""",
		values,
	)
	history: dict[str, list[dt.datetime]] = defaultdict(list)
	for email, moment in rows:
		email = normalize_email(email)
		if keep is None or email in keep:
			history[email].append(dt.datetime.fromisoformat(moment).replace(tzinfo=UTC))
	return dict(history)
