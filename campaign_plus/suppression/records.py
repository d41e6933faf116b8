# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The suppression list (Campaign Suppression): written in sets, read by the planner.

One entry per (address, reason) — a unique key. :func:`add` writes many entries in one
statement per chunk (``INSERT … ON DUPLICATE KEY UPDATE``): a new address gets an active entry;
an entry lifted earlier becomes active again (since now, with its new campaign and source); an
active entry stays as it is (its first "since" and campaign are kept). :func:`lift` lifts entries.

How the list relates to the app's other records:

- **Campaign Bounce** stays the record of each bounce (hard or soft, with the mail server's
  diagnostic); every hard bounce adds a *Hard Bounce* entry (the controller's ``after_insert``, and
  the set-based paths directly). *Clear Bounce* lifts the entry; lifting the entry clears the
  bounces.
- **Email Unsubscribe** (Frappe's): a global unsubscribe adds an *Unsubscribed* entry; deleting it
  (Frappe's way to subscribe again) lifts the entry. Unsubscribing from one campaign keeps the
  address out of that campaign only (the planner reads those as before): no entry.
- **Campaign Consent**: a complaint or an unsubscribe also records *Withdrawn*; the list is
  not a consent record and consent is not a suppression (an address without consent may be
  asked to give it).

The ``campaign_plus_address_exclusions`` hook reads the active entries
(:func:`suppressed_addresses`): the planner skips each address with the reason of its entry.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import create_batch, now_datetime

from campaign_plus.engine import suppression as rules
from campaign_plus.engine.schedule import is_valid_email, normalize_email
from campaign_plus.utils.db import ordered_names

DOCTYPE = "Campaign Suppression"
CHUNK = 2000
READ_CHUNK = 10_000


@dataclass(frozen=True)
class Entry:
	email: str
	reason: str
	source: str
	campaign: str | None = None
	send_log: str | None = None
	note: str | None = None
	since: object = None  # default: now


def add(entries: Iterable[Entry], user: str | None = None) -> int:
	"""Add (or make active again) ``entries``; returns how many were given, valid and distinct."""
	now = now_datetime()
	user = user or frappe.session.user
	distinct: dict[tuple[str, str], Entry] = {}
	for entry in entries:
		email = normalize_email(entry.email)
		if is_valid_email(email) and entry.reason in rules.REASONS:
			distinct.setdefault((email, entry.reason), entry)
	rows = list(distinct.items())
	columns = ("name", "creation", "modified", "owner", "modified_by", "docstatus", "idx", "email",
		"reason", "active", "since", "campaign", "source", "send_log", "note")  # fmt: skip
	for chunk in create_batch(rows, CHUNK):
		names = ordered_names(len(chunk))
		values = []
		for name, ((email, reason), entry) in zip(names, chunk, strict=True):
			values += [name, now, now, user, user, 0, 0, email, reason, 1, entry.since or now,
				entry.campaign, entry.source, entry.send_log, (entry.note or "")[:1000] or None]  # fmt: skip
		placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
		# MariaDB applies the assignments left to right: `active` last, after the others read it
		frappe.db.sql(
			f"""INSERT INTO `tab{DOCTYPE}` ({", ".join(f"`{c}`" for c in columns)}) VALUES {placeholders}
			ON DUPLICATE KEY UPDATE
				`since` = IF(`active`, `since`, VALUES(`since`)),
				`campaign` = IF(`active`, `campaign`, VALUES(`campaign`)),
				`source` = IF(`active`, `source`, VALUES(`source`)),
				`send_log` = IF(`active`, `send_log`, VALUES(`send_log`)),
				`note` = IF(`active`, `note`, VALUES(`note`)),
				`lifted_by` = IF(`active`, `lifted_by`, NULL),
				`lifted_on` = IF(`active`, `lifted_on`, NULL),
				`modified` = IF(`active`, `modified`, VALUES(`modified`)),
				`modified_by` = IF(`active`, `modified_by`, VALUES(`modified_by`)),
				`active` = 1""",
			values,
		)
	return len(rows)


def lift(
	emails: Iterable[str],
	reasons: Iterable[str] | None = None,
	user: str | None = None,
	*,
	clear_bounces: bool = True,
) -> int:
	"""Lift the active entries of ``emails`` (for ``reasons``, default all): how many were lifted.
	Lifting a hard bounce clears the address's Campaign Bounces too (``clear_bounces``)."""
	emails = sorted({normalize_email(email) for email in emails if normalize_email(email)})
	reasons = list(reasons) if reasons is not None else list(rules.REASONS)
	if not emails or not reasons:
		return 0
	now, user = now_datetime(), user or frappe.session.user
	lifted = 0
	for chunk in create_batch(emails, READ_CHUNK):
		values = {"emails": tuple(chunk), "reasons": tuple(reasons), "now": now, "user": user}
		(count,) = frappe.db.sql(
			f"""SELECT COUNT(*) FROM `tab{DOCTYPE}`
			WHERE `active` = 1 AND `email` IN %(emails)s AND `reason` IN %(reasons)s""",
			values,
		)[0]
		if count:
			frappe.db.sql(
				f"""UPDATE `tab{DOCTYPE}` SET `active` = 0, `lifted_by` = %(user)s, `lifted_on` = %(now)s,
					`modified` = %(now)s, `modified_by` = %(user)s
				WHERE `active` = 1 AND `email` IN %(emails)s AND `reason` IN %(reasons)s""",
				values,
			)
			lifted += count
	if clear_bounces and rules.HARD_BOUNCE in reasons:
		from campaign_plus.tracking import bounces

		bounces.clear_bounces_of(emails, user)
	return lifted


def active_reasons(emails: Iterable[str]) -> dict[str, set[str]]:
	"""The active entries' reasons of the addresses among ``emails`` that have one. When the list
	has fewer active entries than there are addresses (the usual case for a campaign run), it is
	read once; otherwise one parameterised query per 10,000 addresses."""
	emails = {normalize_email(email) for email in emails if email} - {""}
	if not emails:
		return {}
	(count,) = frappe.db.sql(f"SELECT COUNT(*) FROM `tab{DOCTYPE}` WHERE `active` = 1")[0]
	rows = []
	if count <= len(emails):
		rows = frappe.db.sql(f"SELECT `email`, `reason` FROM `tab{DOCTYPE}` WHERE `active` = 1")
	else:
		for chunk in create_batch(sorted(emails), READ_CHUNK):
			rows += frappe.db.sql(
				f"SELECT `email`, `reason` FROM `tab{DOCTYPE}` WHERE `active` = 1 AND `email` IN %(emails)s",
				{"emails": tuple(chunk)},
			)
	found: dict[str, set[str]] = {}
	for email, reason in rows:
		email = normalize_email(email)
		if email in emails:
			found.setdefault(email, set()).add(reason)
	return found


def suppressed_addresses(campaign: str, recipients) -> dict[str, set[str]]:
	"""The ``campaign_plus_address_exclusions`` hook: {planner reason: addresses}."""
	result: dict[str, set[str]] = {}
	for email, reasons in active_reasons(r.email for r in recipients).items():
		for reason in sorted(reasons, key=rules.REASONS.index):
			result.setdefault(rules.SKIP_REASON[reason], set()).add(email)
	return result


# --- the desk: an entry made by hand ------------------------------------------------------------


def validate_entry(doc) -> None:
	doc.email = normalize_email(doc.email)
	if not is_valid_email(doc.email):
		frappe.throw(_("{0} is not a valid email address.").format(frappe.bold(doc.email or "")))
	if doc.is_new():
		doc.active = 1
		doc.since = doc.since or now_datetime()
		doc.source = doc.source or rules.MANUAL
		existing = frappe.db.get_value(
			DOCTYPE, {"email": doc.email, "reason": doc.reason}, ["name", "active"]
		)
		if existing:
			name, active = existing
			if active:
				frappe.throw(
					_("{0} is on the suppression list already ({1}).").format(
						frappe.bold(doc.email), _(doc.reason)
					),
					title=_("Already Suppressed"),
				)
			frappe.throw(
				_("{0} was lifted from the suppression list: open {1} and use Suppress Again.").format(
					frappe.bold(doc.email), frappe.utils.get_link_to_form(DOCTYPE, name)
				),
				title=_("Already Listed"),
			)
