# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What a delivery, bounce, complaint or unsubscribe reported about sent campaign emails does —
for a whole batch of events, a few statements per kind (never a document per event).

- **Delivered**: the row *Sent* (if it was still Queued) and its *Delivered On*.
- **Hard bounce**: the row *Bounced* (with the diagnostic), a Campaign Bounce, a *Hard Bounce*
  suppression entry — what a DSN received by email does.
- **Soft bounce**: counted on the row, a Campaign Bounce (Soft).
- **Complaint**: the row *Complained*, a *Spam Complaint* suppression entry, the address
  unsubscribed from all campaign email and its consent *Withdrawn* (source *Spam Complaint*).
- **Unsubscribe**: an *Unsubscribed* suppression entry, the address unsubscribed from all
  campaign email and its consent *Withdrawn* (source *Unsubscribed*).

An address-level effect (suppression, unsubscribe) applies even when no row matched (the report
names the address); a row-level one needs the row. Listeners of ``campaign_plus_on_feedback`` (the
reputation guard) then hear which rows each kind touched.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

import frappe
from frappe import _
from frappe.utils import create_batch, now_datetime

from campaign_plus.engine import consent
from campaign_plus.engine import providers as kinds
from campaign_plus.engine import suppression as rules
from campaign_plus.engine.schedule import BOUNCED, COMPLAINED, QUEUED, SENT, normalize_email
from campaign_plus.feedback.unsubscribe import Person, unsubscribe_all
from campaign_plus.suppression import records as suppression
from campaign_plus.utils import feedback
from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names

LEDGER = "Campaign Send Log"
BOUNCE = "Campaign Bounce"
CHUNK = 1000
BOUNCE_FIELDS = (*STANDARD_COLUMNS, "email", "bounce_type", "status_code", "diagnostic", "campaign",
	"send_log", "communication", "received_on")  # fmt: skip


def db_moment(moment: dt.datetime | None, default):
	"""An aware moment as Frappe keeps datetimes: naive, in the system's time zone."""
	if moment is None:
		return default
	return moment.astimezone(_system_zone()).replace(tzinfo=None)


def _system_zone():
	from zoneinfo import ZoneInfo

	from frappe.utils import get_system_timezone

	name = get_system_timezone()
	if _zones.get("name") != name:
		_zones.update(name=name, zone=ZoneInfo(name))
	return _zones["zone"]


_zones: dict = {}


def _case(names_values: list[tuple[str, object]], otherwise: str) -> tuple[str, list]:
	"""``CASE `name` WHEN %s THEN %s … ELSE <otherwise> END`` and its parameters."""
	sql, params = ["CASE `name`"], []
	for name, value in names_values:
		sql.append("WHEN %s THEN %s")
		params += [name, value]
	sql.append(f"ELSE {otherwise} END")
	return " ".join(sql), params


def _update(
	set_sql: str, set_params: list, names: list[str], condition: str = "", condition_params=()
) -> None:
	placeholders = ", ".join(["%s"] * len(names))
	frappe.db.sql(
		f"UPDATE `tab{LEDGER}` SET {set_sql} WHERE `name` IN ({placeholders}) {condition}",
		[*set_params, *names, *condition_params],
	)


def _delivered(pairs, now) -> list[str]:
	moments = {}
	for event, row in pairs:
		if row:
			moments.setdefault(row.name, db_moment(event.occurred_at, now))
	items = list(moments.items())
	for chunk in create_batch(items, CHUNK):
		chunk = list(chunk)
		case, params = _case(chunk, "`delivered_on`")
		_update(
			f"""`delivered_on` = COALESCE(`delivered_on`, {case}),
			`sent_on` = COALESCE(`sent_on`, `delivered_on`),
			`status` = IF(`status` = %s, %s, `status`), `modified` = %s""",
			[*params, QUEUED, SENT, now],
			[name for name, _moment in chunk],
		)
	return list(moments)


def _bounce_rows(pairs, kind: str, now, communication: str | None) -> list[tuple]:
	values = []
	for (event, row), name in zip(pairs, ordered_names(len(pairs)), strict=True):
		email = normalize_email(row.email if row else event.email)
		values.append((name, now, now, frappe.session.user, frappe.session.user, 0, email or None, kind,
			event.status, (event.detail or "")[:1000] or None, row.campaign if row else None,
			row.name if row else None, communication, db_moment(event.occurred_at, now)))  # fmt: skip
	return values


