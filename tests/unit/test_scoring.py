# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine import scoring as s

NOW = dt.datetime(2026, 3, 1, 12, 0)
DAY = dt.timedelta(days=1)
SETTINGS = s.ScoreSettings.of(
	{s.OPEN: 2, s.CLICK: 5, s.REPLY: 10, s.FORM: 20, s.UNSUBSCRIBE: -30}, half_life_days=10
)


def test_hand_computed_score():
	events = s.events_of(
		messages=[
			s.Message(first_opened_on=NOW - 10 * DAY, first_clicked_on=NOW - 10 * DAY),  # 2/2 + 5/2
			s.Message(first_clicked_on=NOW - 20 * DAY),  # a click opens: (2 + 5) / 4
			s.Message(first_opened_on=NOW, replied_on=NOW - 5 * DAY),  # 2 + 10 / sqrt(2)
		],
		forms=[NOW - 30 * DAY],  # 20 / 8
		unsubscribes=[NOW - 40 * DAY, NOW - 20 * DAY, None],  # once, the latest: -30 / 4
	)
	expected = 15 + 1 + 2.5 + 1.75 + 2 + 10 / 2**0.5 + 2.5 - 7.5
	assert s.score(15, events, SETTINGS, NOW) == round(expected, 2) == 24.32


def test_no_decay_with_a_zero_half_life_and_future_events_count_whole():
	flat = s.ScoreSettings.of({s.CLICK: 5}, half_life_days=0)
	assert s.engagement([s.Event(s.CLICK, NOW - 400 * DAY)], flat, NOW) == 5
	assert s.engagement([s.Event(s.CLICK, NOW + DAY)], SETTINGS, NOW) == 5


@given(
	st.lists(st.tuples(st.sampled_from(s.KINDS), st.integers(0, 400 * 86400)), max_size=20),
	st.integers(0, 100 * 86400),
)
def test_engagement_fades_as_time_passes(events, later):
	positive = s.ScoreSettings.of({s.UNSUBSCRIBE: 4}, half_life_days=7)
	events = [s.Event(kind, NOW - dt.timedelta(seconds=age)) for kind, age in events]
	now_value = s.engagement(events, positive, NOW)
	later_value = s.engagement(events, positive, NOW + dt.timedelta(seconds=later))
	assert 0 <= later_value <= now_value + 1e-9


@given(
	st.lists(st.tuples(st.sampled_from(s.KINDS), st.integers(0, 400 * 86400)), max_size=20),
	st.integers(0, 50 * 86400),
)
def test_decay_is_exponential_so_it_can_be_carried_forward(events, gap):
	"""engagement(t + gap) = engagement(t) * 0.5^(gap / half-life): a stored value can be aged."""
	events = [s.Event(kind, NOW - dt.timedelta(seconds=age)) for kind, age in events]
	later = NOW + dt.timedelta(seconds=gap)
	carried = s.engagement(events, SETTINGS, NOW) * s.decay_factor(gap, SETTINGS.half_life_days)
	assert s.engagement(events, SETTINGS, later) == pytest.approx(carried, abs=1e-6)


def test_one_event_per_email_and_kind():
	events = s.message_events(s.Message(NOW - DAY, NOW - 2 * DAY, NOW))
	assert [(e.kind, e.on) for e in events] == [
		(s.OPEN, NOW - 2 * DAY),
		(s.CLICK, NOW - 2 * DAY),
		(s.REPLY, NOW),
	]
	assert s.message_events(s.Message()) == []


def test_fit():
	assert s.fit([10, -5, 3], [True, True, False]) == 5


def test_upward_crossings():
	assert s.crossed(None, 60, [50, 100]) == [50]
	assert s.crossed(40, 120, [100, 50]) == [50, 100]
	assert s.crossed(50, 60, [50]) == []  # already there
	assert s.crossed(60, 40, [50]) == []
	assert s.moved_across(60, 40, [50]) and s.moved_across(40, 60, [50]) and not s.moved_across(55, 60, [50])


@given(
	st.lists(st.floats(-200, 200), min_size=1, max_size=30),
	st.lists(st.floats(1, 150), min_size=1, max_size=3),
)
def test_each_upward_crossing_acts_once(path, thresholds):
	"""Following a score through its values, keeping the last value checked only when it moved
	across a threshold (as the service does), gives exactly the true upward crossings."""
	checked, acted = None, []
	for value in path:
		if s.moved_across(checked, value, thresholds):
			acted += s.crossed(checked, value, thresholds)
			checked = value
	truth, previous = [], None
	for value in path:
		truth += s.crossed(previous, value, thresholds)
		previous = value
	assert sorted(acted) == sorted(truth)


def test_settings_are_checked():
	s.check_settings(SETTINGS)
	with pytest.raises(RuleError):
		s.check_settings(s.ScoreSettings.of(half_life_days=-1))


def test_buckets():
	assert s.bucket(0, 10) == 0
	assert s.bucket(19.99, 10) == 10
	assert s.bucket(-0.5, 10) == -10
	assert s.bucket(None, 0) == 0
