# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.segments import Segment

keys = st.tuples(
	st.sampled_from(["Lead", "Contact", "Customer"]), st.sampled_from([f"P{i}" for i in range(12)])
)
key_sets = st.frozensets(keys, max_size=10)
actions = st.one_of(
	st.tuples(st.just("add"), key_sets, key_sets, st.booleans()),
	st.tuples(st.just("reduce"), key_sets),
	st.tuples(st.just("refine"), key_sets),
	st.tuples(st.just("set_target"), key_sets, st.booleans()),
)


def apply(segment, action):
	name, *args = action
	if name == "add":
		matching, excluded, target = args
		return segment.add(matching, excluded, target)
	return getattr(segment, name)(*args)


def test_add_reduce_refine_go_back():
	segment = Segment()
	segment.add([("Lead", "A"), ("Lead", "B"), ("Lead", "C")], excluded=[("Lead", "C")])
	assert set(segment.members) == {("Lead", "A"), ("Lead", "B")}
	segment.add([("Lead", "A"), ("Contact", "X")], target=False)
	assert segment.members == {("Lead", "A"): True, ("Lead", "B"): True, ("Contact", "X"): False}
	segment.reduce([("Lead", "B")])
	segment.refine([("Lead", "A")])
	assert segment.members == {("Lead", "A"): True}
	segment.go_back()
	segment.go_back()
	assert segment.members == {("Lead", "A"): True, ("Lead", "B"): True, ("Contact", "X"): False}


def test_go_back_on_first_step_leaves_empty_and_then_refuses():
	segment = Segment()
	segment.add([("Lead", "A")])
	segment.go_back()
	assert segment.members == {}
	with pytest.raises(RuleError) as info:
		segment.go_back()
	assert "no step to go back to" in str(info.value)


@given(st.lists(actions, max_size=8))
def test_go_back_restores_every_earlier_state_exactly(steps):
	segment = Segment()
	states = [dict(segment.members)]
	for action in steps:
		apply(segment, action)
		states.append(dict(segment.members))
	while segment.history:
		states.pop()
		segment.go_back()
		assert segment.members == states[-1]
	assert segment.members == {}


@given(key_sets, key_sets)
def test_refine_keeps_the_intersection_and_reduce_the_difference(members, matching):
	a, b = Segment(), Segment()
	a.add(members)
	b.add(members)
	a.refine(matching)
	b.reduce(matching)
	assert set(a.members) == members & matching
	assert set(b.members) == members - matching
	assert set(a.members) | set(b.members) == members
