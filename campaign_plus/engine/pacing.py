# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Pacing campaign email to the mail provider's limits: how many may go now, when capacity
returns, when a send will be finished, and what an SMTP reply means for a message.

**Limits.** A sending account may have a maximum per minute, per hour and per day (0 = none).
They hold over *sliding* windows: at no moment do more than L messages fall within the last
W seconds (not merely "per calendar minute", which would let 2 L through around a boundary).

**Reservations.** A delivery job asks for up to n slots and gets k of them (0 ≤ k ≤ n): slot
times ``start + i * interval``. It must hand message i to the server no sooner than its slot and
no later than the grant's ``until``. The state records each reservation as (count, until); it
counts in the window ending at t while ``until > t - W``. When done, the job *settles* it: the
count becomes what it really sent, ``until`` its last send. Why no window ever holds more than
L: take any window (a, a + W] and, among the reservations with a send inside it, the one granted
last, at g ≤ a + W (its sends come after its grant). Every other one was granted before g and
has a send after a, so its ``until`` > a ≥ g - W: it was counted at g. The grant checked that
all of them together stay within L.

Windows longer than a minute count ``until`` rounded up (to the minute for the hour, to ten
minutes for the day): conservative by at most 1.7 % and 0.7 %, and it lets old settled
reservations be merged into one per rounded value without changing any count, so the state
stays small (about one entry per second of the last minute, per minute of the last hour, per
ten minutes of the last day) and "when capacity returns" stays exact as time passes.

**Smoothing.** With a per-minute limit L, slots are ``60 / L`` seconds apart, shared by all
jobs: the server sees a steady rate instead of L messages at the start of every minute.

Nothing here knows Redis or SMTP: the delivery service keeps a :class:`PaceState` in Redis and
updates it atomically with these functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from campaign_plus.engine.errors import RuleError, _

MINUTE, HOUR, DAY = 60, 3600, 86400
# How finely each window counts ``until`` (see the module's docstring).
GRANULARITY = {MINUTE: 0, HOUR: 60, DAY: 600}
HORIZON = 1.0  # a grant covers the slots of the next second at most (keeps the windows tight)
HOLD = 2.0  # a job may hand a granted message over up to this long after its slot


@dataclass(frozen=True)
class Limits:
	per_minute: int = 0
	per_hour: int = 0
	per_day: int = 0

	def __post_init__(self):
		for value in (self.per_minute, self.per_hour, self.per_day):
			if value is None or int(value) != value or value < 0:
				raise RuleError(_("A sending limit must be a whole number, 0 or more (0: no limit)."))

	@property
	def windows(self) -> tuple[tuple[int, int], ...]:
		"""(window seconds, limit) of each limit set."""
		pairs = ((MINUTE, self.per_minute), (HOUR, self.per_hour), (DAY, self.per_day))
		return tuple((window, int(limit)) for window, limit in pairs if limit)

	@property
	def interval(self) -> float:
		"""Seconds between two slots (0: no smoothing)."""
		return MINUTE / self.per_minute if self.per_minute else 0.0

	@property
	def unlimited(self) -> bool:
		return not self.windows

	def steady_rate(self) -> float:
		"""Messages per second that can be kept up for ever (inf without limits)."""
		return min((limit / window for window, limit in self.windows), default=math.inf)


@dataclass(frozen=True)
class Reservation:
	key: str
	count: int
	until: float
	settled: bool = False
	slot_end: float = 0.0  # the slot after its last one (to give unused slots back)


@dataclass(frozen=True)
class PaceState:
	reservations: tuple[Reservation, ...] = ()
	next_slot: float = 0.0
	seconds_per_message: float = 0.0  # measured send time of one message, unpaced (for the ETA)

	def as_dict(self) -> dict:
		return {
			"r": [[r.key, r.count, r.until, int(r.settled), r.slot_end] for r in self.reservations],
			"n": self.next_slot,
			"s": self.seconds_per_message,
		}

	@classmethod
	def from_dict(cls, data: dict | None) -> PaceState:
		if not data:
			return cls()
		return cls(
			tuple(Reservation(k, int(c), float(u), bool(s), float(e)) for k, c, u, s, e in data.get("r", ())),
			float(data.get("n") or 0.0),
			float(data.get("s") or 0.0),
		)


