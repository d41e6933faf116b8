# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import bisect
import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.pacing import (
	ACCEPTED,
	BLOCKED,
	CONNECT,
	DATA,
	DAY,
	DEAD_ACCEPTED,
	DEAD_HANDED,
	DEAD_NOT_HANDED,
	DEAD_UNKNOWN,
	DECREASE,
	END_OF_DATA,
	HOUR,
	MAIL,
	MINUTE,
	RCPT,
	RECONNECT,
	REJECTED,
	REPUTATION,
	RESEND,
	RETRY,
	THROTTLED,
	UNLIMITED_REFERENCE,
	Limits,
	PaceState,
	Reservation,
	capacity_returns,
	classify,
	compact,
	dead_job_row,
	effective,
	enhanced_code,
	finish_time,
	in_window,
	observe,
	reserve,
	retry_delay,
	settle,
	slow_down,
)

limits_strategy = st.builds(
	Limits,
	per_minute=st.sampled_from([0, 0, 1, 3, 7, 20, 60]),
	per_hour=st.sampled_from([0, 0, 5, 40, 200]),
	per_day=st.sampled_from([0, 0, 10, 90, 500]),
)
# Time steps of every scale: within a slot, within a minute, an hour, a day; None: straight to
# the moment the limiter said capacity returns (the boundary where counting mistakes show).
step_strategy = st.one_of(
	st.none(),
	st.none(),
	st.none(),
	st.just(0.0),
	st.floats(0, 3),
	st.floats(0, 90),
	st.floats(0, 4000),
	st.floats(0, 90_000),
)
edge_strategy = st.one_of(st.just(0.0), st.just(1.0), st.floats(0, 1))


def max_in_any_window(times: list[float], window: int) -> int:
	"""The most sends in any window (t - window, t] (the worst windows end on a send)."""
	times = sorted(times)
	best = 0
	for i, t in enumerate(times):
		first = bisect.bisect_right(times, t - window)
		best = max(best, i + 1 - first)
	return best


def assert_within_limits(limits: Limits, times: list[float]):
	for window, limit in limits.windows:
		assert max_in_any_window(times, window) <= limit, (window, limit)


@settings(max_examples=2000, deadline=None)
@given(
	limits=limits_strategy,
	actions=st.lists(
		st.tuples(
			step_strategy,  # time passes
			st.integers(0, 2),  # which of three workers acts
			st.integers(1, 40),  # how many it wants
			edge_strategy,  # the share of its grant it uses
			edge_strategy,  # how late after each slot it sends (share of what the grant allows)
		),
		max_size=30,
	),
)
def test_no_window_ever_holds_more_than_its_limit(limits, actions):
	"""Three workers settle what they hold (having sent late or early within their grant, or only
	part of it) and reserve again, interleaved: every send, in every sliding window, stays
	within the limits."""
	state, clock, sends = PaceState(), 1_000_000.0, []
	open_grants: dict[int, tuple] = {}
	returns = clock
	for number, (step, worker, wanted, share, lateness) in enumerate(actions):
		clock = max(clock, returns) if step is None else clock + step
		if worker in open_grants:  # its sends are all in the past by now
			key, used, times = open_grants.pop(worker)
			clock = max(clock, times[-1] if times else clock)
			state = settle(state, key, used, times[-1] if times else None, limits.interval)
			sends.extend(times)
		key = f"w{worker}-{number}"
		state, grant = reserve(limits, state, clock, wanted, key)
		assert 0 <= grant.count <= wanted
		if not grant.count:
			assert grant.retry_at >= clock
			returns = grant.retry_at
			continue
		used = math.floor(grant.count * share)
		times, previous = [], clock
		for i in range(used):
			earliest = max(grant.slot(i), previous)
			at = earliest + (grant.until - earliest) * lateness
			assert at <= grant.until
			times.append(at)
			previous = at
		open_grants[worker] = (key, used, times)
	for _key, _used, times in open_grants.values():
		sends.extend(times)
	assert_within_limits(limits, sends)


