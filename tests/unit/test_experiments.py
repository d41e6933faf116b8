# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.experiments import (
	REPLIES,
	REVENUE,
	UNIQUE_CLICKS,
	UNIQUE_OPENS,
	VariantFigures,
	check_test,
	decide,
	share_size,
	split,
	two_proportion_p_value,
	welch_p_value,
)

emails = st.lists(
	st.builds(
		"{}@{}.fr".format,
		st.text("abcdefghij0123456789.-", min_size=1, max_size=8),
		st.sampled_from(["a", "b", "c"]),
	),
	max_size=200,
	unique_by=str.lower,
)


def test_1000_recipients_at_20_percent_give_exactly_100_and_100():
	addresses = [f"person{i}@example.com" for i in range(1000)]
	result = split("CAMP-1", "row-1", addresses, 20, 2)
	assert Counter(result.values()) == {None: 800, 0: 100, 1: 100}


@given(emails, st.floats(1, 100), st.integers(2, 4), st.randoms())
def test_split_is_deterministic_and_order_free(addresses, share, variants, rnd):
	first = split("C", "s", addresses, share, variants)
	shuffled = list(addresses)
	rnd.shuffle(shuffled)
	assert split("C", "s", shuffled + shuffled[:3], share, variants) == first


@given(emails, st.floats(1, 100), st.integers(2, 4))
def test_split_sizes(addresses, share, variants):
	result = split("C", "s", addresses, share, variants)
	counts = Counter(v for v in result.values() if v is not None)
	assert sum(counts.values()) == share_size(len(result), share, variants)
	if counts:
		assert max(counts.values()) - min(counts.get(i, 0) for i in range(variants)) <= 1


@given(st.lists(st.integers(1, 30), min_size=1, max_size=20), st.floats(1, 100), st.integers(2, 4))
def test_recipients_arriving_in_runs_still_get_the_share(runs, share, variants):
	seen = dealt = 0
	counts = Counter()
	for run, size in enumerate(runs):
		addresses = [f"r{run}-{i}@example.com" for i in range(size)]
		result = split("C", "s", addresses, share, variants, seen_before=seen, dealt_before=dealt)
		given_now = [v for v in result.values() if v is not None]
		counts.update(given_now)
		seen, dealt = seen + size, dealt + len(given_now)
		assert dealt == share_size(seen, share, variants)  # never more, never fewer than the share
	assert max(counts.values()) - min(counts.get(i, 0) for i in range(variants)) <= 1


def test_a_few_recipients_still_test_every_variant():
	result = split("C", "s", ["a@example.com", "b@example.com"], 20, 2)
	assert sorted(result.values()) == [0, 1]


def test_split_differs_per_step_and_campaign():
	addresses = [f"p{i}@example.com" for i in range(200)]
	a = split("C", "s1", addresses, 50, 2)
	assert a != split("C", "s2", addresses, 50, 2)
	assert a != split("D", "s1", addresses, 50, 2)


def test_known_p_value():
	# 30 % vs 15 % of 100 each: z = 2.54, p = 0.011
	assert two_proportion_p_value(30, 100, 15, 100) == pytest.approx(0.0110, abs=5e-4)
	assert two_proportion_p_value(10, 100, 10, 100) == pytest.approx(1.0)
	assert two_proportion_p_value(1, 3, 0, 3) is None  # too few to say


@given(st.integers(5, 500), st.integers(5, 500), st.data())
def test_p_value_is_a_probability_and_symmetric(n1, n2, data):
	s1 = data.draw(st.integers(0, n1))
	s2 = data.draw(st.integers(0, n2))
	p = two_proportion_p_value(s1, n1, s2, n2)
	assert 0 <= p <= 1
	assert p == pytest.approx(two_proportion_p_value(s2, n2, s1, n1))


def test_more_unique_clicks_wins():
	figures = [VariantFigures(0, 100, opens=40, clicks=5), VariantFigures(1, 100, opens=30, clicks=20)]
	decision = decide(figures, UNIQUE_CLICKS)
	assert decision.winner == 1 and decision.significant and not decision.tie
	assert decide(figures, UNIQUE_OPENS).winner == 0


def test_tie_keeps_the_earliest_variant_and_says_so():
	figures = [VariantFigures(0, 100, replies=3), VariantFigures(1, 100, replies=3)]
	decision = decide(figures, REPLIES)
	assert (decision.winner, decision.tie, decision.significant) == (0, True, False)


def test_small_difference_is_not_significant():
	decision = decide([VariantFigures(0, 100, clicks=10), VariantFigures(1, 100, clicks=12)], UNIQUE_CLICKS)
	assert decision.winner == 1 and not decision.significant and "not significant" in decision.reason


def test_revenue_criterion_uses_mean_revenue_per_recipient():
	a = VariantFigures(0, 100, revenue=500.0, revenue_values=(250.0, 250.0))
	b = VariantFigures(1, 100, revenue=4000.0, revenue_values=tuple([400.0] * 10))
	decision = decide([a, b], REVENUE)
	assert decision.winner == 1
	assert 0 <= decision.p_value <= 1
	assert welch_p_value(a, a) == pytest.approx(1.0)


def test_no_recipient_no_winner():
	assert decide([VariantFigures(0, 0), VariantFigures(1, 0)], UNIQUE_OPENS).winner is None


@given(st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), min_size=2, max_size=4))
def test_winner_has_the_best_rate(pairs):
	figures = [VariantFigures(i, n, clicks=min(s, n)) for i, (s, n) in enumerate(pairs)]
	decision = decide(figures, UNIQUE_CLICKS)
	rates = [f.clicks / f.recipients for f in figures if f.recipients]
	if rates:
		best = figures[decision.winner]
		assert math.isclose(best.clicks / best.recipients, max(rates))
		assert decision.winner == min(
			f.index for f in figures if f.recipients and math.isclose(f.clicks / f.recipients, max(rates))
		)


def test_check_test():
	check_test(["T1", "T2"], 20, 2, UNIQUE_CLICKS)
	for args in ((["T1"], 20, 2, UNIQUE_CLICKS), (["T1", "T1"], 20, 2, UNIQUE_CLICKS),
				(["T1", None], 20, 2, UNIQUE_CLICKS), (["T1", "T2"], 0, 2, UNIQUE_CLICKS),
				(["T1", "T2"], 20, -1, UNIQUE_CLICKS), (["T1", "T2"], 20, 2, "Vibes"),
				(["A", "B", "C", "D", "E"], 20, 2, UNIQUE_CLICKS)):  # fmt: skip
		with pytest.raises(RuleError):
			check_test(*args)