@dataclass(frozen=True)
class Grant:
	count: int
	start: float
	interval: float
	until: float
	retry_at: float | None = None  # when nothing was granted: the earliest time something will be

	def slot(self, i: int) -> float:
		return self.start + i * self.interval


def _ceil(value: float, granularity: int) -> float:
	return math.ceil(value / granularity) * granularity if granularity else value


def counted_until(reservation: Reservation, window: int) -> float:
	return _ceil(reservation.until, GRANULARITY.get(window, 0))


def expires(reservation: Reservation, window: int) -> float:
	"""From this moment on, ``reservation`` no longer counts in windows of ``window`` seconds."""
	return counted_until(reservation, window) + window


def in_window(state: PaceState, window: int, now: float) -> int:
	"""How many messages count in the window of ``window`` seconds ending at ``now``."""
	return sum(r.count for r in state.reservations if expires(r, window) > now)


def room(limits: Limits, state: PaceState, now: float) -> float:
	"""How many more the windows allow at ``now`` (inf without limits)."""
	return max(
		0, min((limit - in_window(state, window, now) for window, limit in limits.windows), default=math.inf)
	)


def _slots_by(start: float, interval: float, moment: float) -> int:
	"""How many slots from ``start`` fall at or before ``moment`` (tolerant of rounding)."""
	return max(0, math.floor((moment - start) / interval + 1e-9) + 1)


def capacity_returns(limits: Limits, state: PaceState, now: float, horizon: float = HORIZON) -> float:
	"""The earliest moment ≥ ``now`` at which a reservation gets at least one slot."""
	moment = now
	for window, limit in limits.windows:
		active = sorted((expires(r, window), r.count) for r in state.reservations if expires(r, window) > now)
		excess = sum(count for _expiry, count in active) - limit + 1
		for expiry, count in active:
			if excess <= 0:
				break
			excess -= count
			moment = max(moment, expiry)
	if limits.interval:
		moment = max(moment, state.next_slot - horizon)
	return moment


def compact(state: PaceState, now: float) -> PaceState:
	"""Drop what counts in no window any more; merge old settled reservations (counts unchanged)."""
	kept: list[Reservation] = []
	merged: dict[tuple[str, float], int] = {}
	for r in state.reservations:
		if expires(r, DAY) <= now:
			continue
		if r.settled and counted_until(r, DAY) + HOUR <= now:
			bucket = ("d", counted_until(r, DAY))
		elif r.settled and counted_until(r, HOUR) + MINUTE <= now:
			bucket = ("h", counted_until(r, HOUR))
		else:
			kept.append(r)
			continue
		merged[bucket] = merged.get(bucket, 0) + r.count
	buckets = tuple(
		Reservation(f"~{kind}{until:.0f}", count, until, True)
		for (kind, until), count in sorted(merged.items())
	)
	return replace(state, reservations=buckets + tuple(kept))


def reserve(
	limits: Limits,
	state: PaceState,
	now: float,
	wanted: int,
	key: str,
	*,
	horizon: float = HORIZON,
	hold: float = HOLD,
) -> tuple[PaceState, Grant]:
	"""Grant up to ``wanted`` slots at ``now``; the new state records the reservation as ``key``."""
	state = compact(state, now)
	interval = limits.interval
	if wanted <= 0:
		return state, Grant(0, now, interval, now, now)
	if limits.unlimited:
		return state, Grant(wanted, now, 0.0, now + hold)
	start = max(now, state.next_slot) if interval else now
	count = min(wanted, room(limits, state, now))
	if interval:
		count = min(count, _slots_by(start, interval, now + horizon))
	count = int(count)
	if count <= 0:
		return state, Grant(0, start, interval, now, capacity_returns(limits, state, now, horizon))
	until = start + (count - 1) * interval + hold
	slot_end = start + count * interval
	reservation = Reservation(key, count, until, False, slot_end)
	state = replace(
		state,
		reservations=(*state.reservations, reservation),
		next_slot=slot_end if interval else state.next_slot,
	)
	return state, Grant(count, start, interval, until)


