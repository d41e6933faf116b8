# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.pricing import (
	ActiveCampaign,
	check_activation,
	choose_campaign,
	discount_rule,
	price_rule,
	reconcile,
)

D = dt.date


def test_activation_needs_dates_rows_and_targets():
	spec = price_rule("r1", "ITEM", 10)
	with pytest.raises(RuleError, match="start and end dates"):
		check_activation(None, D(2026, 12, 31), [spec], 5)
	with pytest.raises(RuleError, match="prices or line discounts"):
		check_activation(D(2026, 1, 1), D(2026, 12, 31), [], 5)
	with pytest.raises(RuleError, match="campaign-target members"):
		check_activation(D(2026, 1, 1), D(2026, 12, 31), [spec], 0)
	check_activation(D(2026, 1, 1), D(2026, 12, 31), [spec], 1)


@pytest.mark.parametrize(
	"spec, fragment",
	[
		(price_rule("r", "", 1), "has no item"),
		(price_rule("r", "I", -1), "cannot be negative"),
		(discount_rule("r", "Item Group", "G", 150), "cannot exceed 100%"),
		(discount_rule("r", "Brand", "B", 5), "not Brand"),
	],
)
def test_bad_rows(spec, fragment):
	with pytest.raises(RuleError) as info:
		check_activation(D(2026, 1, 1), D(2026, 12, 31), [spec], 1)
	assert fragment in str(info.value)


def test_reconcile_creates_updates_disables_and_reenables():
	a, b, c = price_rule("a", "I1", 10), price_rule("b", "I2", 20), discount_rule("c", "Item Group", "G", 5)
	existing = {
		"a": ("PR-A", a, True),  # unchanged
		"b": ("PR-B", price_rule("b", "I2", 25), True),  # rate changed
		"c": ("PR-C", c, False),  # disabled by a deactivation: enable again
		"x": ("PR-X", price_rule("x", "I9", 1), True),  # row removed
	}
	result = reconcile({"a": a, "b": b, "c": c, "d": price_rule("d", "I4", 4)}, existing)
	assert [s.key for s in result.create] == ["d"]
	assert sorted(name for name, _ in result.update) == ["PR-B", "PR-C"]
	assert result.disable == ["PR-X"]


@given(
	st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 100)),
	st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 100)),
)
def test_reconcile_twice_is_a_fixed_point(before, after):
	existing = {k: (f"PR-{k}", price_rule(k, "I", v), True) for k, v in before.items()}
	desired = {k: price_rule(k, "I", v) for k, v in after.items()}
	first = reconcile(desired, existing)
	# apply it
	state = dict(existing)
	for spec in first.create:
		state[spec.key] = (f"PR-{spec.key}", spec, True)
	for name, spec in first.update:
		state[spec.key] = (name, spec, True)
	for name in first.disable:
		key = name[3:]
		state[key] = (name, state[key][1], False)
	second = reconcile(desired, state)
	assert (second.create, second.update, second.disable) == ([], [], [])
	assert {k for k, (_n, _s, enabled) in state.items() if enabled} == set(desired)


def test_the_most_specific_row_wins():
	from campaign_plus.engine.pricing import priority

	rate, item_discount, group_discount = (
		price_rule("a", "I", 1),
		discount_rule("b", "Item Code", "I", 5),
		discount_rule("c", "Item Group", "G", 5),
	)
	assert priority(rate) > priority(item_discount) > priority(group_discount)


def test_choice_among_several_active_campaigns_is_deterministic():
	campaigns = [
		ActiveCampaign("Spring", D(2026, 3, 1), D(2026, 6, 30)),
		ActiveCampaign("Flash", D(2026, 5, 1), D(2026, 5, 31)),
		ActiveCampaign("Also Flash", D(2026, 5, 1), D(2026, 5, 31)),
	]
	assert choose_campaign(campaigns, D(2026, 4, 1)) == "Spring"
	assert choose_campaign(campaigns, D(2026, 5, 15)) == "Also Flash"  # latest start, then name
	assert choose_campaign(reversed(campaigns), D(2026, 5, 15)) == "Also Flash"
	assert choose_campaign(campaigns, D(2026, 7, 1)) is None
