# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Which campaign emails are due, for whom, and which are excluded and why.

A campaign has *steps* (its email schedule rows); each *recipient* has a start date. A step
is due for a recipient on ``start + send_after_days``, or on the step's date formula applied to
the start date when it has one (0 days: the start day itself). The planner records every due
(step, recipient) pair exactly once, in the send ledger: either *Planned* (to be sent) or
*Skipped* with a reason. A pair already in the ledger is never planned again.

Catch-up: a step that fell due while nothing ran is still sent, unless it is older than the
maximum catch-up age, in which case it is recorded *Skipped / Expired*.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field, fields
from typing import NamedTuple

from campaign_plus.engine.date_formula import Term, evaluate, parse
from campaign_plus.engine.errors import RuleError, _

PLANNED = "Planned"
QUEUED = "Queued"
SENT = "Sent"
FAILED = "Failed"
SKIPPED = "Skipped"
DEFERRED = "Deferred"  # due, held until a later moment (send window, frequency cap, A/B winner)
BOUNCED = "Bounced"  # delivered to the mail server, then refused for good (hard bounce)
COMPLAINED = "Complained"  # delivered, then reported as spam by its recipient
STATUSES = (PLANNED, QUEUED, SENT, FAILED, SKIPPED, DEFERRED, BOUNCED, COMPLAINED)
# A message that left: counted as sent by statistics, the frequency cap, A/B figures, responses.
LEFT = (QUEUED, SENT, BOUNCED, COMPLAINED)

UNSUBSCRIBED = "Unsubscribed"
NO_EMAIL = "No Email"
INVALID_EMAIL = "Invalid Email"
DUPLICATE = "Duplicate Address"
CLOSED = "Campaign Closed"
EXPIRED = "Expired"
TEMPLATE_ERROR = "Template Error"
SEND_ERROR = "Send Error"
BOUNCED_ADDRESS = "Bounced Address"  # skipped: an earlier campaign email to it bounced for good
NO_CONSENT = "No Consent"  # skipped: the campaign needs opt-in and the address has not granted it
QUIET_HOURS = "Quiet Hours"  # deferred to the end of the recipient's quiet hours
NON_BUSINESS_DAY = "Non-Business Day"  # deferred past a weekend or holiday of the company
FREQUENCY_CAP = "Frequency Cap"  # deferred: the address had its share of campaign emails
AWAITING_WINNER = "Awaiting Winner"  # deferred: an A/B test's winner is not chosen yet
CONDITION_NOT_MET = "Condition Not Met"  # skipped: the step's condition is false for the recipient
SEQUENCE_STOPPED = "Sequence Stopped"  # skipped: a rule stopped the rest of the sequence
DELIVERABILITY = "Deliverability Check"  # deferred: the step's first send waits for a clean check
SPAM_COMPLAINT = "Spam Complaint"  # skipped: the address complained about a campaign email
SUPPRESSED = "Suppressed"  # skipped: on the suppression list (by hand or imported)
PAUSED_REPUTATION = "Paused: Reputation"  # deferred: the reputation guard paused the sending
NOT_RUNNING = "Campaign Not Running"  # preview only: due, but outside the campaign's dates
REASONS = (
	UNSUBSCRIBED,
	NO_EMAIL,
	INVALID_EMAIL,
	DUPLICATE,
	CLOSED,
	EXPIRED,
	TEMPLATE_ERROR,
	SEND_ERROR,
	BOUNCED_ADDRESS,
	NO_CONSENT,
	QUIET_HOURS,
	NON_BUSINESS_DAY,
	FREQUENCY_CAP,
	AWAITING_WINNER,
	CONDITION_NOT_MET,
	SEQUENCE_STOPPED,
	DELIVERABILITY,
	SPAM_COMPLAINT,
	SUPPRESSED,
	PAUSED_REPUTATION,
)

# The reasons, marked for translation (they are stored in English and shown translated).
REASON_LABELS = (
	_("Unsubscribed"),
	_("No Email"),
	_("Invalid Email"),
	_("Duplicate Address"),
	_("Campaign Closed"),
	_("Expired"),
	_("Template Error"),
	_("Send Error"),
	_("Bounced Address"),
	_("No Consent"),
	_("Quiet Hours"),
	_("Non-Business Day"),
	_("Frequency Cap"),
	_("Awaiting Winner"),
	_("Condition Not Met"),
	_("Sequence Stopped"),
	_("Campaign Not Running"),
	_("Spam Complaint"),
	_("Suppressed"),
	_("Paused: Reputation"),
)
STATUS_LABELS = (_("Deferred"), _("Bounced"), _("Complained"))

