# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.activities import ActivityStep, check_steps, merge_assignees, plan_tasks

START = dt.date(2026, 11, 23)  # a Monday
STEPS = [
	ActivityStep(1, "Call", "First call"),
	ActivityStep(2, "Email", "Send the brochure", formula="2D"),
	ActivityStep(3, "Meeting", "Visit", "High", formula="CW+1D"),
]


def test_steps_are_dated_by_their_formula():
	tasks = plan_tasks(STEPS, [("Lead", "L1")], ["u@example.com"], START)
	assert [(t.step.idx, t.date) for t in tasks] == [
		(1, START),
		(2, dt.date(2026, 11, 25)),
		(3, dt.date(2026, 11, 30)),
	]
	assert [t.step.is_event for t in tasks] == [False, False, True]


def test_weekday_formulas_date_tasks():
	steps = [
		ActivityStep(1, "Call", "Call on Thursday", formula="WD4"),
		ActivityStep(2, "Meeting", "Visit the Monday after", formula="WD4+WD1"),
		ActivityStep(3, "Task", "Prepare the Friday before", formula="-WD5"),
	]
	tasks = plan_tasks(steps, [("Lead", "L1")], ["u@example.com"], START)
	assert [(t.step.idx, t.date) for t in tasks] == [
		(1, dt.date(2026, 11, 26)),
		(2, dt.date(2026, 11, 30)),
		(3, dt.date(2026, 11, 20)),
	]


def test_one_set_per_target_and_user_without_duplicates():
	tasks = plan_tasks(STEPS, [("Lead", "L1"), ("Lead", "L2"), ("Lead", "L1")], ["a", "b", "a"], START)
	assert len(tasks) == 2 * 2 * 3
	assert len({(t.step.idx, t.target, t.user) for t in tasks}) == len(tasks)


@pytest.mark.parametrize(
	"steps, fragment",
	[
		([], "at least one step"),
		([ActivityStep(1, "Dance", "x")], "is not one of"),
		([ActivityStep(1, "Call", " ")], "needs a description"),
		([ActivityStep(1, "Call", "x", "Urgent")], "priority Urgent"),
		([ActivityStep(1, "Call", "x", cost=-1)], "cannot be negative"),
		([ActivityStep(1, "Call", "x", duration=-5)], "cannot be negative"),
	],
)
def test_bad_templates(steps, fragment):
	with pytest.raises(RuleError) as info:
		check_steps(steps)
	assert fragment in str(info.value)


def test_invalid_formula_is_refused_when_the_step_is_built():
	with pytest.raises(RuleError) as info:
		ActivityStep(1, "Call", "x", formula="1X")
	assert "1X" in str(info.value)


@given(st.lists(st.integers(0, 60), min_size=1, max_size=5), st.integers(1, 4), st.integers(1, 3))
def test_task_count_and_dates(offsets, n_targets, n_users):
	steps = [ActivityStep(i, "Task", f"s{i}", formula=f"{d}D") for i, d in enumerate(offsets)]
	targets = [("Lead", f"L{i}") for i in range(n_targets)]
	users = [f"u{i}" for i in range(n_users)]
	tasks = plan_tasks(steps, targets, users, START)
	assert len(tasks) == len(offsets) * n_targets * n_users
	for task in tasks:
		assert task.date == START + dt.timedelta(days=offsets[task.step.idx])


def test_merge_assignees_keeps_the_current_ones_first():
	assert merge_assignees([], ["b", "a", "b"]) == ["a", "b"]
	assert merge_assignees(["z", "a"], ["b", "a"]) == ["z", "a", "b"]
	assert merge_assignees(["z", "z"], []) == ["z"]  # Frappe may list a user twice


users = st.lists(st.sampled_from(["a@x", "b@x", "c@x", "d@x"]), max_size=6)


@given(users, users)
def test_merge_assignees_is_a_union_without_duplicates(current, added):
	merged = merge_assignees(current, added)
	assert set(merged) == set(current) | set(added)
	assert len(merged) == len(set(merged))
	assert merged[: len(dict.fromkeys(current))] == list(dict.fromkeys(current))
	assert merge_assignees(merged, added) == merged  # idempotent
