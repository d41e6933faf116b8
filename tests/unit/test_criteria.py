# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.criteria import FieldSpec, parse_filters, validate_filters

LEAD = {
	"status": FieldSpec("Select", "Lead\nOpen\nReplied\nConverted"),
	"city": FieldSpec("Data"),
	"annual_revenue": FieldSpec("Currency"),
	"unsubscribed": FieldSpec("Check"),
	"territory": FieldSpec("Link", "Territory"),
	"last_contact": FieldSpec("Date"),
}


@pytest.mark.parametrize(
	"filters",
	[
		{"status": "Open"},
		{"status": ["!=", "Converted"]},
		[["Lead", "city", "like", "%Lyon%"]],
		[["annual_revenue", ">=", "1000"]],
		[["status", "in", ["Lead", "Open"]]],
		[["status", "in", "Lead, Open"]],
		[["last_contact", "between", ["2026-01-01", "2026-03-31"]]],
		[["last_contact", "timespan", "last month"]],
		[["city", "is", "set"]],
		[["territory", "descendants of (inclusive)", "France"]],
		[["creation", ">", "2026-01-01 10:00:00"]],
		'[["Lead","city","=","Paris"]]',
		[],
		None,
	],
)
def test_valid(filters):
	validate_filters("Lead", filters, LEAD)


@pytest.mark.parametrize(
	"filters, fragment",
	[
		({"nope": 1}, "has no field nope"),
		({"name) or 1=1 --": "x"}, "has no field"),
		([["city", "regexp", ".*"]], "Operator regexp is not allowed"),
		([["annual_revenue", "=", "1) or 1=1 --"]], "not a number"),
		([["annual_revenue", "=", "1) or 1=1"]], "not a number"),
		([["status", "=", "Bogus"]], "is not one of"),
		([["last_contact", "=", "yesterday-ish"]], "is not a date"),
		([["last_contact", "timespan", "forever"]], "time span"),
		([["city", "in", 5]], "list of values"),
		([["city", "between", ["a"]]], "two values"),
		([["city", "is", "maybe"]], "set or not set"),
		([["Contact Email", "email_id", "=", "a@b.c"]], "not supported"),
		([["city", "="]], "is not [field, operator, value]"),
		("{not json", "not valid JSON"),
		(42, "list or a mapping"),
		([["city", "=", ["a", "b"]]], "single value"),
	],
)
def test_refused_with_clear_message(filters, fragment):
	with pytest.raises(RuleError) as info:
		validate_filters("Lead", filters, LEAD)
	assert fragment in str(info.value)
	assert info.value.title == "Invalid Criteria"


def test_doctype_outside_the_allowed_list():
	with pytest.raises(RuleError) as info:
		validate_filters("User", {}, {})
	assert "not from User" in str(info.value)


def test_parse_shapes_agree():
	assert (
		parse_filters({"city": "Paris"})
		== parse_filters([["city", "=", "Paris"]])
		== [(None, "city", "=", "Paris")]
	)


def test_criteria_become_frappe_filters():
	(criterion,) = validate_filters("Lead", [["status", "in", "Lead, Open"]], LEAD)
	assert criterion.as_filter("Lead") == ["Lead", "status", "in", ["Lead", "Open"]]


TRICKY = [
	"100% Bio",
	"%%",
	"%(name)s",
	"%s",
	"O'Brien",
	'say "hi"',
	"back\\slash",
	"a\\%b",
	"x'; drop table tabLead; --",
]


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("operator", ["=", "!=", "like", "not like", ">", "<="])
def test_any_text_is_a_value(value, operator):
	"""Values are data (escaped or parameters downstream): no character is refused."""
	(criterion,) = validate_filters("Lead", [["city", operator, value]], LEAD)
	assert criterion.value == value


@given(st.text(), st.sampled_from(["=", "!=", "like", "not like"]))
def test_every_text_passes_unchanged(value, operator):
	(criterion,) = validate_filters("Lead", [["city", operator, value]], LEAD)
	assert (criterion.fieldname, criterion.operator, criterion.value) == ("city", operator, value)


@given(st.lists(st.text().filter(lambda v: "," not in v and v == v.strip()), min_size=1, max_size=5))
def test_in_lists_keep_their_items(values):
	(criterion,) = validate_filters("Lead", [["city", "in", values]], LEAD)
	assert criterion.value == values


def test_between_on_text_and_numbers_becomes_two_comparisons():
	low, high = validate_filters("Lead", [["city", "between", ["100% A", "Z's"]]], LEAD)
	assert (low.operator, low.value, high.operator, high.value) == (">=", "100% A", "<=", "Z's")
	low, high = validate_filters("Lead", [["annual_revenue", "between", [10, "20"]]], LEAD)
	assert (low.operator, high.operator) == (">=", "<=")
	(dates,) = validate_filters("Lead", [["last_contact", "between", ["2026-01-01", "2026-03-31"]]], LEAD)
	assert dates.operator == "between"


def test_between_on_dates_refuses_what_is_not_a_date():
	with pytest.raises(RuleError) as info:
		validate_filters("Lead", [["last_contact", "between", ["100%", "2026-01-01"]]], LEAD)
	assert "is not a date" in str(info.value)
