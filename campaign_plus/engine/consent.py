# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Marketing consent: the state of an address from its history, and who needs it.

Consent is recorded per email address and purpose as an insert-only history (granted,
refused, withdrawn, pending confirmation). The *current* consent of an address is its latest
record, ordered by (date, precedence, name): at the same instant the most protective status wins
(a withdrawal recorded in the same second as a grant is a withdrawal), then the record name
breaks ties so the answer never depends on the order rows come back in. A confirmation request
(*Pending Confirmation*) never takes away a consent already granted: asking someone to confirm
does not withdraw what they gave.

A campaign's *opt-in rule* says whose consent it needs: everyone's, private persons' only (in
France and the EU, commercial email to a private person needs prior consent; professionals may be
mailed unless they objected), or nobody's. A recipient whose kind is unknown (an Email Group
member, a party the rule cannot classify) is treated as a private person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from campaign_plus.engine.errors import _
from campaign_plus.engine.schedule import is_valid_email, normalize_email

GRANTED = "Granted"
REFUSED = "Refused"
WITHDRAWN = "Withdrawn"
PENDING = "Pending Confirmation"
STATUSES = (GRANTED, REFUSED, WITHDRAWN, PENDING)

FORM = "Form"
IMPORT = "Data Import"  # Frappe's Data Import tool
DOUBLE_OPT_IN = "Double Opt-in"
BY_HAND = "By Hand"
UNSUBSCRIBE = "Unsubscribed"  # an unsubscribe link, flag or request
ONE_CLICK = "One-Click Unsubscribe"  # a mail client's one-click unsubscribe (RFC 8058 POST)
UNSUBSCRIBE_PAGE = "Unsubscribe Page"  # the person's choice on the unsubscribe page
UNSUBSCRIBE_EMAIL = "Unsubscribe Email"  # an email to the List-Unsubscribe mailto: address
SPAM_COMPLAINT = "Spam Complaint"  # the person marked a campaign email as spam
SOURCES = (
	FORM,
	IMPORT,
	DOUBLE_OPT_IN,
	BY_HAND,
	UNSUBSCRIBE,
	ONE_CLICK,
	UNSUBSCRIBE_PAGE,
	UNSUBSCRIBE_EMAIL,
	SPAM_COMPLAINT,
)

CAMPAIGN_EMAIL = "Campaign Email"  # the purpose campaign emails need; others may share the history
PURPOSES = (CAMPAIGN_EMAIL,)

PRIVATE_PERSONS = "Private Persons"
ALL_RECIPIENTS = "All Recipients"
NOT_REQUIRED = "Not Required"
OPT_IN_RULES = (PRIVATE_PERSONS, ALL_RECIPIENTS, NOT_REQUIRED)
DEFAULT_OPT_IN_RULE = PRIVATE_PERSONS

# What a recipient is, for the opt-in rule.
PRIVATE = "private"
PROFESSIONAL = "professional"
UNKNOWN = "unknown"

# Why a confirmation request is not sent to an address.
ALREADY_GRANTED = "Already Granted"
RECENTLY_REQUESTED = "Recently Requested"
OBJECTED = "Refused or Withdrawn"
INVALID_EMAIL = "Invalid Email"
REQUEST_SKIP_REASONS = (ALREADY_GRANTED, RECENTLY_REQUESTED, OBJECTED, INVALID_EMAIL)

# Labels marked for translation (stored in English, shown translated). The sources reuse
# Frappe's own words ("Data Import", "Unsubscribed"): an app's translation of a bare "Import" or
# "Unsubscribe" would replace Frappe's everywhere in the desk.
LABELS = (
	_("Granted"),
	_("Refused"),
	_("Withdrawn"),
	_("Pending Confirmation"),
	_("Already Granted"),
	_("Recently Requested"),
	_("Refused or Withdrawn"),
)

# At the same instant the most protective status wins.
_PRECEDENCE = {GRANTED: 0, PENDING: 1, REFUSED: 2, WITHDRAWN: 3}


@dataclass(frozen=True)
class ConsentRecord:
	email: str
	status: str
	on: dt.datetime
	name: str = ""
	source: str | None = None

	@property
	def order(self) -> tuple:
		return (self.on, _PRECEDENCE.get(self.status, len(_PRECEDENCE)), self.name)


def current(records: Iterable[ConsentRecord]) -> ConsentRecord | None:
	"""The record that decides an address's consent (None: nothing recorded)."""
	state: ConsentRecord | None = None
	for record in sorted(records, key=lambda r: r.order):
		if record.status not in _PRECEDENCE:
			continue
		if record.status == PENDING and state is not None and state.status == GRANTED:
			continue  # a confirmation request leaves a granted consent standing
		state = record
	return state