@settings(max_examples=200, deadline=None)
@given(
	limits=limits_strategy,
	messages=st.integers(1, 400),
	workers=st.integers(1, 3),
	seconds_per_message=st.sampled_from([0.001, 0.05, 0.7]),
)
def test_nothing_is_dropped_and_capacity_returns_when_announced(
	limits, messages, workers, seconds_per_message
):
	"""Workers that stop when nothing is granted and come back when told deliver every message once,
	within the limits; when they come back, something is granted."""
	state, clock = PaceState(), 5_000_000.0
	waiting_until = [clock] * workers
	left, sends, steps = messages, [], 0
	while left:
		steps += 1
		assert steps < 20_000
		worker = min(range(workers), key=lambda w: waiting_until[w])
		clock = max(clock, waiting_until[worker])
		state, grant = reserve(limits, state, clock, min(left, 25), f"k{steps}")
		if not grant.count:
			assert grant.retry_at >= clock
			# exact: nothing before, something at the announced moment
			if grant.retry_at > clock + 1e-6:
				assert reserve(limits, state, (clock + grant.retry_at) / 2, 1, "probe")[1].count == 0
			assert reserve(limits, state, grant.retry_at, 1, "probe")[1].count == 1
			waiting_until[worker] = grant.retry_at
			continue
		at, times = clock, []
		for i in range(grant.count):
			at = max(at, grant.slot(i))
			times.append(at)
			at += seconds_per_message
		last = max(t for t in times)
		assume(last <= grant.until)  # a very slow sender would stop early; covered above
		state = settle(state, f"k{steps}", grant.count, last, limits.interval)
		sends.extend(times)
		left -= grant.count
		waiting_until[worker] = at
	assert len(sends) == messages
	assert_within_limits(limits, sends)


def test_a_minute_limit_is_kept_as_a_steady_rate():
	"""600 a minute: one slot every 0.1 s, and the measured rate within 2 % of the limit."""
	limits, state, clock, sends = Limits(per_minute=600), PaceState(), 0.0, []
	while len(sends) < 1800:
		state, grant = reserve(limits, state, clock, 50, f"k{len(sends)}-{clock}")
		if not grant.count:
			clock = grant.retry_at
			continue
		times = [grant.slot(i) for i in range(grant.count)]
		state = settle(state, f"k{len(sends)}-{clock}", grant.count, times[-1], limits.interval)
		sends.extend(times)
		clock = times[-1] + 0.002
	gaps = [b - a for a, b in itertools.pairwise(sends)]
	assert min(gaps) >= 0.1 - 1e-9
	rate = (len(sends) - 1) / (sends[-1] - sends[0]) * 60
	assert 588 <= rate <= 600, rate
	assert_within_limits(limits, sends)


@settings(max_examples=200, deadline=None)
@given(
	reservations=st.lists(st.tuples(st.integers(1, 30), st.floats(0, 200_000), st.booleans()), max_size=80),
	now=st.floats(0, 250_000),
	later=st.lists(st.floats(0, 100_000), min_size=1, max_size=5),
)
def test_compaction_changes_no_count_now_or_later(reservations, now, later):
	state = PaceState(tuple(Reservation(f"r{i}", c, u, s) for i, (c, u, s) in enumerate(reservations)))
	small = compact(state, now)
	assert len(small.reservations) <= len(state.reservations)
	for t in [now, *(now + d for d in later)]:
		for window in (MINUTE, HOUR, DAY):
			assert in_window(small, window, t) == in_window(state, window, t)
	assert capacity_returns(Limits(5, 30, 100), small, now) == capacity_returns(
		Limits(5, 30, 100), state, now
	)


def test_the_state_stays_small_over_a_day_of_sending():
	limits, state, clock = Limits(per_minute=120, per_hour=5000, per_day=50_000), PaceState(), 0.0
	sent = 0
	while clock < DAY:
		state, grant = reserve(limits, state, clock, 10, f"k{clock}")
		if grant.count:
			last = grant.slot(grant.count - 1)
			state = settle(state, f"k{clock}", grant.count, last, limits.interval)
			sent += grant.count
			clock = last + 0.01
		else:
			clock = grant.retry_at
	assert sent >= 49_000
	assert len(compact(state, clock).reservations) < 400
	assert PaceState.from_dict(state.as_dict()) == state


