# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send windows: each recipient's local send moment, quiet hours, business days, frequency cap.

Moments are timezone-aware UTC datetimes; wall-clock times belong to a recipient's IANA zone.

- A step due on a date, with a send time "in the recipient's time zone", is due at that local
  time (:func:`send_moment`). A local time that does not exist (the hour skipped in spring) is
  read with the offset before the change, i.e. as the same moment one hour later; an ambiguous
  one (the hour repeated in autumn) is its first occurrence.
- A moment inside the quiet hours (which may cross midnight), or on a day that is not a
  business day, is *blocked* (:func:`blocked`); :func:`next_allowed` gives the first allowed
  moment at or after it.
- The frequency cap allows at most ``limit`` sends per address in any ``days``-day window,
  counting every campaign. When more are due than the cap allows, the highest priorities go
  first and the others are deferred to the moment the window allows them (:func:`decide`).

:func:`decide` is what one planner run does with the rows whose moment has come;
:func:`forecast` is the same rules run forward in time, for the dry-run calendar.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from campaign_plus.engine.errors import RuleError, _
from campaign_plus.engine.schedule import (
	BOUNCED,
	COMPLAINED,
	DEFERRED,
	FREQUENCY_CAP,
	NON_BUSINESS_DAY,
	PLANNED,
	QUEUED,
	QUIET_HOURS,
	SENT,
)

UTC = dt.timezone.utc
# The planner runs every 15 minutes: a row whose allowed moment passed less than this long ago
# is on time and keeps that moment; an older one (the scheduler was down) is planned for now.
PLANNER_INTERVAL = dt.timedelta(minutes=15)
# The ledger statuses that count towards the frequency cap: emails sent or about to be.
CAP_STATUSES = (PLANNED, QUEUED, SENT, BOUNCED, COMPLAINED)
# How far ahead a next allowed moment is looked for (a calendar with no business day at all).
SEARCH_DAYS = 400
WEEKEND = frozenset({5, 6})  # Saturday, Sunday (date.weekday())


# --- time zones ---------------------------------------------------------------------------------


@functools.cache
def time_zones() -> frozenset[str]:
	"""The IANA time zone names this machine knows."""
	return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str | None) -> bool:
	return bool(name) and name in time_zones()


def check_time_zone(name: str | None) -> None:
	"""An empty value is allowed (no zone of one's own); anything else must be an IANA name."""
	if name and not is_time_zone(name):
		raise RuleError(
			_(
				"{0} is not a time zone. Choose one from the list, for example Europe/Paris or America/New_York."
			),
			name,
			title=_("Invalid Time Zone"),
		)


def country_zone(time_zones_text: str | None, prefer: str | None = None) -> str | None:
	"""A Country's zone (its time zones one per line, as Frappe stores them): ``prefer`` (the
	site's zone) when it is one of them, else the first valid one."""
	names = [name for name in (time_zones_text or "").replace(",", "\n").split() if is_time_zone(name)]
	if prefer in names:
		return prefer
	return names[0] if names else None


def recipient_zone(own: str | None, countries: Iterable[str | None], site_zone: str) -> str:
	"""The recipient's zone: their own (Lead / Contact field), else their first country's zone
	(primary address first, then the Lead's country; a country with several zones: the site's
	when it is one of them — a New York site's American leads — else the first), else the site's."""
	if is_time_zone(own):
		return own
	for zones in countries:
		if zone := country_zone(zones, prefer=site_zone):
			return zone
	return site_zone


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
	return zoneinfo.ZoneInfo(name)


def local(moment: dt.datetime, zone: str) -> dt.datetime:
	"""``moment`` on the wall clock of ``zone`` (aware)."""
	return moment.astimezone(_zone(zone))


@functools.lru_cache(maxsize=100_000)
def local_label(moment: dt.datetime | None, zone: str | None) -> str | None:
	"""``2027-03-01 09:00`` — the wall-clock time a recipient sees."""
	if moment is None or not zone:
		return None
	return local(moment, zone).strftime("%Y-%m-%d %H:%M")


def to_utc(wall: dt.datetime, zone: str) -> dt.datetime:
	"""A naive wall-clock time of ``zone`` as a UTC moment (gap: offset before; repeat: first)."""
	return wall.replace(tzinfo=_zone(zone), fold=0).astimezone(UTC)


