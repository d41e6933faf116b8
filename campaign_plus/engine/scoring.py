# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Lead score: fit points plus engagement points that fade with a half-life.

*Engagement*: each event earns its kind's points (open, click, reply, form submitted; an
unsubscribe usually costs points), worth ``points * 0.5 ** (age / half-life)`` at the moment the
score is computed — after one half-life an event counts half, after two a quarter. A half-life
of 0 keeps every event at full value. What counts as an event:

* a campaign email opened (once per email, at its first open; a click counts as an open, as in
  the statistics), clicked (once per email, at its first click), replied to (once per email);
* each form submitted;
* an unsubscribe: once per address, at its latest unsubscribe (the same decision recorded in
  several places, or repeated, is not counted twice).

*Fit*: each fit rule whose conditions the Lead / Contact meets adds its points (negative points
allowed). The score is fit + engagement, rounded to two decimals.

*Thresholds* act once per upward crossing: a score that goes from below T to T or more crosses
T; it must fall below T again before another crossing can act.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from campaign_plus.engine.errors import RuleError, _

OPEN = "Open"
CLICK = "Click"
REPLY = "Reply"
FORM = "Form Submitted"
UNSUBSCRIBE = "Unsubscribed"
KINDS = (OPEN, CLICK, REPLY, FORM, UNSUBSCRIBE)
LABELS = (_("Open"), _("Click"), _("Reply"), _("Form Submitted"), _("Unsubscribed"))
DEFAULT_POINTS = {OPEN: 1.0, CLICK: 5.0, REPLY: 10.0, FORM: 10.0, UNSUBSCRIBE: -20.0}
DEFAULT_HALF_LIFE_DAYS = 30.0
DAY_SECONDS = 86400.0
PRECISION = 2
TITLE = _("Lead Score")


@dataclass(frozen=True)
class ScoreSettings:
	points: tuple[tuple[str, float], ...] = tuple(DEFAULT_POINTS.items())
	half_life_days: float = DEFAULT_HALF_LIFE_DAYS

	def points_for(self, kind: str) -> float:
		return dict(self.points).get(kind, 0.0)

	@classmethod
	def of(cls, points: dict[str, float] | None = None, half_life_days: float | None = None) -> ScoreSettings:
		merged = {**DEFAULT_POINTS, **(points or {})}
		return cls(
			tuple((kind, float(merged[kind])) for kind in KINDS),
			DEFAULT_HALF_LIFE_DAYS if half_life_days is None else float(half_life_days),
		)


@dataclass(frozen=True)
class Event:
	kind: str
	on: dt.datetime


@dataclass(frozen=True)
class Message:
	"""What one recipient did with one campaign email (its ledger row)."""

	first_opened_on: dt.datetime | None = None
	first_clicked_on: dt.datetime | None = None
	replied_on: dt.datetime | None = None


def check_settings(settings: ScoreSettings) -> None:
	if settings.half_life_days < 0 or math.isnan(settings.half_life_days):
		raise RuleError(_("The half-life cannot be negative (0: points never fade)."), title=TITLE)
	for kind, points in settings.points:
		if math.isnan(points) or abs(points) > 1_000_000:
			raise RuleError(_("The points of {0} are not a usable number."), kind, title=TITLE)


def decay_factor(age_seconds: float, half_life_days: float) -> float:
	"""What one point earned ``age_seconds`` ago is worth now (an event in the future: 1)."""
	if half_life_days <= 0:
		return 1.0
	return 0.5 ** (max(age_seconds, 0.0) / (half_life_days * DAY_SECONDS))


def message_events(message: Message) -> list[Event]:
	events = []
	opened = [m for m in (message.first_opened_on, message.first_clicked_on) if m is not None]
	if opened:
		events.append(Event(OPEN, min(opened)))
	if message.first_clicked_on is not None:
		events.append(Event(CLICK, message.first_clicked_on))
	if message.replied_on is not None:
		events.append(Event(REPLY, message.replied_on))
	return events


def unsubscribe_event(moments: Iterable[dt.datetime | None]) -> Event | None:
	"""One event per address, at its latest unsubscribe."""
	moments = [m for m in moments if m is not None]
	return Event(UNSUBSCRIBE, max(moments)) if moments else None


def events_of(
	messages: Iterable[Message] = (),
	forms: Iterable[dt.datetime] = (),
	unsubscribes: Iterable[dt.datetime | None] = (),
) -> list[Event]:
	"""Every scoring event of one person from what the stores hold."""
	events = [event for message in messages for event in message_events(message)]
	events += [Event(FORM, on) for on in forms]
	unsubscribe = unsubscribe_event(unsubscribes)
	if unsubscribe:
		events.append(unsubscribe)
	return events


def engagement(events: Iterable[Event], settings: ScoreSettings, now: dt.datetime) -> float:
	total = 0.0
	for event in events:
		points = settings.points_for(event.kind)
		if points:
			total += points * decay_factor((now - event.on).total_seconds(), settings.half_life_days)
	return total


def fit(rule_points: Iterable[float], matches: Iterable[bool]) -> float:
	"""The points of the fit rules a party meets."""
	return float(sum(points for points, match in zip(rule_points, matches, strict=True) if match))


def score(fit_points: float, events: Iterable[Event], settings: ScoreSettings, now: dt.datetime) -> float:
	return round(fit_points + engagement(events, settings, now), PRECISION)


def crossed(previous: float | None, current: float | None, thresholds: Iterable[float]) -> list[float]:
	"""The thresholds a score crossed upward, from ``previous`` (None: never scored, as 0) to
	``current``."""
	before = previous or 0.0
	after = current or 0.0
	return sorted({t for t in thresholds if before < t <= after})


def moved_across(previous: float | None, current: float | None, thresholds: Sequence[float]) -> bool:
	"""Did the score move to the other side of any threshold (up or down)?"""
	before = previous or 0.0
	after = current or 0.0
	return any((before >= t) != (after >= t) for t in thresholds)


def bucket(value: float | None, width: float) -> float:
	"""The lower bound of the score band ``value`` falls in (bands of ``width`` from 0)."""
	width = width if width and width > 0 else 10.0
	return math.floor((value or 0.0) / width) * width