def test_unused_slots_are_given_back():
	limits = Limits(per_minute=60)  # one a second
	state, grant = reserve(limits, PaceState(), 100.0, 5, "a", horizon=10)
	assert grant.count == 5 and state.next_slot == 105.0
	state = settle(state, "a", 2, 101.0, limits.interval)
	assert state.next_slot == 102.0
	assert in_window(state, MINUTE, 101.0) == 2


def test_a_day_limit_lets_a_burst_through_then_waits_a_day():
	limits = Limits(per_day=100)
	state, grant = reserve(limits, PaceState(), 0.0, 150, "a")
	assert grant.count == 100
	state = settle(state, "a", 100, 3.0)
	state, grant = reserve(limits, state, 10.0, 50, "b")
	assert grant.count == 0 and grant.retry_at == 600 + DAY  # its last send, 3 s, counts as 10 minutes


def test_without_limits_everything_is_granted_at_once():
	state, grant = reserve(Limits(), PaceState(), 7.0, 10_000, "a")
	assert grant.count == 10_000 and grant.start == 7.0 and state == PaceState()


@pytest.mark.parametrize("values", [(-1, 0, 0), (0, 1.5, 0), (0, 0, None)])
def test_limits_are_whole_numbers(values):
	with pytest.raises(RuleError):
		Limits(*values)


@settings(max_examples=200, deadline=None)
@given(
	limits=limits_strategy,
	remaining=st.integers(0, 3000),
	more=st.integers(0, 3000),
	rate=st.sampled_from([0.5, 20.0, 300.0]),
)
def test_finish_time_is_monotone_and_never_beats_the_raw_rate(limits, remaining, more, rate):
	now = 1000.0
	first = finish_time(limits, PaceState(), now, remaining, rate)
	assert first >= now + remaining / rate - 1e-6
	assert finish_time(limits, PaceState(), now, remaining + more, rate) >= first
	if limits.unlimited:
		assert first == pytest.approx(now + remaining / rate)


def test_finish_time_under_limits():
	assert finish_time(Limits(), PaceState(), 0, 10_000, 200.0) == pytest.approx(50)
	# 600 a minute: 10 a second (a little less: one-second reservations, counted a second longer)
	assert 1000 <= finish_time(Limits(per_minute=600), PaceState(), 0, 10_000, 200.0) <= 1020
	# a day limit: the first 1000 at once, the next 1000 a day later
	assert finish_time(Limits(per_day=1000), PaceState(), 0, 1000, 100.0) == pytest.approx(10)
	assert DAY <= finish_time(Limits(per_day=1000), PaceState(), 0, 1500, 100.0) <= DAY + 700
	# an hour limit already used up by a send a moment ago
	state, _grant = reserve(Limits(per_hour=100), PaceState(), 0.0, 100, "a")
	state = settle(state, "a", 100, 1.0)
	assert finish_time(Limits(per_hour=100), state, 2.0, 10, 100.0) >= HOUR


def test_observed_send_time_is_a_moving_average():
	state = observe(PaceState(), 100, 1.0)
	assert state.seconds_per_message == pytest.approx(0.01)
	state = observe(state, 10, 1.0)
	assert 0.01 < state.seconds_per_message < 0.1
	assert observe(state, 0, 1.0) == state


