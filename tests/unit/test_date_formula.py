# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.date_formula import Term, evaluate, format_terms, parse

D = dt.date
days = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@pytest.mark.parametrize(
	"formula, start, expected",
	[
		("10D", D(2026, 1, 1), D(2026, 1, 11)),
		("0D", D(2026, 1, 1), D(2026, 1, 1)),
		("1W", D(2026, 1, 1), D(2026, 1, 8)),
		("2M", D(2026, 1, 15), D(2026, 3, 15)),
		("1M", D(2026, 1, 31), D(2026, 2, 28)),
		("1M", D(2028, 1, 31), D(2028, 2, 29)),
		("1Q", D(2026, 11, 30), D(2027, 2, 28)),
		("1Y", D(2028, 2, 29), D(2029, 2, 28)),
		("CM", D(2026, 2, 10), D(2026, 2, 28)),
		("-CM", D(2026, 2, 10), D(2026, 2, 1)),
		("CM+1D", D(2026, 2, 10), D(2026, 3, 1)),
		("CW", D(2026, 11, 23), D(2026, 11, 29)),  # Monday → Sunday
		("-CW", D(2026, 11, 29), D(2026, 11, 23)),  # Sunday → Monday
		("CQ", D(2026, 5, 5), D(2026, 6, 30)),
		("-CQ", D(2026, 5, 5), D(2026, 4, 1)),
		("CY", D(2026, 5, 5), D(2026, 12, 31)),
		("-CY", D(2026, 5, 5), D(2026, 1, 1)),
		("CD", D(2026, 5, 5), D(2026, 5, 5)),
		("-1W+2D", D(2026, 5, 15), D(2026, 5, 10)),
		("1M-1D", D(2026, 1, 1), D(2026, 1, 31)),
		(" cm + 1d ", D(2026, 12, 10), D(2027, 1, 1)),
		("-CM+1M-1D", D(2026, 4, 20), D(2026, 4, 30)),
		# weekday terms (Monday = 1): the next / previous such weekday, never the day itself
		("-WD2", D(1996, 5, 21), D(1996, 5, 14)),  # Microsoft's CalcDate example: Tuesday → Tuesday before
		("WD2", D(1996, 5, 21), D(1996, 5, 28)),
		("WD1", D(2026, 11, 23), D(2026, 11, 30)),  # Monday → the Monday after
		("WD2", D(2026, 11, 23), D(2026, 11, 24)),  # Monday → Tuesday
		("WD7", D(2026, 11, 23), D(2026, 11, 29)),  # Monday → Sunday
		("-WD1", D(2026, 11, 23), D(2026, 11, 16)),
		("-WD7", D(2026, 11, 23), D(2026, 11, 22)),  # Monday → the Sunday before
		("wd5", D(2026, 12, 31), D(2027, 1, 1)),  # Thursday → Friday, across the year
		("CM+WD1", D(2026, 2, 10), D(2026, 3, 2)),  # first Monday of next month
		("CM+WD1", D(2027, 1, 15), D(2027, 2, 1)),  # ... also when it is the 1st
		("-CM-1D+WD1", D(2027, 2, 20), D(2027, 2, 1)),  # first Monday of this month
		("1W+WD5", D(2026, 11, 23), D(2026, 12, 4)),
		("WD1-1D", D(2026, 11, 25), D(2026, 11, 29)),
		("-WD5-1W", D(2026, 11, 23), D(2026, 11, 13)),
	],
)
def test_examples(formula, start, expected):
	assert evaluate(formula, start) == expected


@pytest.mark.parametrize(
	"formula, token",
	[
		("10X", "10X"),
		("1W 2D", "2D"),  # a second term needs a sign
		("1W+", "+"),
		("C", "C"),
		("CX", "CX"),
		("M", "M"),
		("1M+2", "+2"),
		("1D-C1M", "-C1M"),
		("--1D", "--1D"),
		("abc", "ABC"),
		("WD", "WD"),
		("1WD2", "D2"),  # 1W, then a term without sign
		("WD1WD2", "WD2"),
		("W2", "W2"),
	],
)
def test_bad_token_is_named(formula, token):
	with pytest.raises(RuleError) as info:
		parse(formula)
	assert info.value.title == "Invalid Date Formula"
	assert info.value.args_[1] == token


@pytest.mark.parametrize("formula, token", [("WD0", "WD0"), ("WD8", "WD8"), ("1D-WD12", "-WD12")])
def test_weekday_out_of_range_is_named(formula, token):
	with pytest.raises(RuleError) as info:
		parse(formula)
	assert "WD1 (Monday) to WD7 (Sunday)" in info.value.message
	assert info.value.args_[1] == token


