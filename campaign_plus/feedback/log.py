# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The feedback event log (Campaign Feedback Event): each provider event recorded once.

A unique key on (provider, event key) makes the second copy of an event — a provider's retry, a
replayed request — a no-op: :func:`record` inserts a batch with ``INSERT IGNORE``, tagged with the
request's own token, then reads back the keys that carry that token: exactly the events this
request is the first to see (a copy being inserted by a concurrent request waits on the unique
key and is ignored once that request commits). Only those are applied.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import frappe
from frappe.utils import now_datetime

from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names

DOCTYPE = "Campaign Feedback Event"
FIELDS = (
	*STANDARD_COLUMNS,
	"provider",
	"event_key",
	"event_type",
	"email",
	"email_account",
	"campaign",
	"send_log",
	"occurred_on",
	"status_code",
	"detail",
	"communication",
	"request",
)


@dataclass(frozen=True)
class Logged:
	provider: str
	key: str
	kind: str
	email: str | None
	email_account: str | None = None
	campaign: str | None = None
	send_log: str | None = None
	occurred_on: object = None
	status_code: str | None = None
	detail: str | None = None
	communication: str | None = None


def record(events: Iterable[Logged], request: str | None = None) -> set[str]:
	"""Insert the events not recorded yet; the keys of those this request recorded."""
	events = list(events)
	if not events:
		return set()
	request = request or frappe.generate_hash(length=20)
	now, user = now_datetime(), frappe.session.user
	values = [
		(
			name,
			now,
			now,
			user,
			user,
			0,
			e.provider,
			e.key,
			e.kind,
			e.email,
			e.email_account,
			e.campaign,
			e.send_log,
			e.occurred_on or now,
			e.status_code,
			(e.detail or "")[:1000] or None,
			e.communication,
			request,
		)
		for name, e in zip(ordered_names(len(events)), events, strict=True)
	]
	insert_many(DOCTYPE, FIELDS, values, ignore_duplicates=True)
	return set(
		frappe.db.sql(f"SELECT `event_key` FROM `tab{DOCTYPE}` WHERE `request` = %s", (request,), pluck=True)
	)