@functools.lru_cache(maxsize=100_000)
def send_moment(due: dt.date, send_time: dt.time | None, zone: str) -> dt.datetime:
	"""The UTC moment a step due on ``due`` goes out: its send time (midnight without one) in ``zone``."""
	return to_utc(dt.datetime.combine(due, send_time or dt.time(0)), zone)


def due_moment(
	due: dt.date, send_time: dt.time | None, in_recipient_zone: bool, zone: str, site_zone: str
) -> dt.datetime:
	"""When a step due on ``due`` is due for a recipient in ``zone``: at its send time in their
	zone (or the site's, when the step says so); a step without send time is due from the start
	of its day in the site's zone, as the planner has always done."""
	if send_time is None:
		return send_moment(due, None, site_zone)
	return send_moment(due, send_time, zone if in_recipient_zone else site_zone)


def _first_instant_at_or_after(wall: dt.datetime, zone: str, after: dt.datetime) -> dt.datetime:
	"""The first moment later than ``after`` whose wall-clock time in ``zone`` is ``wall`` or later.

	``wall`` is later on the wall clock than ``after``'s own wall-clock time.
	"""
	tz = _zone(zone)
	first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
	second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
	if first <= second:  # an ordinary or a repeated wall-clock time: its first occurrence after ``after``
		return next((m for m in (first, second) if m > after), max(second, after + dt.timedelta(minutes=1)))
	# A wall-clock time inside the gap of a change to summer time: the change itself is the first
	# moment showing a later time. It lies between ``second`` and ``first``: bisect on whole seconds.
	low, high = int(second.timestamp()), int(first.timestamp())
	while high - low > 1:
		middle = (low + high) // 2
		if dt.datetime.fromtimestamp(middle, tz).replace(tzinfo=None) >= wall:
			high = middle
		else:
			low = middle
	return max(dt.datetime.fromtimestamp(high, UTC), after + dt.timedelta(seconds=1))


# --- times of day ---------------------------------------------------------------------------------

# The times a send time or quiet hours may take: every quarter of an hour, as the planner runs.
QUARTER_HOURS = tuple(f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in (0, 15, 30, 45))
# The options of those Select fields (empty first: no time).
QUARTER_HOUR_OPTIONS = "\n".join(("", *QUARTER_HOURS))


def clock(value: str | dt.time | None) -> dt.time | None:
	"""A time of day from a field's value ("09:30", "09:30:00"); None for an empty one."""
	if value is None or isinstance(value, dt.time):
		return value
	text = str(value).strip()
	return dt.time.fromisoformat(text) if text else None


# --- quiet hours and business days ---------------------------------------------------------------

# A campaign's "Quiet Hours": those of the settings, its own, or none.
DEFAULT_QUIET, CUSTOM_QUIET, NO_QUIET = "Default", "Custom", "Off"
QUIET_HOURS_LABELS = (_("Default"), _("Custom"), _("Off"))  # marked for translation


@dataclass(frozen=True)
class QuietHours:
	"""No sending from ``start`` (included) to ``end`` (excluded), local time; may cross midnight."""

	start: dt.time
	end: dt.time

	def contains(self, moment: dt.time) -> bool:
		moment = moment.replace(tzinfo=None)
		if self.start < self.end:
			return self.start <= moment < self.end
		return moment >= self.start or moment < self.end


def check_quiet_hours(start: dt.time | None, end: dt.time | None, where: str) -> None:
	"""Both times or neither, leaving at least one planner interval a day for sending."""
	if (start is None) != (end is None) or (
		start is not None and _open_minutes(start, end) < _INTERVAL_MINUTES
	):
		raise RuleError(
			_(
				"{0}: give both the start and the end of the quiet hours, leaving at least 15 minutes a day for sending (for example 20:00 to 08:00)."
			),
			where,
			title=_("Invalid Quiet Hours"),
		)


_INTERVAL_MINUTES = PLANNER_INTERVAL.total_seconds() / 60


