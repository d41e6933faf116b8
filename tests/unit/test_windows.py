# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send windows: local send moments, quiet hours, business days and the frequency cap.

The property tests run the planner's rules (:func:`decide`) the way the scheduler does — every
15 minutes, deferred rows promoted when their moment comes — over recipients in zones with
daylight-saving changes, and check that a row is sent once, never before its due moment, never
inside quiet hours or on a day off, that the cap holds in every window, and that priorities win.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.schedule import DEFERRED, FREQUENCY_CAP, NON_BUSINESS_DAY, PLANNED, QUIET_HOURS
from campaign_plus.engine.windows import (
	ALWAYS,
	DEFAULT_CALENDAR,
	PLANNER_INTERVAL,
	UTC,
	BusinessCalendar,
	Candidate,
	FrequencyCap,
	QuietHours,
	SendWindow,
	blocked,
	by_day,
	check_cap,
	check_quiet_hours,
	check_time_zone,
	country_zone,
	decide,
	due_moment,
	forecast,
	holiday_calendar,
	local,
	local_label,
	next_allowed,
	recipient_zone,
	send_moment,
)

D = dt.date
T = dt.time
PARIS, AUCKLAND = "Europe/Paris", "Pacific/Auckland"
# Zones with daylight-saving changes of every shape (30-minute change on Lord Howe, +12:45 on
# Chatham, southern hemisphere, half hours), and some without.
ZONES = [
	PARIS,
	AUCKLAND,
	"America/New_York",
	"America/Santiago",
	"Australia/Lord_Howe",
	"Pacific/Chatham",
	"America/St_Johns",
	"Asia/Kolkata",
	"UTC",
]
NIGHT = QuietHours(T(20), T(8))


def utc(*args) -> dt.datetime:
	return dt.datetime(*args, tzinfo=UTC)


# --- local send moments --------------------------------------------------------------------------


def test_nine_oclock_in_paris_and_auckland_across_daylight_saving_changes():
	# Paris: UTC+1 in winter, UTC+2 from 28 March 2027; Auckland: UTC+13 until 4 April 2027, then +12.
	assert send_moment(D(2027, 3, 26), T(9), PARIS) == utc(2027, 3, 26, 8)
	assert send_moment(D(2027, 3, 29), T(9), PARIS) == utc(2027, 3, 29, 7)
	assert send_moment(D(2027, 4, 2), T(9), AUCKLAND) == utc(2027, 4, 1, 20)
	assert send_moment(D(2027, 4, 5), T(9), AUCKLAND) == utc(2027, 4, 4, 21)
	assert send_moment(D(2027, 9, 27), T(9), AUCKLAND) == utc(2027, 9, 26, 20)  # NZ summer time again
	assert send_moment(D(2027, 11, 1), T(9), PARIS) == utc(2027, 11, 1, 8)


def test_a_skipped_local_time_goes_out_when_the_clock_has_moved_on_and_a_repeated_one_the_first_time():
	# 02:30 does not exist in Paris on 28 March 2027: sent at 03:30 summer time.
	assert local(send_moment(D(2027, 3, 28), T(2, 30), PARIS), PARIS).time() == T(3, 30)
	# 02:30 happens twice on 31 October 2027: the first time (summer time, UTC+2).
	assert send_moment(D(2027, 10, 31), T(2, 30), PARIS) == utc(2027, 10, 31, 0, 30)


def test_a_step_without_send_time_is_due_from_the_start_of_its_day_in_the_sites_zone():
	assert due_moment(D(2027, 3, 1), None, True, AUCKLAND, PARIS) == utc(2027, 2, 28, 23)
	assert due_moment(D(2027, 3, 1), T(9), True, AUCKLAND, PARIS) == utc(2027, 2, 28, 20)
	assert due_moment(D(2027, 3, 1), T(9), False, AUCKLAND, PARIS) == utc(2027, 3, 1, 8)


