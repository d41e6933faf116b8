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
import re
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
	# Throttling replies (see :func:`slow_down`): the per-minute rate the account was cut to, when,
	# the rate that was refused, and until when it sends nothing.
	adaptive: float = 0.0
	slowed_at: float = 0.0
	refused_rate: float = 0.0
	paused_until: float = 0.0

	def as_dict(self) -> dict:
		data = {
			"r": [[r.key, r.count, r.until, int(r.settled), r.slot_end] for r in self.reservations],
			"n": self.next_slot,
			"s": self.seconds_per_message,
		}
		if self.adaptive or self.paused_until:
			data["a"] = [self.adaptive, self.slowed_at, self.refused_rate, self.paused_until]
		return data

	@classmethod
	def from_dict(cls, data: dict | None) -> PaceState:
		if not data:
			return cls()
		adaptive, slowed_at, refused_rate, paused_until = (float(v) for v in data.get("a") or (0, 0, 0, 0))
		return cls(
			tuple(Reservation(k, int(c), float(u), bool(s), float(e)) for k, c, u, s, e in data.get("r", ())),
			float(data.get("n") or 0.0),
			float(data.get("s") or 0.0),
			adaptive,
			slowed_at,
			refused_rate,
			paused_until,
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
	moment = max(now, state.paused_until)
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


# Slowing down on throttling replies (multiplicative decrease, then a slow increase)
DECREASE = 0.5  # a throttled account's rate is halved…
GROWTH = 1.1  # …then grows by a tenth each minute without another throttling reply
MIN_RATE = 1.0  # messages a minute, at the least
UNLIMITED_REFERENCE = 600.0  # an account without a per-minute limit, throttled before any count


def adapted_rate(limits: Limits, state: PaceState, now: float) -> float | None:
	"""The per-minute rate the account is held to after throttling replies (None: not held any
	more — it grew back to the account's own per-minute limit, or for an account without one, to
	twice the rate that was refused)."""
	if not state.adaptive:
		return None
	since = max(now - max(state.slowed_at, state.paused_until), 0.0)
	rate = state.adaptive * GROWTH ** math.floor(since / MINUTE)
	ceiling = limits.per_minute or 2 * max(state.refused_rate, state.adaptive)
	return None if rate >= ceiling else rate


def effective(limits: Limits, state: PaceState, now: float) -> Limits:
	"""The limits in force: the account's, with its per-minute limit lowered while it is held to
	an adapted rate."""
	rate = adapted_rate(limits, state, now)
	if rate is None:
		return limits
	per_minute = max(int(rate), int(MIN_RATE))
	if limits.per_minute:
		per_minute = min(per_minute, limits.per_minute)
	return Limits(per_minute, limits.per_hour, limits.per_day)


def slow_down(limits: Limits, state: PaceState, now: float, pause: float) -> PaceState:
	"""A throttling reply (see :func:`classify`): the account sends nothing for ``pause`` seconds,
	then at half the rate it was sending at (the messages of the last minute, or the rate it was
	held to, or its limit), growing again by :data:`GROWTH` a minute. Replies to messages already
	on their way when the first one came (during the pause) only make the pause last."""
	state = compact(state, now)
	if now < state.paused_until and state.adaptive:
		return replace(state, paused_until=max(state.paused_until, now + pause))
	reference = adapted_rate(limits, state, now) or limits.per_minute or UNLIMITED_REFERENCE
	recent = in_window(state, MINUTE, now)
	if recent:
		reference = min(reference, max(float(recent), MIN_RATE))
	until = now + pause
	return replace(
		state,
		adaptive=max(MIN_RATE, reference * DECREASE),
		slowed_at=now,
		refused_rate=reference,
		paused_until=max(state.paused_until, until),
		next_slot=max(state.next_slot, until),
	)


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
	if state.adaptive and adapted_rate(limits, state, now) is None:
		state = replace(state, adaptive=0.0, slowed_at=0.0, refused_rate=0.0)  # back to its limits
	limits = effective(limits, state, now)
	interval = limits.interval
	if wanted <= 0:
		return state, Grant(0, now, interval, now, now)
	if now < state.paused_until:
		return state, Grant(0, now, interval, now, state.paused_until)
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
#
# A reply speaks for one of three things: the recipient (a mailbox full, greylisting, no such
# user), the message, or the session / the sending account (a rate limit, a busy server, a
# sender refused, a reputation block). Only what speaks for the recipient or the message uses the
# recipient's retries (Frappe's retry limit turns too many into Error, i.e. lost mail); a
# temporary refusal of the session or the account slows the account's limiter down and the
# message waits without a retry counted. RFC 5321 §4.2 (codes), RFC 3463 (enhanced codes: class
# 4.3.x mail system, 4.7.x security or policy), RFC 5321 §6.1 (a transaction without a reply is
# not delivered: the sender tries again, RFC 1047 on the duplicate it may cause).
ACCEPTED = "accepted"  # 2xx after the data: the server has it
RETRY = "retry"  # 4xx for this recipient or message: try again later (the recipient's retries)
REJECTED = "rejected"  # 5xx for this recipient or message: refused for good (a hard bounce)
RECONNECT = "reconnect"  # the session is gone before the final dot: send again on a new one
RESEND = "resend"  # no reply after the final dot (the server or the network failed): not delivered
THROTTLED = "throttled"  # 4xx for the session or the account: slow down, wait, no retry counted
BLOCKED = "blocked"  # 5xx for the sender or its reputation: refused for good, not a hard bounce
UNCERTAIN = "uncertain"  # the worker died after the final dot: kept as sent, "may not have arrived"

# The stage of the transaction a reply answers
CONNECT, MAIL, RCPT, DATA, END_OF_DATA = "connect", "mail", "rcpt", "data", "end of data"

# Enhanced codes (without their class digit) that speak for the sender's authentication or
# reputation: Gmail's x.7.26 (unauthenticated) to x.7.32 (From not aligned), x.7.28 (an unusual
# rate of mail: rate limited), Outlook's x.7.515 (authentication level not met).
REPUTATION = frozenset({"7.26", "7.27", "7.28", "7.29", "7.30", "7.31", "7.32", "7.515"})
# Words of a temporary refusal that speaks for the session or the account, not the recipient.
_THROTTLE_WORDS = (
	"too much mail", "too many", "rate limit", "rate-limit", "ratelimit", "rate of", "throttl",
	"limit exceeded", "exceeded", "server busy", "system busy", "too busy", "busy", "try again in",
	"temporarily rate", "slow down", "congestion", "unusual rate",
)  # fmt: skip
# Words of a permanent refusal of the sending IP or domain (a block list), not of the address.
_BLOCK_WORDS = (
	"spamhaus",
	"blocklist",
	"blacklist",
	"block list",
	"poor reputation",
	"reputation",
	"client host",
)
_RECIPIENT_WORDS = ("greylist", "graylist", "mailbox full", "over quota", "quota exceeded", "mailbox busy")
_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")

THROTTLE_PAUSE = 60  # seconds the account waits after a rate limit (a per-minute window passes)
SESSION_PAUSE = 30  # after a 421 or a busy server
REPUTATION_PAUSE = 600  # Gmail 4.7.28: "do not send for at least 10 minutes"


@dataclass(frozen=True)
class Verdict:
	kind: str
	reputation: bool = False  # an authentication / reputation reply (counted by the guard)
	pause: float = 0.0  # THROTTLED: seconds the account sends nothing (then at a lower rate)
	enhanced: str | None = None  # the reply's enhanced status code, e.g. "4.7.28"

	@property
	def counts_for_recipient(self) -> bool:
		"""Whether the recipient's retries (or a hard bounce) are the consequence."""
		return self.kind in (RETRY, REJECTED)


def enhanced_code(text: str | None) -> str | None:
	"""The first RFC 3463 enhanced status code in a reply's text ("4.7.28"), or None."""
	match = _ENHANCED.search(text or "")
	return ".".join(match.groups()) if match else None


def classify(
	code: int | None, text: str = "", stage: str = RCPT, *, after_final_dot: bool = False
) -> Verdict:
	"""What reply ``code`` (None: no reply, the connection dropped) with ``text``, answering
	``stage``, means for the message being sent."""
	enhanced = enhanced_code(text)
	detail = enhanced.split(".", 1)[1] if enhanced else ""
	reputation = detail in REPUTATION
	lowered = (text or "").lower()
	if code is None or not 200 <= code < 600:
		return Verdict(RESEND if after_final_dot else RECONNECT, enhanced=enhanced)
	if code < 300:
		return Verdict(ACCEPTED, enhanced=enhanced)
	if code < 400:  # 3xx where a final answer belongs: the dialogue is broken
		return Verdict(RESEND if after_final_dot else RECONNECT, enhanced=enhanced)
	if code < 500:
		if detail == "7.28":
			return Verdict(THROTTLED, True, REPUTATION_PAUSE, enhanced)
		if reputation:
			return Verdict(THROTTLED, True, THROTTLE_PAUSE, enhanced)
		if any(word in lowered for word in _RECIPIENT_WORDS) and stage in (RCPT, DATA, END_OF_DATA):
			return Verdict(RETRY, enhanced=enhanced)
		throttle = any(word in lowered for word in _THROTTLE_WORDS)
		if code == 421 or detail.startswith("3.") or detail == "4.5":
			return Verdict(THROTTLED, False, THROTTLE_PAUSE if throttle else SESSION_PAUSE, enhanced)
		if stage in (CONNECT, MAIL) or throttle or detail == "5.3":
			return Verdict(THROTTLED, False, THROTTLE_PAUSE, enhanced)
		return Verdict(RETRY, enhanced=enhanced)
	if reputation or any(word in lowered for word in _BLOCK_WORDS):
		return Verdict(BLOCKED, True, enhanced=enhanced)
	if stage in (CONNECT, MAIL) or (detail.startswith("7.") and stage in (DATA, END_OF_DATA)):
		return Verdict(BLOCKED, enhanced=enhanced)  # the sender, or the message's content
	return Verdict(REJECTED, enhanced=enhanced)


# What became of a message a dead delivery job was handing over (see the delivery journal): the
# job recorded it in the database before its chunk; the final-dot journal (the queue Redis) says
# how far it got — unless Redis was lost since (its epoch changed).
DEAD_ACCEPTED = "accepted"  # the server said 2xx: sent
DEAD_HANDED = "handed"  # its final dot was written, no answer read: kept as sent, may not have arrived
DEAD_NOT_HANDED = "not handed"  # no final dot: the server does not have it: sent again
DEAD_UNKNOWN = "unknown"  # the final-dot journal was lost: sent again, may arrive twice


def dead_job_row(recorded_epoch: str, current_epoch: str, mark: str | None) -> str:
	"""A dead job's row: ``mark`` is its final-dot journal entry ("handed", "accepted" or None),
	read under ``current_epoch``; the job recorded the row under ``recorded_epoch``. Nothing the
	server may have accepted is sent again without a flag (:data:`DEAD_UNKNOWN`), nothing it did
	not accept is left unsent."""
	if recorded_epoch != current_epoch:
		return DEAD_UNKNOWN
	if mark == "accepted":
		return DEAD_ACCEPTED
	if mark == "handed":
		return DEAD_HANDED
	return DEAD_NOT_HANDED


RETRY_DELAYS = (300, 900, 2700, 8100)  # 5, 15, 45 minutes, then 2 h 15 (greylisting needs minutes)


def retry_delay(attempt: int) -> int:
	"""Seconds to wait before attempt ``attempt + 1`` after a temporary failure (attempt ≥ 1)."""
	return RETRY_DELAYS[min(max(attempt, 1), len(RETRY_DELAYS)) - 1]