@pytest.mark.parametrize(
	"code, text, stage, after_dot, kind, reputation",
	[
		(250, "2.0.0 OK queued", END_OF_DATA, True, ACCEPTED, False),
		(451, "4.7.1 Greylisted, try again later", RCPT, False, RETRY, False),
		(452, "4.2.2 Mailbox full", RCPT, False, RETRY, False),
		(450, "4.2.1 The user you are trying to contact is receiving mail at a rate that prevents", RCPT, False, RETRY, False),
		(550, "5.1.1 No such user here", RCPT, False, REJECTED, False),
		(554, "5.6.0 Message malformed", END_OF_DATA, True, REJECTED, False),
		# the session or the account: throttled, never the recipient's retries
		(450, "4.7.1 Error: too much mail from 127.0.0.1", MAIL, False, THROTTLED, False),  # Postfix anvil
		(421, "4.7.0 Try again later, closing connection.", RCPT, False, THROTTLED, False),
		(421, "4.7.28 Our system has detected an unusual rate of unsolicited mail", MAIL, False, THROTTLED, True),
		(451, "4.7.500 Server busy. Please try again later from [1.2.3.4]", RCPT, False, THROTTLED, False),
		(451, "4.3.0 Server busy", END_OF_DATA, True, THROTTLED, False),
		(452, "4.5.3 Too many recipients", RCPT, False, THROTTLED, False),
		(450, "4.7.1 rate limit exceeded", RCPT, False, THROTTLED, False),
		(451, "4.7.26 Unauthenticated email is not accepted", END_OF_DATA, True, THROTTLED, True),
		(451, "4.4.5 Insufficient system resources: congestion", RCPT, False, THROTTLED, False),
		(450, "", CONNECT, False, THROTTLED, False),
		# refused for good, but not for the address: no hard bounce
		(550, "5.7.26 Unauthenticated email from example.com is not accepted", END_OF_DATA, True, BLOCKED, True),
		(550, "5.7.515 Access denied, sending domain does not meet the required authentication level", RCPT, False, BLOCKED, True),
		(554, "5.7.1 Service unavailable; Client host [1.2.3.4] blocked using Spamhaus", RCPT, False, BLOCKED, True),
		(553, "5.1.8 Sender address rejected: Domain not found", MAIL, False, BLOCKED, False),
		(554, "5.7.1 Message rejected as spam", END_OF_DATA, True, BLOCKED, False),
		# no reply
		(None, "Connection unexpectedly closed", RCPT, False, RECONNECT, False),
		(None, "timed out", END_OF_DATA, True, RESEND, False),
	],
)  # fmt: skip
def test_what_a_reply_means(code, text, stage, after_dot, kind, reputation):
	verdict = classify(code, text, stage, after_final_dot=after_dot)
	assert (verdict.kind, verdict.reputation) == (kind, reputation)
	assert verdict.counts_for_recipient == (kind in (RETRY, REJECTED))
	if kind == THROTTLED:
		assert verdict.pause > 0


def test_gmail_rate_limit_waits_ten_minutes():
	verdict = classify(421, "4.7.28 [1.2.3.4] unusual rate of unsolicited mail", MAIL)
	assert verdict.pause >= 600 and verdict.enhanced == "4.7.28"


def test_enhanced_codes_are_found_in_the_text():
	assert enhanced_code("4.7.28 [203.0.113.1] Our system") == "4.7.28"
	assert enhanced_code("mx.example.com 5.7.515 Access denied") == "5.7.515"
	assert enhanced_code("OK queued as 12.3.45") is None
	assert enhanced_code("version 1.2.3.4 here") is None
	assert enhanced_code(None) is None


reply_texts = st.one_of(
	st.text(max_size=40),
	st.sampled_from(["4.7.1 too much mail", "4.7.28 unusual rate", "server busy", "5.7.26 unauthenticated"]),
)


@given(
	st.one_of(st.none(), st.integers(100, 699)),
	reply_texts,
	st.sampled_from([CONNECT, MAIL, RCPT, DATA, END_OF_DATA]),
	st.booleans(),
)
def test_only_recipient_replies_count_for_the_recipient(code, text, stage, after_dot):
	verdict = classify(code, text, stage, after_final_dot=after_dot)
	if code is None or code == 421 or stage in (CONNECT, MAIL) or code < 400:
		assert not verdict.counts_for_recipient
	if code is None:
		assert verdict.kind == (RESEND if after_dot else RECONNECT)
	if code is not None and 200 <= code < 300:
		assert verdict.kind == ACCEPTED
	if verdict.kind == THROTTLED:
		assert code is not None and 400 <= code < 500 and verdict.pause > 0
	enhanced = enhanced_code(text)
	if code is not None and 400 <= code < 600 and enhanced and enhanced.split(".", 1)[1] in REPUTATION:
		assert verdict.reputation and not verdict.counts_for_recipient


# --- slowing down on throttling replies ---------------------------------------------------------