def _hard(pairs, now, source: str, communication: str | None) -> list[str]:
	matched = [(e, r) for e, r in pairs if r]
	errors = {}
	for event, row in matched:
		errors.setdefault(row.name, (event.detail or event.status or _("Bounced"))[:1000])
	for chunk in create_batch(list(errors.items()), CHUNK):
		chunk = list(chunk)
		case, params = _case(chunk, "`error`")
		_update(
			f"`status` = %s, `bounced_on` = %s, `error` = {case}, `modified` = %s",
			[BOUNCED, now, *params, now],
			[name for name, _error in chunk],
			"AND `status` IN (%s, %s)",
			(QUEUED, SENT),
		)
	with_email = [(e, r) for e, r in pairs if r or e.email]
	insert_many(BOUNCE, BOUNCE_FIELDS, _bounce_rows(with_email, "Hard", now, communication))
	suppression.add(
		suppression.Entry(
			row.email if row else event.email,
			rules.HARD_BOUNCE,
			source,
			campaign=row.campaign if row else None,
			send_log=row.name if row else None,
			note=" ".join(p for p in (event.status, event.detail) if p) or None,
		)
		for event, row in with_email
	)
	return list(errors)


def _soft(pairs, now, communication: str | None) -> list[str]:
	matched = [(e, r) for e, r in pairs if r]
	counts = Counter(row.name for _event, row in matched)
	for chunk in create_batch(list(counts.items()), CHUNK):
		chunk = list(chunk)
		case, params = _case(chunk, "0")
		_update(f"`soft_bounces` = `soft_bounces` + ({case}), `modified` = %s", [*params, now],
			[name for name, _n in chunk])  # fmt: skip
	insert_many(BOUNCE, BOUNCE_FIELDS, _bounce_rows(matched, "Soft", now, communication))
	return list(counts)


def _people(pairs) -> list[tuple[Person, object, object]]:
	"""(person, event, row) for each event naming an address or a row."""
	return [
		(
			Person(
				row.email if row else event.email,
				row.party_type if row else None,
				row.party if row else None,
				row.campaign if row else None,
			),
			event,
			row,
		)
		for event, row in pairs
		if event.email or row
	]


def _complaints(pairs, now, source: str) -> list[str]:
	moments = {}
	for event, row in pairs:
		if row:
			moments.setdefault(row.name, db_moment(event.occurred_at, now))
	for chunk in create_batch(list(moments.items()), CHUNK):
		chunk = list(chunk)
		case, params = _case(chunk, "`complained_on`")
		_update(
			f"""`complained_on` = COALESCE(`complained_on`, {case}),
			`status` = IF(`status` IN (%s, %s), %s, `status`), `modified` = %s""",
			[*params, QUEUED, SENT, COMPLAINED, now],
			[name for name, _moment in chunk],
		)
	people = _people(pairs)
	suppression.add(
		suppression.Entry(
			person.email,
			rules.SPAM_COMPLAINT,
			source,
			campaign=person.campaign,
			send_log=row.name if row else None,
			note=(event.detail or "")[:1000] or None,
		)
		for person, event, row in people
	)
	unsubscribe_all([person for person, _e, _r in people], consent.SPAM_COMPLAINT,
		_("Marked a campaign email as spam."))  # fmt: skip
	return list(moments)


def _unsubscribes(pairs, source: str, provider: str) -> list[str]:
	people = [person for person, _event, _row in _people(pairs)]
	suppression.add(
		suppression.Entry(person.email, rules.UNSUBSCRIBE, source, campaign=person.campaign)
		for person in people
	)
	unsubscribe_all(people, consent.UNSUBSCRIBE, _("Unsubscribed through {0}.").format(provider))
	return [row.name for _event, row in pairs if row]


def apply(pairs: Sequence[tuple], *, source: str, provider: str, communication: str | None = None) -> dict:
	"""Apply (event, row or None) pairs (engine :class:`~campaign_plus.engine.providers.Event`
	and the row :mod:`~campaign_plus.feedback.resolve` found); the rows touched, per kind."""
	now = now_datetime()
	by_kind = defaultdict(list)
	for event, row in pairs:
		by_kind[event.kind].append((event, row))
	touched = {
		feedback.DELIVERED: _delivered(by_kind[kinds.DELIVERED], now),
		feedback.HARD_BOUNCE: _hard(by_kind[kinds.HARD_BOUNCE], now, source, communication),
		feedback.SOFT_BOUNCE: _soft(by_kind[kinds.SOFT_BOUNCE], now, communication),
		feedback.COMPLAINT: _complaints(by_kind[kinds.COMPLAINT], now, source),
		feedback.UNSUBSCRIBE: _unsubscribes(by_kind[kinds.UNSUBSCRIBE], source, provider),
	}
	feedback.notify_feedback(touched)
	return touched
