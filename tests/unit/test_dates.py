# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.dates import check_date_range, is_running_on

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
optional_dates = st.none() | dates


@given(optional_dates, optional_dates)
def test_range_is_refused_exactly_when_end_is_before_start(start, end):
	if start and end and end < start:
		with pytest.raises(RuleError) as info:
			check_date_range(start, end)
		assert end.isoformat() in str(info.value)
		assert start.isoformat() in str(info.value)
		assert info.value.title == "Invalid Campaign Dates"
	else:
		check_date_range(start, end)


def test_same_day_campaign_is_valid():
	check_date_range(dt.date(2026, 1, 1), dt.date(2026, 1, 1))


def test_error_keeps_untranslated_message_and_args():
	with pytest.raises(RuleError) as info:
		check_date_range(dt.date(2026, 5, 2), dt.date(2026, 5, 1))
	assert info.value.message == "The end date {0} is before the start date {1}."
	assert info.value.args_ == ("2026-05-01", "2026-05-02")


@given(optional_dates, optional_dates, dates)
def test_running_on_matches_closed_interval_with_open_bounds(start, end, day):
	expected = (start is None or start <= day) and (end is None or day <= end)
	assert is_running_on(start, end, day) is expected