def test_a_throttled_account_pauses_then_sends_at_half_its_rate_and_grows_back():
	limits = Limits(per_minute=120)
	state, now = PaceState(), 1000.0
	for i in range(100):  # a hundred sent in the last minute
		state, grant = reserve(limits, state, now + i * 0.5, 1, f"k{i}")
		assert grant.count == 1
	now += 50.0
	state = slow_down(limits, state, now, 60)
	state, grant = reserve(limits, state, now + 1, 10, "paused")
	assert grant.count == 0 and grant.retry_at == pytest.approx(now + 60)
	assert capacity_returns(limits, state, now + 1) >= now + 60
	assert effective(limits, state, now + 61).per_minute == 50  # half of the hundred of the last minute
	# a reply to a message already on its way during the pause: the same event, no second halving
	again = slow_down(limits, state, now + 5, 60)
	assert again.adaptive == state.adaptive and again.paused_until == pytest.approx(now + 65)
	later = [effective(limits, state, now + 60 + minutes * 60).per_minute for minutes in range(12)]
	assert later == sorted(later) and later[0] == 50 and later[-1] == 120
	state, grant = reserve(limits, state, now + 60 + 11 * 60, 1, "back")
	assert state.adaptive == 0.0  # grown back: the account's own limits again


def test_an_unlimited_account_is_slowed_too():
	limits = Limits()
	state = slow_down(limits, PaceState(), 0.0, 30)
	state, grant = reserve(limits, state, 10.0, 5, "a")
	assert grant.count == 0 and grant.retry_at == 30.0
	assert effective(limits, state, 31.0).per_minute == UNLIMITED_REFERENCE * DECREASE
	state = slow_down(limits, state, 60.0, 30)  # throttled again after the pause: halved again
	assert effective(limits, state, 91.0).per_minute == UNLIMITED_REFERENCE * DECREASE * DECREASE


def test_the_adapted_state_survives_its_storage():
	state = slow_down(Limits(per_minute=60), PaceState(), 5.0, 60)
	assert PaceState.from_dict(state.as_dict()) == state
	assert "a" not in PaceState().as_dict()


@settings(max_examples=300, deadline=None)
@given(
	limits=limits_strategy,
	events=st.lists(
		st.tuples(st.floats(0, 200), st.booleans(), st.integers(1, 20), st.sampled_from([5, 30, 60, 600])),
		max_size=40,
	),
)
def test_throttling_never_raises_the_rate_nor_breaks_the_windows(limits, events):
	"""Any mix of reservations and throttling replies: no grant inside a pause, the rate in force
	never above the account's limit, and every window within the limits."""
	state, clock, sends = PaceState(), 10_000.0, []
	for number, (step, throttled, wanted, pause) in enumerate(events):
		clock += step
		if throttled:
			state = slow_down(limits, state, clock, pause)
			assert state.paused_until >= clock + pause - 1e-9
			continue
		state, grant = reserve(limits, state, clock, wanted, f"r{number}")
		in_force = effective(limits, state, clock)
		if limits.per_minute:
			assert in_force.per_minute <= limits.per_minute
		if grant.count:
			assert clock >= state.paused_until or not state.paused_until
			times = [max(grant.slot(i), clock) for i in range(grant.count)]
			state = settle(state, f"r{number}", grant.count, times[-1], in_force.interval)
			sends.extend(times)
			clock = times[-1]
		else:
			assert grant.retry_at >= clock
	assert_within_limits(limits, sends)


def test_retry_delays_grow_and_stop_growing():
	delays = [retry_delay(n) for n in range(0, 8)]
	assert delays == sorted(delays) and delays[0] >= 60 and delays[-1] == delays[-2]


# --- a dead delivery job's rows -----------------------------------------------------------------


@given(
	st.sampled_from(["e1", "e2"]),
	st.sampled_from(["e1", "e2"]),
	st.sampled_from([None, "handed", "accepted"]),
)
def test_a_dead_jobs_row_is_never_sent_again_unflagged_nor_lost(recorded, current, mark):
	outcome = dead_job_row(recorded, current, mark)
	if recorded != current:  # the final-dot journal was lost: sent again, flagged
		assert outcome == DEAD_UNKNOWN
	elif mark == "accepted":
		assert outcome == DEAD_ACCEPTED  # the server has it: never sent again
	elif mark == "handed":
		assert outcome == DEAD_HANDED  # may have it: kept as sent (flagged), never sent again by itself
	else:
		assert outcome == DEAD_NOT_HANDED  # no final dot: the server does not have it: sent again