def _open_minutes(start: dt.time, end: dt.time) -> float:
	"""How long a day is outside quiet hours from ``start`` to ``end`` (minutes)."""
	minutes = lambda t: t.hour * 60 + t.minute + t.second / 60  # noqa: E731
	return (minutes(start) - minutes(end)) % (24 * 60)


def quiet_hours(start: dt.time | None, end: dt.time | None) -> QuietHours | None:
	if start is None or end is None or start == end:
		return None
	return QuietHours(start, end)


@dataclass(frozen=True)
class BusinessCalendar:
	"""A company's working days, from its Holiday List.

	Between ``start`` and ``end`` (the list's dates) a day is a business day unless it is in
	``holidays`` (ERPNext records the weekly days off there too). Outside them, the weekdays
	the list marks as weekly off (``weekend``) and the holidays still count.
	"""

	holidays: frozenset[dt.date] = frozenset()
	weekend: frozenset[int] = WEEKEND
	start: dt.date | None = None
	end: dt.date | None = None

	def is_business_day(self, day: dt.date) -> bool:
		if day in self.holidays:
			return False
		if self.start and self.end and self.start <= day <= self.end:
			return True
		return day.weekday() not in self.weekend


def holiday_calendar(
	holidays: Iterable[tuple[dt.date, bool]], start: dt.date | None = None, end: dt.date | None = None
) -> BusinessCalendar:
	"""A calendar from a Holiday List's rows (date, weekly off?) and its from / to dates.

	Its weekend is the weekdays it marks as weekly off; a list with no weekly off at all has none.
	"""
	rows = list(holidays)
	weekend = frozenset(day.weekday() for day, weekly_off in rows if weekly_off)
	return BusinessCalendar(frozenset(day for day, _weekly in rows), weekend, start, end)


# A company without a Holiday List: Saturday and Sunday off.
DEFAULT_CALENDAR = BusinessCalendar()


@dataclass(frozen=True)
class SendWindow:
	"""When a campaign may send: outside its quiet hours, on business days if ``calendar`` is set."""

	quiet: QuietHours | None = None
	calendar: BusinessCalendar | None = None

	@property
	def open(self) -> bool:
		return self.quiet is None and self.calendar is None


ALWAYS = SendWindow()


def blocked(moment: dt.datetime, zone: str, window: SendWindow) -> str | None:
	"""Why ``moment`` is not allowed for a recipient in ``zone`` (a day off first), or None."""
	if window.open:
		return None
	wall = local(moment, zone)
	if window.calendar is not None and not window.calendar.is_business_day(wall.date()):
		return NON_BUSINESS_DAY
	if window.quiet is not None and window.quiet.contains(wall.time()):
		return QUIET_HOURS
	return None


def _next_boundary(moment: dt.datetime, zone: str, window: SendWindow) -> dt.datetime:
	"""A later moment where the reason ``moment`` is blocked ends (the next day, the quiet end)."""
	wall = local(moment, zone).replace(tzinfo=None)
	if window.calendar is not None and not window.calendar.is_business_day(wall.date()):
		target = dt.datetime.combine(wall.date() + dt.timedelta(days=1), dt.time(0))
	else:
		quiet = window.quiet
		day = wall.date()
		if quiet.start > quiet.end and wall.time() >= quiet.start:  # evening part of a night window
			day += dt.timedelta(days=1)
		target = dt.datetime.combine(day, quiet.end)
	return _first_instant_at_or_after(target, zone, moment)


@functools.lru_cache(maxsize=200_000)
def next_allowed(moment: dt.datetime, zone: str, window: SendWindow) -> dt.datetime | None:
	"""The first moment at or after ``moment`` outside the quiet hours and on a business day.

	None when there is none within :data:`SEARCH_DAYS` days (a calendar without business days).
	"""
	limit = moment + dt.timedelta(days=SEARCH_DAYS)
	while moment <= limit:
		if blocked(moment, zone, window) is None:
			return moment
		moment = _next_boundary(moment, zone, window)
	return None