def settle(
	state: PaceState, key: str, used: int, last_sent: float | None, interval: float = 0.0
) -> PaceState:
	"""The job is done with reservation ``key``: it sent ``used`` messages, the last at ``last_sent``."""
	reservations = []
	next_slot = state.next_slot
	for r in state.reservations:
		if r.key != key or r.settled:
			reservations.append(r)
			continue
		used = max(0, min(used, r.count))
		if interval and used < r.count and math.isclose(state.next_slot, r.slot_end):
			# nobody reserved after it: its unused slots go back
			first = r.slot_end - r.count * interval
			next_slot = first + used * interval
		if used:
			until = r.until if last_sent is None else min(r.until, last_sent)
			reservations.append(replace(r, count=used, until=until, settled=True))
	return replace(state, reservations=tuple(reservations), next_slot=next_slot)


def observe(state: PaceState, messages: int, seconds: float, weight: float = 0.2) -> PaceState:
	"""Record how long ``messages`` took to send, unpaced (moving average of one message)."""
	if messages <= 0 or seconds <= 0:
		return state
	sample = seconds / messages
	previous = state.seconds_per_message
	value = sample if not previous else previous + weight * (sample - previous)
	return replace(state, seconds_per_message=value)


def finish_time(
	limits: Limits, state: PaceState, now: float, remaining: int, rate: float, max_steps: int = 5000
) -> float:
	"""When ``remaining`` messages will all have been sent, at ``rate`` per second (unpaced) under
	the limits: the minute limit as the steady rate the one-second reservations give, the hour
	and day limits played forward from ``state`` with the limiter's own rules, a minute of
	sending at a time."""
	if remaining <= 0:
		return now
	rate = max(rate, 1e-6)
	if limits.per_minute:
		rate = min(rate, limits.per_minute / (MINUTE + HORIZON))
	coarse = Limits(0, limits.per_hour, limits.per_day)
	if coarse.unlimited:
		return now + remaining / rate
	chunk = max(1, math.floor(rate * MINUTE))
	moment, left = now, remaining
	for number in range(max_steps):
		key = f"~eta{number}"
		state, grant = reserve(coarse, state, moment, min(left, chunk), key, hold=MINUTE)
		if not grant.count:
			moment = max(grant.retry_at, moment)
			continue
		last = moment + (grant.count - 1) / rate
		state = settle(state, key, grant.count, last)
		left -= grant.count
		moment = last + 1 / rate
		if left <= 0:
			return moment
	return moment + left / min(rate, coarse.steady_rate())


# What an SMTP reply means for one message
ACCEPTED = "accepted"  # 2xx after the data: the server has it
RETRY = "retry"  # 4xx for this message or recipient: try again later (backoff)
REJECTED = "rejected"  # 5xx: refused for good (a hard bounce)
RECONNECT = "reconnect"  # the session is gone (421, dropped) before the message was handed over
UNCERTAIN = "uncertain"  # dropped after the final dot: the server may have it; never sent again


def outcome(code: int | None, after_final_dot: bool = False) -> str:
	"""What a reply ``code`` (None: no reply, the connection dropped) means for the message."""
	if code is None or code == 421:
		return UNCERTAIN if after_final_dot else RECONNECT
	if 200 <= code < 300:
		return ACCEPTED
	if 400 <= code < 500:
		return RETRY
	if 500 <= code < 600:
		return REJECTED
	return UNCERTAIN if after_final_dot else RECONNECT


RETRY_DELAYS = (300, 900, 2700, 8100)  # 5, 15, 45 minutes, then 2 h 15 (greylisting needs minutes)


def retry_delay(attempt: int) -> int:
	"""Seconds to wait before attempt ``attempt + 1`` after a temporary failure (attempt ≥ 1)."""
	return RETRY_DELAYS[min(max(attempt, 1), len(RETRY_DELAYS)) - 1]
