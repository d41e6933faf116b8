# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.status import (
	StatusRule,
	allowed_moves,
	check_move,
	check_status,
	default_status,
	find_loop,
	index,
	next_status,
)
from campaign_plus.setup.fields import DEFAULT_STATUSES

DEFAULTS = index(
	StatusRule(row["code"], row["sequence"], row["next_status"], bool(row["is_closed"]))
	for row in DEFAULT_STATUSES
)


# --- the shipped defaults -------------------------------------------------------------------


def test_defaults_are_a_valid_graph():
	for status in DEFAULTS.values():
		check_status(status, DEFAULTS)


def test_default_status_is_planned():
	assert default_status(DEFAULTS) == "Planned"


@pytest.mark.parametrize(
	"current, expected",
	[
		(None, "Planned"),
		("Planned", "Active"),
		("Active", "Completed"),
		("On Hold", "Active"),
		("Completed", None),
		("Canceled", None),
		("Deleted Meanwhile", "Planned"),
	],
)
def test_next_step_of_defaults(current, expected):
	assert next_status(current, DEFAULTS) == expected


@pytest.mark.parametrize(
	"current, new",
	[
		("Planned", "Active"),
		("Planned", "On Hold"),
		("Planned", "Canceled"),
		("Active", "On Hold"),
		("On Hold", "Active"),  # back, through the explicit next status
		("Active", "Completed"),
		("Active", "Canceled"),
		("Active", "Active"),
		(None, "Completed"),  # a new campaign may start anywhere
	],
)
def test_allowed_moves(current, new):
	check_move(current, new, DEFAULTS)


@pytest.mark.parametrize(
	"current, new, fragment",
	[
		("Active", "Planned", "cannot move back"),
		("On Hold", "Planned", "cannot move back"),
		("Completed", "Active", "is closed"),
		("Canceled", "Planned", "is closed"),
	],
)
def test_refused_moves(current, new, fragment):
	with pytest.raises(RuleError) as info:
		check_move(current, new, DEFAULTS)
	assert fragment in str(info.value)
	assert info.value.title == "Status Sequence"


def test_unknown_status_is_refused():
	with pytest.raises(RuleError) as info:
		check_move("Planned", "Nope", DEFAULTS)
	assert info.value.title == "Unknown Status"
	assert "Nope" in str(info.value)


def test_empty_status_is_not_a_move():
	check_move("Active", None, DEFAULTS)


# --- graph validation -------------------------------------------------------------------------


def test_self_reference_is_refused():
	with pytest.raises(RuleError) as info:
		check_status(StatusRule("Completed", 40, "Completed", True), DEFAULTS)
	assert "own next status" in str(info.value)


def test_unknown_next_status_is_refused():
	with pytest.raises(RuleError) as info:
		check_status(StatusRule("X", 1, "Missing"), DEFAULTS)
	assert "does not exist" in str(info.value)


def test_loop_is_refused_and_named():
	statuses = {**DEFAULTS, "Active": StatusRule("Active", 20, "On Hold")}
	with pytest.raises(RuleError) as info:
		check_status(statuses["Active"], statuses)
	assert info.value.title == "Status Loop"
	assert "Active → On Hold → Active" in str(info.value)


def test_blank_code_is_refused():
	with pytest.raises(RuleError):
		check_status(StatusRule("  "), {})


# --- properties over random status graphs ------------------------------------------------------

codes = st.sampled_from(list("ABCDEFGH"))


@st.composite
def status_graphs(draw):
	names = draw(st.lists(codes, min_size=1, max_size=8, unique=True))
	rules = []
	for name in names:
		rules.append(
			StatusRule(
				name,
				draw(st.integers(0, 5)),
				draw(st.none() | st.sampled_from(names)),
				draw(st.booleans()),
			)
		)
	return index(rules)


def _has_cycle(statuses):
	return any(find_loop(code, statuses) for code in statuses)


@given(status_graphs())
def test_check_status_accepts_every_status_of_an_acyclic_graph_without_self_links(statuses):
	assume(all(s.next_status != s.code for s in statuses.values()))
	assume(not _has_cycle(statuses))
	for status in statuses.values():
		check_status(status, statuses)


@given(status_graphs())
def test_a_graph_with_a_cycle_is_refused_for_some_member(statuses):
	assume(_has_cycle(statuses))
	refused = 0
	for status in statuses.values():
		try:
			check_status(status, statuses)
		except RuleError:
			refused += 1
	assert refused


@given(status_graphs(), st.none() | codes)
def test_next_step_is_always_an_allowed_move(statuses, current):
	target = next_status(current, statuses)
	if target is not None:
		assert target in statuses
		check_move(current, target, statuses)


@given(status_graphs(), codes)
def test_allowed_moves_contain_current_and_closing(statuses, current):
	assume(current in statuses)
	allowed = allowed_moves(current, statuses)
	assert current in allowed
	if not statuses[current].is_closed:
		assert {s.code for s in statuses.values() if s.is_closed} <= set(allowed)


@given(status_graphs(), codes, codes)
def test_check_move_agrees_with_allowed_moves(statuses, current, new):
	assume(current in statuses and new in statuses)
	if new in allowed_moves(current, statuses):
		check_move(current, new, statuses)
	else:
		with pytest.raises(RuleError):
			check_move(current, new, statuses)


@given(status_graphs())
def test_default_status_is_open_with_lowest_sequence(statuses):
	code = default_status(statuses)
	open_ = [s for s in statuses.values() if not s.is_closed]
	if not open_:
		assert code is None
	else:
		assert not statuses[code].is_closed
		assert statuses[code].sequence == min(s.sequence for s in open_)