def test_weekday_terms_parse_and_format():
	assert parse("-wd2 + 1d") == (Term(-1, "WD", 2), Term(1, "D", 1))
	assert format_terms(parse("CM+WD1")) == "CM+WD1"
	assert format_terms(parse("-WD7")) == "-WD7"


def test_empty_formula_is_refused():
	with pytest.raises(RuleError):
		parse("  ")


def test_too_large_and_out_of_calendar():
	with pytest.raises(RuleError):
		parse("10000D")
	with pytest.raises(RuleError) as info:
		evaluate("9999Y", D(2026, 1, 1))
	assert "beyond the calendar" in str(info.value)


# --- properties -------------------------------------------------------------------------------

units = st.sampled_from("DWMQY")
signs = st.sampled_from([1, -1])
weekdays = st.integers(1, 7)
terms = st.builds(Term, signs, units, st.none() | st.integers(0, 60)) | st.builds(
	Term, signs, st.just("WD"), weekdays
)
formulas = st.lists(terms, min_size=1, max_size=4).map(tuple)


@given(formulas)
def test_format_then_parse_round_trips(parsed):
	assert parse(format_terms(parsed)) == parsed


@given(st.integers(-400, 400), days)
def test_days_are_plain_arithmetic(n, start):
	formula = f"{n}D" if n >= 0 else f"-{-n}D"
	assert evaluate(formula, start) == start + dt.timedelta(days=n)


@given(st.integers(0, 100), days)
def test_week_is_seven_days_quarter_three_months_year_twelve(n, start):
	assert evaluate(f"{n}W", start) == evaluate(f"{7 * n}D", start)
	assert evaluate(f"{n}Q", start) == evaluate(f"{3 * n}M", start)
	assert evaluate(f"{n}Y", start) == evaluate(f"{12 * n}M", start)


@given(st.integers(0, 100), days)
def test_month_keeps_day_or_clips_to_month_end(n, start):
	result = evaluate(f"{n}M", start)
	months = (result.year - start.year) * 12 + result.month - start.month
	assert months == n
	last = calendar.monthrange(result.year, result.month)[1]
	assert result.day == min(start.day, last)


@given(days, units)
def test_current_period_bounds(start, unit):
	end = evaluate(f"C{unit}", start)
	begin = evaluate(f"-C{unit}", start)
	assert begin <= start <= end
	# both bounds lie in the same period as start, and the next day starts a new one
	assert evaluate(f"C{unit}", begin) == end
	assert evaluate(f"-C{unit}", end) == begin
	assert evaluate(f"-C{unit}", end + dt.timedelta(days=1)) == end + dt.timedelta(days=1)


@given(formulas, formulas, days)
def test_chains_apply_left_to_right(first, second, start):
	try:
		middle = evaluate(first, start)
		expected = evaluate(second, middle)
	except RuleError:
		return
	assert evaluate(first + second, start) == expected


@given(days)
def test_cm_plus_1d_is_first_of_next_month(start):
	result = evaluate("CM+1D", start)
	assert result.day == 1 and (result - start).days <= 31 and result > start


@given(weekdays, days)
def test_next_weekday_is_that_weekday_within_a_week_after(weekday, start):
	result = evaluate(f"WD{weekday}", start)
	assert result.isoweekday() == weekday
	assert 1 <= (result - start).days <= 7


@given(weekdays, days)
def test_previous_weekday_is_that_weekday_within_a_week_before(weekday, start):
	result = evaluate(f"-WD{weekday}", start)
	assert result.isoweekday() == weekday
	assert 1 <= (start - result).days <= 7


@given(weekdays, days)
def test_weekday_terms_take_the_nearest_such_day(weekday, start):
	# no day of that weekday lies strictly between the start and the result
	after, before = evaluate(f"WD{weekday}", start), evaluate(f"-WD{weekday}", start)
	expected = 14 if start.isoweekday() == weekday else 7  # the start day itself is skipped
	assert (after - before).days == expected


@given(weekdays, days)
def test_weekday_then_back_is_a_week_earlier(weekday, start):
	# WDn lands on weekday n, so -WDn from there is exactly seven days before it
	landing = evaluate(f"WD{weekday}", start)
	assert evaluate(f"WD{weekday}-WD{weekday}", start) == landing - dt.timedelta(days=7)