# Deliberately simple: one @, no spaces, a dot in the domain. Frappe validates again on send.
_EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.]{2,}$")


def is_valid_email(email: str) -> bool:
	return bool(_EMAIL.match(email))


def normalize_email(email: str | None) -> str:
	return (email or "").strip().lower()


@dataclass(frozen=True)
class Step:
	key: str  # the schedule row's name: stable while rows are added, removed or reordered
	idx: int = 0
	template: str | None = None
	days: int = 0
	formula: str | None = None
	label: str | None = None
	send_time: dt.time | None = None  # the local time it goes out (None: any time of its day)
	in_recipient_zone: bool = True  # the send time is the recipient's local time (else the site's)
	terms: tuple[Term, ...] | None = field(default=None, compare=False, repr=False)

	def __post_init__(self):
		if self.formula and self.terms is None:
			object.__setattr__(self, "terms", parse(self.formula))

	def due_date(self, start: dt.date) -> dt.date:
		if self.terms:
			return evaluate(self.terms, start)
		return start + dt.timedelta(days=self.days or 0)


def check_step(step_label: str, days: int | None, formula: str | None) -> None:
	"""Validate one schedule row as typed by a user."""
	if formula:
		parse(formula)
	elif days is not None and days < 0:
		raise RuleError(
			_("Step {0}: send after {1} days cannot be negative."),
			step_label,
			days,
			title=_("Invalid Email Schedule"),
		)


class Place(NamedTuple):
	"""What a recipient source read of where a party is, for its time zone: its own zone, a
	Lead's own country, a Contact's own address (each None when the party has none)."""

	zone: str | None = None
	country: str | None = None
	address: str | None = None


@dataclass(frozen=True)
class Recipient:
	party_type: str
	party: str
	email: str | None
	start_date: dt.date
	unsubscribed: bool = False
	email_campaign: str | None = None  # the ERPNext Email Campaign that enrolled the recipient
	sender: str | None = None
	place: Place | None = None  # where they are, when the source read it (None: not read)


@dataclass(frozen=True)
class PlanRow:
	step: Step
	recipient: Recipient
	due_date: dt.date
	send_on: dt.date
	status: str  # PLANNED, SKIPPED or DEFERRED
	reason: str | None = None
	send_at: dt.datetime | None = None  # the planned moment (UTC); deferred: when it becomes allowed
	time_zone: str | None = None  # the recipient's zone, for the planned local time
	variant: str | None = None  # the A/B test variant dealt to the recipient (A, B, …)

	@property
	def key(self) -> tuple[str, str, str]:
		return (self.step.key, self.recipient.party_type, self.recipient.party)

	def changed(self, **values) -> PlanRow:
		"""A copy with ``values`` in place of the fields they name — :func:`dataclasses.replace`
		at a sixth of its cost (a planner run copies each of 100,000 rows once or twice)."""
		if not values.keys() <= _PLAN_ROW_FIELDS:
			raise TypeError(f"PlanRow has no field {sorted(values.keys() - _PLAN_ROW_FIELDS)[0]}")
		row = object.__new__(PlanRow)
		row.__dict__.update(self.__dict__, **values)
		return row


_PLAN_ROW_FIELDS = frozenset(field.name for field in fields(PlanRow))


def exclusion(
	recipient: Recipient,
	email: str,
	blocked_emails: Set[str],
	address_exclusions: Mapping[str, Set[str]] | None = None,
) -> str | None:
	"""Why ``recipient`` (``email`` normalised) gets nothing, or None.

	``address_exclusions`` maps a reason to the (lower-case) addresses it excludes, checked in
	order after unsubscribes and the address's validity (e.g. bounced addresses, no consent).
	"""
	if recipient.unsubscribed or (email and email in blocked_emails):
		return UNSUBSCRIBED
	if not email:
		return NO_EMAIL
	if not is_valid_email(email):
		return INVALID_EMAIL
	for reason, emails in (address_exclusions or {}).items():
		if email in emails:
			return reason
	return None


