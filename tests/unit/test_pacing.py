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
	DAY,
	HOUR,
	MINUTE,
	RECONNECT,
	REJECTED,
	RETRY,
	UNCERTAIN,
	Limits,
	PaceState,
	Reservation,
	capacity_returns,
	compact,
	finish_time,
	in_window,
	observe,
	outcome,
	reserve,
	retry_delay,
	settle,
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
	"code, after_dot, expected",
	[
		(250, True, ACCEPTED),
		(451, False, RETRY),
		(452, True, RETRY),
		(550, False, REJECTED),
		(554, True, REJECTED),
		(421, False, RECONNECT),
		(None, False, RECONNECT),
		(None, True, UNCERTAIN),
		(421, True, UNCERTAIN),
	],
)
def test_what_a_reply_means(code, after_dot, expected):
	assert outcome(code, after_dot) == expected


def test_retry_delays_grow_and_stop_growing():
	delays = [retry_delay(n) for n in range(0, 8)]
	assert delays == sorted(delays) and delays[0] >= 60 and delays[-1] == delays[-2]