# --- the frequency cap ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FrequencyCap:
	"""At most ``limit`` campaign emails per address in any window of ``days`` days (0: no cap)."""

	limit: int = 0
	days: int = 7

	@property
	def active(self) -> bool:
		return self.limit > 0 and self.days > 0

	@property
	def window(self) -> dt.timedelta:
		return dt.timedelta(days=self.days)

	def since(self, now: dt.datetime, slack: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
		"""Sends after this moment count at ``now`` (``slack``: see :meth:`allows`)."""
		return now - self.window - slack

	def allows(
		self, moments: Sequence[dt.datetime], moment: dt.datetime, slack: dt.timedelta = dt.timedelta(0)
	) -> bool:
		"""Whether one more send at ``moment`` — or up to ``slack`` before it — keeps every window
		of ``days`` days within the cap, given the other send ``moments`` of the address."""
		return not self.active or sum(m > self.since(moment, slack) for m in moments) < self.limit

	def release(
		self, moments: Sequence[dt.datetime], start: dt.datetime, slack: dt.timedelta = dt.timedelta(0)
	) -> dt.datetime:
		"""The first moment at or after ``start`` where :meth:`allows` holds."""
		if not self.active or len(moments) < self.limit:
			return start
		return max(start, sorted(moments)[-self.limit] + self.window + slack)


def check_cap(limit: int | None, days: int | None) -> None:
	if (limit or 0) < 0 or (limit and (days or 0) <= 0):
		raise RuleError(
			_(
				"The frequency cap needs a number of emails and a number of days greater than zero (for example 2 per 7 days)."
			),
			title=_("Invalid Frequency Cap"),
		)


# --- deciding the rows of a planner run -----------------------------------------------------------


class Candidate(NamedTuple):  # a named tuple: a planner run makes 100,000 of them
	"""A row whose send moment has come (or will come, for :func:`forecast`).

	``key`` is the caller's identity of the row; ``due`` is its local send moment in UTC (for a
	deferred row promoted again: the moment it became allowed); ``order`` breaks priority ties
	(earlier first).
	"""

	key: Hashable
	email: str
	zone: str
	due: dt.datetime
	window: SendWindow = ALWAYS
	priority: int = 0
	order: tuple = ()


class Decision(NamedTuple):
	"""PLANNED (sent now, recorded at ``send_at``) or DEFERRED (``reason``, allowed at ``send_at``)."""

	key: Hashable
	status: str
	send_at: dt.datetime | None
	reason: str | None = None
	zone: str | None = None

	@property
	def local_time(self) -> str | None:
		return local_label(self.send_at, self.zone)


def _rank(candidate: Candidate) -> tuple:
	return (-candidate.priority, candidate.due, candidate.order)


def decide(
	candidates: Iterable[Candidate],
	now: dt.datetime,
	*,
	cap: FrequencyCap | None = None,
	history: Mapping[str, Sequence[dt.datetime]] | None = None,
	interval: dt.timedelta = PLANNER_INTERVAL,
) -> list[Decision]:
	"""What one planner run at ``now`` does with the rows due by then (rows not due yet: nothing).

	A row is deferred when ``now`` is inside its quiet hours or on a day off (to the next
	allowed moment), or when its address had its share of emails (``history``: the send moments
	of every campaign's rows per address, lower case) — the highest priorities are sent first,
	the others deferred to the moment the cap and their window allow. A sent row keeps its
	allowed moment when that passed within the last ``interval`` (on time), else it is sent now.
	"""
	cap = cap or FrequencyCap()
	sent: dict[str, list[dt.datetime]] = defaultdict(list)
	for email, moments in (history or {}).items():
		sent[email].extend(m for m in moments if m > cap.since(now, interval))
	decisions: list[Decision] = []
	blocked_now = functools.cache(lambda zone, window: blocked(now, zone, window))
	for candidate in sorted((c for c in candidates if c.due <= now), key=_rank):
		reason = blocked_now(candidate.zone, candidate.window)
		if reason:
			allowed = next_allowed(now, candidate.zone, candidate.window)
			decisions.append(Decision(candidate.key, DEFERRED, allowed, reason, candidate.zone))
			continue
		allowed = next_allowed(candidate.due, candidate.zone, candidate.window) or now
		moment = allowed if allowed >= now - interval else now
		moments = sent[candidate.email] if candidate.email else []
		# One check per run, at ``now``, covering any moment recorded within the last interval:
		# every row of the run is judged alike, so priorities are never inverted.
		if cap.allows(moments, now, interval):
			moments.append(moment)
			decisions.append(Decision(candidate.key, PLANNED, moment, None, candidate.zone))
			continue
		release = _release(cap, moments, now, candidate, interval)
		if release is not None:
			moments.append(release)  # the next deferred row of this address waits for this one
		decisions.append(Decision(candidate.key, DEFERRED, release, FREQUENCY_CAP, candidate.zone))
	return decisions


def _release(
	cap: FrequencyCap,
	moments: list[dt.datetime],
	start: dt.datetime,
	candidate: Candidate,
	slack: dt.timedelta,
) -> dt.datetime | None:
	"""The first moment from ``start`` that the cap and the candidate's window both allow."""
	moment = start
	for _attempt in range(SEARCH_DAYS):
		moment = next_allowed(cap.release(moments, moment, slack), candidate.zone, candidate.window)
		if moment is None or cap.allows(moments, moment, slack):
			return moment
	return None


# --- the dry run ----------------------------------------------------------------------------------


class Forecast(NamedTuple):
	"""When a row will go out: ``send_at``; ``deferred_by`` says why it waits (None: on time)."""

	key: Hashable
	due: dt.datetime
	send_at: dt.datetime | None
	deferred_by: str | None
	zone: str


def forecast(
	candidates: Iterable[Candidate],
	*,
	cap: FrequencyCap | None = None,
	history: Mapping[str, Sequence[dt.datetime]] | None = None,
) -> list[Forecast]:
	"""The planner's rules run forward: each row's send moment, in order of due moment.

	Rows due at the same moment compete by priority; ``history`` holds the sends already in the
	ledger per address. A row is deferred by its window (quiet hours, day off) or by the cap.
	"""
	cap = cap or FrequencyCap()
	sent: dict[str, list[dt.datetime]] = defaultdict(list)
	for email, moments in (history or {}).items():
		sent[email].extend(moments)
	result = []
	for candidate in sorted(candidates, key=lambda c: (c.due, -c.priority, c.order)):
		reason = blocked(candidate.due, candidate.zone, candidate.window)
		moment = next_allowed(candidate.due, candidate.zone, candidate.window)
		moments = sent[candidate.email] if candidate.email else []
		if moment is not None and not cap.allows(moments, moment, PLANNER_INTERVAL):
			moment = _release(cap, moments, moment, candidate, PLANNER_INTERVAL)
			reason = reason or FREQUENCY_CAP
		if moment is not None and candidate.email:
			moments.append(moment)
		result.append(Forecast(candidate.key, candidate.due, moment, reason, candidate.zone))
	return result


@dataclass
class DayForecast:
	"""One day of the dry-run calendar for one group (e.g. a step)."""

	to_send: int = 0
	deferred: dict[str, int] = field(default_factory=dict)
	local_times: dict[str, int] = field(default_factory=dict)  # "09:00 Europe/Paris" → count
	excluded: dict[str, int] = field(default_factory=dict)  # filled by the caller (skipped rows)
	variants: dict[str, int] = field(default_factory=dict)  # filled by the caller (A/B test split)


def by_day(forecasts: Iterable[Forecast], site_zone: str, group=lambda f: None) -> dict[tuple, DayForecast]:
	"""Per (site date, group): rows sent that day (with their local times), and rows due that
	day that wait until a later day, by reason."""
	days: dict[tuple, DayForecast] = defaultdict(DayForecast)
	for item in forecasts:
		key = group(item)
		due_day = local(item.due, site_zone).date()
		if item.send_at is None:
			day = days[(due_day, key)]
			day.deferred[item.deferred_by] = day.deferred.get(item.deferred_by, 0) + 1
			continue
		send_day = local(item.send_at, site_zone).date()
		if item.deferred_by and send_day != due_day:
			day = days[(due_day, key)]
			day.deferred[item.deferred_by] = day.deferred.get(item.deferred_by, 0) + 1
		day = days[(send_day, key)]
		day.to_send += 1
		label = f"{local(item.send_at, item.zone):%H:%M} {item.zone}"
		day.local_times[label] = day.local_times.get(label, 0) + 1
	return days