def recheck(
	recipient: Recipient | None,
	email: str | None,
	due: dt.date,
	today: dt.date,
	*,
	blocked_emails: Set[str] = frozenset(),
	address_exclusions: Mapping[str, Set[str]] | None = None,
	max_catch_up_days: int | None = None,
) -> str | None:
	"""Why a deferred row whose moment has come is skipped after all, or None to send it.

	Catch-up expiry applies as to any late row (``today - due`` beyond ``max_catch_up_days``),
	then the exclusions, which may have changed while it waited (an unsubscribe, a bounce).
	"""
	if max_catch_up_days is not None and (today - due).days > max_catch_up_days:
		return EXPIRED
	if recipient is None:
		recipient = Recipient("", "", email, due)
	return exclusion(recipient, normalize_email(email), blocked_emails, address_exclusions)


def plan(
	steps: Iterable[Step],
	recipients: Iterable[Recipient],
	today: dt.date,
	*,
	horizon: dt.date | None = None,
	done: set[tuple[str, str, str]] | frozenset = frozenset(),
	done_emails: set[tuple[str, str]] | frozenset = frozenset(),
	blocked_emails: Set[str] = frozenset(),
	address_exclusions: Mapping[str, Set[str]] | None = None,
	max_catch_up_days: int | None = None,
	closed: bool = False,
) -> list[PlanRow]:
	"""Every (step, recipient) pair due by ``horizon`` (default ``today``) and not yet ``done``.

	``done`` holds the ledger's (step key, party type, party) identities, ``done_emails`` the
	(step key, email) pairs already planned or sent, ``blocked_emails`` the unsubscribed or
	blocked addresses (lower case), ``address_exclusions`` further addresses excluded per reason
	(see :func:`exclusion`). A pair due before ``today`` is sent on ``today``
	(``send_on``), or expires when ``today - due`` exceeds ``max_catch_up_days``. A closed
	campaign plans nothing.
	"""
	if closed:
		return []
	horizon = horizon or today
	steps = sorted(steps, key=lambda s: (s.idx, s.key))
	claimed = set(done_emails)
	rows: list[PlanRow] = []
	for recipient in sorted(recipients, key=lambda r: (r.start_date, r.party_type, r.party)):
		email = normalize_email(recipient.email)
		for step in steps:
			if (step.key, recipient.party_type, recipient.party) in done:
				continue
			try:
				due = step.due_date(recipient.start_date)
			except RuleError:
				continue
			if due > horizon:
				continue
			send_on = max(due, today)
			reason = None
			if max_catch_up_days is not None and (send_on - due).days > max_catch_up_days:
				reason = EXPIRED
			else:
				reason = exclusion(recipient, email, blocked_emails, address_exclusions)
			if reason is None and (step.key, email) in claimed:
				reason = DUPLICATE
			if reason is None:
				claimed.add((step.key, email))
			rows.append(PlanRow(step, recipient, due, send_on, SKIPPED if reason else PLANNED, reason))
	return rows


@dataclass(frozen=True)
class CalendarDay:
	date: dt.date
	step: Step
	to_send: int
	excluded: dict[str, int]


def calendar(
	steps: Iterable[Step],
	recipients: Iterable[Recipient],
	today: dt.date,
	days: int,
	**kwargs,
) -> list[CalendarDay]:
	"""A dry run of the next ``days`` days: per date and step, how many will be sent or excluded."""
	horizon = today + dt.timedelta(days=max(days, 1) - 1)
	buckets: dict[tuple[dt.date, str], list[PlanRow]] = {}
	for row in plan(steps, recipients, today, horizon=horizon, **kwargs):
		buckets.setdefault((row.send_on, row.step.key), []).append(row)
	result = []
	for (day, _key), rows in sorted(buckets.items(), key=lambda item: (item[0][0], item[1][0].step.idx)):
		reasons = Counter(row.reason for row in rows if row.status == SKIPPED)
		result.append(
			CalendarDay(
				day, rows[0].step, sum(row.status == PLANNED for row in rows), dict(sorted(reasons.items()))
			)
		)
	return result
