# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.automation import (
	ADD_TO_SEGMENT,
	ASSIGN_ACTIVITY,
	CLICK,
	CLICKED,
	ONLY_IF,
	OPENED,
	REPLIED,
	STOP_SEQUENCE,
	UNLESS,
	Condition,
	Engagement,
	Rule,
	check_condition,
	check_rule,
	holds,
	rules_for,
)

SENT = dt.datetime(2027, 3, 1, 9, 0)
DUE = dt.datetime(2027, 3, 4, 9, 0)


def test_unless_opened_skips_openers_only():
	condition = Condition(UNLESS, OPENED, 1)
	assert holds(condition, Engagement(SENT), DUE)  # did not open: gets step 2
	assert not holds(condition, Engagement(SENT, first_opened_on=SENT + dt.timedelta(hours=2)), DUE)
	assert holds(condition, None, DUE)  # never got step 1: did not open it


def test_a_click_counts_as_an_open():
	assert not holds(Condition(UNLESS, OPENED, 1), Engagement(SENT, first_clicked_on=SENT), DUE)


def test_events_after_the_evaluation_do_not_count():
	later = Engagement(SENT, replied_on=DUE + dt.timedelta(minutes=1))
	assert not holds(Condition(ONLY_IF, REPLIED, 1), later, DUE)


def test_within_days():
	engagement = Engagement(SENT, first_clicked_on=SENT + dt.timedelta(days=3))
	assert not holds(Condition(ONLY_IF, CLICKED, 1, within_days=2), engagement, DUE + dt.timedelta(days=5))
	assert holds(Condition(ONLY_IF, CLICKED, 1, within_days=3), engagement, DUE + dt.timedelta(days=5))


moments = st.none() | st.datetimes(min_value=SENT, max_value=SENT + dt.timedelta(days=10))


@given(st.sampled_from([OPENED, CLICKED, REPLIED]), st.none() | st.integers(0, 10), moments, moments, moments)
def test_unless_is_the_complement_of_only_if(event, days, opened, clicked, replied):
	engagement = Engagement(SENT, opened, clicked, replied)
	assert holds(Condition(ONLY_IF, event, 1, days), engagement, DUE) != holds(
		Condition(UNLESS, event, 1, days), engagement, DUE
	)


def test_check_condition():
	check_condition(2, Condition(UNLESS, OPENED, 1), [1, 2])
	for step, condition in ((2, Condition(UNLESS, OPENED, 2)), (2, Condition(UNLESS, OPENED, 3)),
							(2, Condition("Maybe", OPENED, 1)), (2, Condition(UNLESS, OPENED, 1, -1))):  # fmt: skip
		with pytest.raises(RuleError):
			check_condition(step, condition, [1, 2, 3])


def test_check_rule_and_order():
	check_rule(1, Rule("r1", CLICK, STOP_SEQUENCE))
	with pytest.raises(RuleError):
		check_rule(1, Rule("r1", CLICK, ASSIGN_ACTIVITY, activity="A"))
	with pytest.raises(RuleError):
		check_rule(1, Rule("r1", CLICK, ADD_TO_SEGMENT))
	rules = [
		Rule("a", CLICK, ADD_TO_SEGMENT, segment="S"),
		Rule("b", CLICK, STOP_SEQUENCE),
		Rule("c", "Reply", STOP_SEQUENCE),
	]
	assert [r.key for r in rules_for(rules, CLICK)] == ["b", "a"]


def test_score_reached_rules_act_on_upward_crossings_only():
	from campaign_plus.engine.automation import (
		CREATE_OPPORTUNITY,
		NOTIFY_SALES_PERSON,
		SCORE_REACHED,
		crossed_rules,
	)

	rules = [
		Rule("r50", SCORE_REACHED, NOTIFY_SALES_PERSON, sales_person="Ann", score_threshold=50),
		Rule("r80", SCORE_REACHED, CREATE_OPPORTUNITY, score_threshold=80),
		Rule("click", CLICK, STOP_SEQUENCE),
	]
	assert [r.key for r in crossed_rules(rules, None, 60)] == ["r50"]
	assert [r.key for r in crossed_rules(rules, 40, 90)] == ["r50", "r80"]
	assert crossed_rules(rules, 60, 70) == []
	assert crossed_rules(rules, 90, 10) == []
	assert rules[0].once_per_crossing("20260301").key == "r50@20260301"


def test_score_and_notify_rules_name_what_they_need():
	from campaign_plus.engine.automation import NOTIFY_SALES_PERSON, SCORE_REACHED

	check_rule(1, Rule("r", SCORE_REACHED, STOP_SEQUENCE, score_threshold=10))
	check_rule(1, Rule("r", CLICK, NOTIFY_SALES_PERSON), campaign_sales_person="Ann")
	for rule in (
		Rule("r", SCORE_REACHED, STOP_SEQUENCE),
		Rule("r", SCORE_REACHED, STOP_SEQUENCE, score_threshold=-1),
	):
		with pytest.raises(RuleError, match="score to reach"):
			check_rule(1, rule)
	with pytest.raises(RuleError, match="sales person to notify"):
		check_rule(1, Rule("r", CLICK, NOTIFY_SALES_PERSON))
