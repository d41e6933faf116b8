# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine.stats import Figures, compute


def test_hand_computed_figures():
	stats = compute(Figures(contacted=200, responded=25, cost=1000, duration=300, revenue=4000, budget=2500))
	assert stats.response_rate == 12.5
	assert stats.cost_per_response == 40
	assert stats.duration_per_response == 12
	assert stats.roi == 300
	assert stats.budget_used == 40


def test_zero_denominators_give_none():
	stats = compute(Figures())
	assert (stats.response_rate, stats.cost_per_response, stats.roi, stats.budget_used) == (
		None,
		None,
		None,
		None,
	)


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.floats(0, 1e9), st.floats(0, 1e9))
def test_roi_sign_follows_revenue_against_cost(contacted, responded, cost, revenue):
	stats = compute(Figures(contacted=contacted, responded=responded, cost=cost, revenue=revenue))
	if not cost:
		assert stats.roi is None
	elif stats.roi:  # 0.0 when rounding to 4 decimals erases a tiny difference
		assert (stats.roi > 0) == (revenue > cost)