@settings(max_examples=300)
@given(
	st.sampled_from(ZONES),
	st.dates(D(2026, 1, 1), D(2028, 12, 31)),
	st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_send_moment_shows_the_send_time_on_the_recipients_clock(zone, day, time):
	moment = send_moment(day, time, zone)
	wall = local(moment, zone)
	naive = dt.datetime.combine(day, time)
	if wall.replace(tzinfo=None) != naive:  # only in the gap of a change to summer time
		gap = wall.utcoffset() - (moment - dt.timedelta(hours=3)).astimezone(wall.tzinfo).utcoffset()
		assert gap > dt.timedelta(0)
		assert wall.replace(tzinfo=None) == naive + gap


# --- recipients' zones ---------------------------------------------------------------------------


def test_the_recipients_zone_comes_from_their_own_field_then_their_countries_then_the_site():
	assert recipient_zone("Pacific/Auckland", ["Europe/Paris"], "UTC") == AUCKLAND
	assert recipient_zone(None, [None, "Europe/Paris\nAmerica/Cayenne"], "UTC") == PARIS
	assert recipient_zone("Mars/Olympus", ["Nowhere/City"], "Europe/Paris") == PARIS
	assert recipient_zone("", [], "Asia/Tokyo") == "Asia/Tokyo"
	assert country_zone("America/New_York\nAmerica/Chicago") == "America/New_York"
	# a country with several zones: the site's when it is one of them, else the first
	assert recipient_zone(None, ["America/Adak\nAmerica/Chicago"], "America/Chicago") == "America/Chicago"
	assert recipient_zone(None, ["America/Adak\nAmerica/Chicago"], PARIS) == "America/Adak"
	assert country_zone(None) is None


def test_an_unknown_time_zone_is_refused_with_a_message_naming_it():
	check_time_zone(PARIS)
	check_time_zone(None)
	with pytest.raises(RuleError) as info:
		check_time_zone("Europe/Pariss")
	assert "Europe/Pariss" in str(info.value) and info.value.title == "Invalid Time Zone"


# --- quiet hours and business days -----------------------------------------------------------------


def test_quiet_hours_may_cross_midnight():
	assert NIGHT.contains(T(20)) and NIGHT.contains(T(23, 59)) and NIGHT.contains(T(7, 59))
	assert not NIGHT.contains(T(8)) and not NIGHT.contains(T(19, 59))
	lunch = QuietHours(T(12), T(14))
	assert lunch.contains(T(12)) and not lunch.contains(T(14)) and not lunch.contains(T(11))


def test_quiet_hours_need_both_ends_at_different_times():
	check_quiet_hours(T(20), T(8), "Settings")
	check_quiet_hours(None, None, "Settings")
	check_quiet_hours(T(8, 15), T(8), "Settings")  # 15 minutes left
	for start, end in ((T(20), None), (None, T(8)), (T(8), T(8)), (T(8, 10), T(8))):
		with pytest.raises(RuleError):
			check_quiet_hours(start, end, "Settings")


def test_frequency_cap_needs_emails_and_days():
	check_cap(0, 0)
	check_cap(2, 7)
	with pytest.raises(RuleError):
		check_cap(2, 0)
	with pytest.raises(RuleError):
		check_cap(-1, 7)


def test_friday_evening_goes_out_monday_eight_or_tuesday_when_monday_is_a_holiday():
	window = SendWindow(NIGHT, DEFAULT_CALENDAR)
	friday = send_moment(D(2027, 3, 5), T(21), PARIS)
	assert blocked(friday, PARIS, window) == QUIET_HOURS
	assert next_allowed(friday, PARIS, window) == send_moment(D(2027, 3, 8), T(8), PARIS)
	holiday_monday = SendWindow(NIGHT, BusinessCalendar(frozenset({D(2027, 3, 8)})))
	assert next_allowed(friday, PARIS, holiday_monday) == send_moment(D(2027, 3, 9), T(8), PARIS)
	assert blocked(send_moment(D(2027, 3, 6), T(10), PARIS), PARIS, window) == NON_BUSINESS_DAY


def test_a_holiday_list_says_which_days_are_off():
	rows = [(D(2027, 1, 3), True), (D(2027, 1, 10), True), (D(2027, 1, 6), False)]  # Sundays, 6 Jan
	calendar = holiday_calendar(rows, D(2027, 1, 1), D(2027, 1, 31))
	assert calendar.weekend == {6}
	assert not calendar.is_business_day(D(2027, 1, 6))
	assert calendar.is_business_day(D(2027, 1, 9))  # a Saturday: worked in this company
	assert not calendar.is_business_day(D(2027, 2, 7))  # a Sunday after the list: still off
	assert calendar.is_business_day(D(2027, 1, 17))  # a Sunday inside the list but not listed


def test_no_business_day_at_all_gives_no_moment():
	never = SendWindow(None, BusinessCalendar(weekend=frozenset(range(7))))
	assert next_allowed(utc(2027, 1, 1), PARIS, never) is None


minute_times = st.integers(0, 24 * 60 - 1).map(lambda n: T(n // 60, n % 60))
quiet_hours = st.one_of(
	st.none(),
	st.tuples(st.integers(0, 24 * 4 - 1), st.integers(1, 24 * 4 - 1)).map(
		lambda p: QuietHours(_quarter(p[0]), _quarter((p[0] + p[1]) % (24 * 4)))
	),
	# any minutes, leaving at least 15 minutes a day (what check_quiet_hours demands)
	st.tuples(minute_times, minute_times)
	.filter(lambda p: _allowed_minutes(*p) >= 15)
	.map(lambda p: QuietHours(*p)),
)


def _allowed_minutes(start: dt.time, end: dt.time) -> int:
	return ((start.hour * 60 + start.minute) - (end.hour * 60 + end.minute)) % (24 * 60)


def _quarter(n: int) -> dt.time:
	return T(n // 4, (n % 4) * 15)


# Days around the 2027 daylight-saving changes (EU 28 Mar / 31 Oct, NZ 4 Apr / 26 Sep, US 14 Mar / 7 Nov).
CHANGE_DAYS = [D(2027, 3, 14), D(2027, 3, 28), D(2027, 4, 4), D(2027, 9, 26), D(2027, 10, 31), D(2027, 11, 7)]
moments_near_changes = st.tuples(st.sampled_from(CHANGE_DAYS), st.integers(-3 * 24 * 60, 3 * 24 * 60)).map(
	lambda p: dt.datetime.combine(p[0], T(0), tzinfo=UTC) + dt.timedelta(minutes=p[1])
)


@st.composite
def calendars(draw):
	if draw(st.booleans()):
		return None
	weekend = frozenset(draw(st.sets(st.integers(0, 6), max_size=3)))
	holidays = frozenset(
		day + dt.timedelta(days=offset)
		for day in CHANGE_DAYS
		for offset in draw(st.sets(st.integers(-4, 4), max_size=4))
	)
	return BusinessCalendar(holidays, weekend)


windows = st.builds(SendWindow, quiet_hours, calendars())


@settings(max_examples=300, deadline=None)
@given(moments_near_changes, st.sampled_from(ZONES), windows)
def test_next_allowed_is_the_first_allowed_moment_and_never_earlier(moment, zone, window):
	allowed = next_allowed(moment, zone, window)
	assert allowed is not None
	assert allowed >= moment
	assert blocked(allowed, zone, window) is None
	# nothing in between is allowed (checked every minute, and just before the answer)
	probe = moment
	while probe < allowed:
		assert blocked(probe, zone, window) is not None, probe
		probe += dt.timedelta(minutes=1)
	if allowed > moment:
		assert blocked(allowed - dt.timedelta(seconds=1), zone, window) is not None


# --- the frequency cap -----------------------------------------------------------------------------


def test_three_campaigns_one_address_cap_of_two_per_seven_days():
	now = utc(2027, 3, 1, 8)
	cap = FrequencyCap(2, 7)
	rows = [
		Candidate(("low", 1), "a@x.org", PARIS, now, priority=1),
		Candidate(("high", 1), "a@x.org", PARIS, now, priority=10),
		Candidate(("mid", 1), "a@x.org", PARIS, now, priority=5),
	]
	by_key = {d.key: d for d in decide(rows, now, cap=cap)}
	assert by_key[("high", 1)].status == by_key[("mid", 1)].status == PLANNED
	low = by_key[("low", 1)]
	assert (low.status, low.reason) == (DEFERRED, FREQUENCY_CAP)
	assert low.send_at == now + dt.timedelta(days=7) + PLANNER_INTERVAL


def test_history_of_other_campaigns_counts_and_releases_the_day_the_window_allows():
	now = utc(2027, 3, 4, 8)
	history = {"a@x.org": [utc(2027, 3, 1, 8), utc(2027, 3, 2, 8)]}
	window = SendWindow(NIGHT, DEFAULT_CALENDAR)
	[decision] = decide(
		[Candidate("c", "a@x.org", PARIS, now, window)], now, cap=FrequencyCap(2, 7), history=history
	)
	assert (decision.status, decision.reason) == (DEFERRED, FREQUENCY_CAP)
	assert decision.send_at == utc(2027, 3, 8, 8, 15)  # Monday 1 March 09:00 Paris + 7 days, next tick
	assert decision.local_time == "2027-03-08 09:15"
	later = decide(
		[Candidate("c", "a@x.org", PARIS, decision.send_at, window)],
		decision.send_at,
		cap=FrequencyCap(2, 7),
		history=history,
	)
	assert later[0].status == PLANNED


def test_a_row_due_in_quiet_hours_is_deferred_not_skipped():
	now = send_moment(D(2027, 3, 5), T(21), PARIS)
	[decision] = decide([Candidate("c", "a@x.org", PARIS, now, SendWindow(NIGHT))], now)
	assert (decision.status, decision.reason) == (DEFERRED, QUIET_HOURS)
	assert decision.send_at == send_moment(D(2027, 3, 6), T(8), PARIS)


def test_rows_not_due_yet_are_left_alone_and_a_late_run_records_now():
	now = utc(2027, 3, 1, 12)
	rows = [
		Candidate("later", "a@x.org", PARIS, now + dt.timedelta(minutes=1)),
		Candidate("late", "b@x.org", PARIS, utc(2027, 3, 1, 8)),
	]
	assert [(d.key, d.send_at) for d in decide(rows, now)] == [("late", now)]
	on_time = decide([Candidate("c", "b@x.org", PARIS, now - dt.timedelta(minutes=7))], now)
	assert on_time[0].send_at == now - dt.timedelta(minutes=7)


# --- the planner, run every 15 minutes over weeks --------------------------------------------------


@st.composite
def scenarios(draw):
	start = draw(st.sampled_from(CHANGE_DAYS))
	origin = dt.datetime.combine(start - dt.timedelta(days=3), T(0), tzinfo=UTC)
	emails = ["a@x.org", "b@x.org", "c@x.org"]
	cap = draw(
		st.one_of(st.just(FrequencyCap()), st.builds(FrequencyCap, st.integers(1, 3), st.integers(1, 7)))
	)
	campaign_windows = draw(st.lists(windows, min_size=1, max_size=3))
	rows = []
	for number in range(draw(st.integers(1, 14))):
		campaign = draw(st.integers(0, len(campaign_windows) - 1))
		rows.append(
			Candidate(
				key=number,
				email=draw(st.sampled_from(emails)),
				zone=draw(st.sampled_from(ZONES)),
				due=origin + dt.timedelta(minutes=draw(st.integers(0, 6 * 24 * 60))),
				window=campaign_windows[campaign],
				priority=campaign,
				order=(number,),
			)
		)
	history = {
		email: sorted(
			origin - dt.timedelta(minutes=draw(st.integers(1, 8 * 24 * 60)))
			for _ in range(draw(st.integers(0, 3)))
		)
		for email in emails
	}
	# the scheduler runs every 15 minutes, except during an outage (then catches up)
	down = origin + dt.timedelta(minutes=15 * draw(st.integers(0, 6 * 24 * 4)))
	outage = (down, down + dt.timedelta(minutes=15 * draw(st.integers(0, 3 * 24 * 4))))
	return origin, cap, rows, history, outage


def _tick_after(moment: dt.datetime, origin: dt.datetime, outage: tuple) -> dt.datetime:
	"""The first planner run at or after ``moment``: every 15 minutes from origin, none in the outage."""
	steps = -(-(moment - origin) // PLANNER_INTERVAL)
	tick = origin + max(steps, 0) * PLANNER_INTERVAL
	return outage[1] if outage[0] <= tick < outage[1] else tick


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_deferred_rows_are_sent_later_once_never_early_never_in_a_window_and_within_the_cap(scenario):
	origin, cap, rows, history, outage = scenario
	every = PLANNER_INTERVAL
	pending = {row.key: row for row in rows}  # what the ledger holds as due or deferred
	deferred_at: dict = {}
	sent: dict = {}
	sends = {email: list(moments) for email, moments in history.items()}
	now = _tick_after(min(row.due for row in rows), origin, outage)
	for _run in range(5_000):
		if not pending:
			break
		decisions = decide(pending.values(), now, cap=cap, history=sends, interval=every)
		by_priority = {}
		for decision in decisions:
			row = pending[decision.key]
			if decision.status == PLANNED:
				assert decision.key not in sent, "sent twice"
				assert row.due <= decision.send_at <= now
				sent[decision.key] = decision.send_at
				sends.setdefault(row.email, []).append(decision.send_at)
				del pending[decision.key]
				by_priority.setdefault(row.email, []).append(("sent", row.priority))
			else:
				assert decision.status == DEFERRED and decision.reason
				assert decision.send_at is not None and decision.send_at > now - every
				deferred_at.setdefault(decision.key, decision.send_at)
				pending[decision.key] = Candidate(
					row.key, row.email, row.zone, decision.send_at, row.window, row.priority, row.order
				)
				if decision.reason == FREQUENCY_CAP:
					by_priority.setdefault(row.email, []).append(("capped", row.priority))
		for (
			outcomes
		) in by_priority.values():  # within one run, a higher priority is never capped for a lower one
			capped = [p for what, p in outcomes if what == "capped"]
			assert not capped or all(p >= max(capped) for what, p in outcomes if what == "sent")
		if pending:
			now = _tick_after(max(now + every, min(row.due for row in pending.values())), origin, outage)
	assert not pending, "a row was never sent"

	originals = {row.key: row for row in rows}
	for key, moment in sent.items():
		row = originals[key]
		assert moment >= row.due, "sent before its due moment"
		assert blocked(moment, row.zone, row.window) is None, "sent inside quiet hours or on a day off"
		if key in deferred_at:
			assert moment >= deferred_at[key] >= row.due, "a deferred row is sent later, never early"
	for email in sends:
		new = sorted(m for key, m in sent.items() if originals[key].email == email)
		everything = sorted(sends[email])
		for moment in new:  # every window of cap.days days ending at a new send holds at most cap.limit
			if cap.active:
				in_window = [m for m in everything if moment - cap.window < m <= moment]
				assert len(in_window) <= cap.limit, (email, moment, in_window)


# --- the dry run -----------------------------------------------------------------------------------


def test_forecast_per_day_shows_deferrals_and_local_send_times():
	window = SendWindow(NIGHT, DEFAULT_CALENDAR)
	rows = [
		Candidate("paris", "p@x.org", PARIS, send_moment(D(2027, 3, 5), T(9), PARIS), window),
		Candidate("auckland", "a@x.org", AUCKLAND, send_moment(D(2027, 3, 5), T(9), AUCKLAND), window),
		Candidate("late", "l@x.org", PARIS, send_moment(D(2027, 3, 5), T(21), PARIS), window),
	]
	forecasts = forecast(rows)
	days = by_day(forecasts, PARIS)
	friday, thursday, monday = (
		days[(D(2027, 3, 5), None)],
		days[(D(2027, 3, 4), None)],
		days[(D(2027, 3, 8), None)],
	)
	assert thursday.to_send == 1 and thursday.local_times == {"09:00 Pacific/Auckland": 1}
	assert friday.to_send == 1 and friday.deferred == {QUIET_HOURS: 1}
	assert monday.local_times == {"08:00 Europe/Paris": 1}
	assert local_label(forecasts[-1].send_at, PARIS) == "2027-03-08 08:00"


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_forecast_never_sends_early_nor_inside_a_window(scenario):
	_origin, cap, rows, history, _outage = scenario
	for item in forecast(rows, cap=cap, history=history):
		row = next(r for r in rows if r.key == item.key)
		assert item.send_at is not None and item.send_at >= row.due
		assert blocked(item.send_at, row.zone, row.window) is None
		if item.deferred_by is None:
			assert item.send_at == row.due
		else:
			assert item.send_at > row.due


def test_an_open_window_changes_nothing():
	now = utc(2027, 3, 6, 3)
	[decision] = decide([Candidate("c", "a@x.org", PARIS, now, ALWAYS)], now)
	assert (decision.status, decision.send_at) == (PLANNED, now)