def current_by_address(records: Iterable[ConsentRecord]) -> dict[str, ConsentRecord]:
	"""The deciding record of each (normalised) address among ``records``."""
	by_address: dict[str, list[ConsentRecord]] = {}
	for record in records:
		by_address.setdefault(normalize_email(record.email), []).append(record)
	result = {}
	for email, history in by_address.items():
		state = current(history)
		if state is not None:
			result[email] = state
	return result


def is_granted(state: ConsentRecord | None) -> bool:
	return state is not None and state.status == GRANTED


def granted_addresses(records: Iterable[ConsentRecord]) -> set[str]:
	return {email for email, state in current_by_address(records).items() if is_granted(state)}


def requires_consent(rule: str | None, kind: str) -> bool:
	"""Whether a recipient of ``kind`` (PRIVATE, PROFESSIONAL, UNKNOWN) needs consent under ``rule``."""
	rule = rule or DEFAULT_OPT_IN_RULE
	if rule == NOT_REQUIRED:
		return False
	if rule == ALL_RECIPIENTS:
		return True
	return kind != PROFESSIONAL


def without_consent(
	rule: str | None, recipients: Iterable[tuple[str | None, str]], granted: Set[str]
) -> set[str]:
	"""The (normalised) addresses of ``recipients`` — (email, kind) pairs — that need a consent
	they have not granted. An address needed by one recipient is excluded for all who share it."""
	result = set()
	for email, kind in recipients:
		email = normalize_email(email)
		if email and requires_consent(rule, kind) and email not in granted:
			result.add(email)
	return result


def classify(professional: bool | None) -> str:
	"""PROFESSIONAL, PRIVATE, or UNKNOWN when nothing says."""
	if professional is None:
		return UNKNOWN
	return PROFESSIONAL if professional else PRIVATE


def request_skip_reason(
	email: str,
	state: ConsentRecord | None,
	last_request: dt.datetime | None,
	now: dt.datetime,
	interval: dt.timedelta,
	*,
	asked_by_the_person: bool,
) -> str | None:
	"""Why no confirmation email goes to ``email`` now, or None to send one.

	One request per address per ``interval``; never to an address whose consent is granted; and
	a marketer never asks again someone who refused or withdrew (the person may ask themselves,
	from the website: ``asked_by_the_person``).
	"""
	if not is_valid_email(normalize_email(email)):
		return INVALID_EMAIL
	if is_granted(state):
		return ALREADY_GRANTED
	if state is not None and state.status in (REFUSED, WITHDRAWN) and not asked_by_the_person:
		return OBJECTED
	if last_request is not None and now - last_request < interval:
		return RECENTLY_REQUESTED
	return None


def needs_withdrawal(state: ConsentRecord | None) -> bool:
	"""An unsubscribe records a withdrawal unless the address already refused or withdrew."""
	return state is None or state.status not in (REFUSED, WITHDRAWN)


def last_requests(records: Iterable[ConsentRecord]) -> dict[str, dt.datetime]:
	"""The latest confirmation request (Pending Confirmation) of each normalised address."""
	result: dict[str, dt.datetime] = {}
	for record in records:
		if record.status == PENDING:
			email = normalize_email(record.email)
			if email not in result or record.on > result[email]:
				result[email] = record.on
	return result


def plan_requests(
	emails: Iterable[str],
	records: Iterable[ConsentRecord],
	now: dt.datetime,
	interval: dt.timedelta,
	*,
	asked_by_the_person: bool,
	blocked: Set[str] = frozenset(),
) -> tuple[list[str], dict[str, str]]:
	"""Which addresses get a confirmation email now (normalised, first occurrence order), and why
	the others do not (``blocked``: unsubscribed from everything, so Frappe would not send)."""
	records = list(records)
	states = current_by_address(records)
	requested = last_requests(records)
	send: list[str] = []
	skipped: dict[str, str] = {}
	for raw in emails:
		email = normalize_email(raw)
		if email in skipped or email in send:
			continue
		if email in blocked:
			skipped[email] = OBJECTED
			continue
		reason = request_skip_reason(
			email,
			states.get(email),
			requested.get(email),
			now,
			interval,
			asked_by_the_person=asked_by_the_person,
		)
		if reason:
			skipped[email or raw] = reason
		else:
			send.append(email)
	return send, skipped


def count_reasons(skipped: Mapping[str, str]) -> dict[str, int]:
	counts: dict[str, int] = {}
	for reason in skipped.values():
		counts[reason] = counts.get(reason, 0) + 1
	return counts
