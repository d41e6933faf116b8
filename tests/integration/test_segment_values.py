# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Segment filter values are data (issue 25, item 1): ``%``, ``%%``, ``%(name)s``, ``%s``, quotes,
backslashes and SQL-looking text in every operator, for Add, Reduce, Refine and saved criteria,
on Frappe 15 (values inlined by its list query) and 16 (parameters). Each action's members are
exactly what ``frappe.get_list`` answers for the same filters; nothing raises."""

import frappe
import pytest

from campaign_plus.segments import api
from campaign_plus.segments.criteria import validated_filters
from tests.integration.helpers import make_campaign

VALUES = [
	"100% Bio",
	"%%",
	"%(name)s",
	"%s",
	"50%(cp_segment)s",
	"O'Brien",
	'say "hi"',
	"back\\slash",
	"a\\%b",
	"x'; drop table `tabLead`; --",
	"%",
]


@pytest.fixture
def leads():
	"""One lead per value (in city), all with the same company tag; a lead without city."""
	tag = f"CPV-{frappe.generate_hash(length=8)}"
	made = {}
	for i, value in enumerate([*VALUES, None]):
		lead = frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"Value {i}",
				"company_name": tag,
				"email_id": f"value-{i}-{frappe.generate_hash(length=6)}@example.com",
				"city": value,
			}
		).insert(ignore_permissions=True)
		made[value] = lead.name
	return frappe._dict(tag=tag, names=made)


def segment():
	campaign = make_campaign()
	return frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "Values", "campaign": campaign.name}
	).insert()


def members(name: str) -> set[str]:
	return set(frappe.get_all("Campaign Segment Member", filters={"segment": name}, pluck="party"))


def expected(tag: str, condition: list) -> set[str]:
	"""What Frappe's own list query answers for the same (validated) filters, run by Frappe itself."""
	filters = validated_filters("Lead", [["company_name", "=", tag], condition])
	return set(frappe.get_list("Lead", filters=filters, pluck="name", limit_page_length=0))


def conditions(value: str) -> list[list]:
	return [
		["city", "=", value],
		["city", "!=", value],
		["city", "like", value],
		["city", "like", f"%{value}%"],
		["city", "not like", value],
		["city", "in", [value, "100% Bio"]],
		["city", "not in", [value]],
		["city", "between", [value, value + "~"]],
		["city", ">", value],
	]


def check_action(leads, condition):
	tagged = [["company_name", "=", leads.tag]]
	want = expected(leads.tag, condition)
	everyone = set(leads.names.values())

	added = segment()
	result = api.add_members(added.name, "Lead", [*tagged, condition])
	assert members(added.name) == want, condition
	assert result["added"] == len(want)

	reduced = segment()
	api.add_members(reduced.name, "Lead", tagged)
	api.reduce_members(reduced.name, "Lead", [condition])
	assert members(reduced.name) == everyone - want, condition

	refined = segment()
	api.add_members(refined.name, "Lead", tagged)
	api.refine_members(refined.name, "Lead", [condition])
	assert members(refined.name) == want, condition
	api.go_back(refined.name)
	assert members(refined.name) == everyone

	saved = api.save_criteria(f"_CPV {frappe.generate_hash(length=8)}", "Lead", [*tagged, condition])
	from_saved = segment()
	api.apply_saved_criteria(from_saved.name, "Add", saved)
	assert members(from_saved.name) == want, condition
	api.apply_saved_criteria(from_saved.name, "Reduce", saved)
	assert members(from_saved.name) == set()


@pytest.mark.parametrize("value", VALUES)
def test_every_value_is_data_in_every_operator_and_action(leads, value):
	for condition in conditions(value):
		check_action(leads, condition)
	# the value itself finds its own lead, and only it
	assert expected(leads.tag, ["city", "=", value]) == {leads.names[value]}


def test_is_set_and_not_set(leads):
	check_action(leads, ["city", "is", "set"])
	check_action(leads, ["city", "is", "not set"])
	assert expected(leads.tag, ["city", "is", "not set"]) == {leads.names[None]}


@pytest.mark.parametrize(
	"condition, fragment",
	[
		(["city", "is", "100% Bio"], "set or not set"),
		(["creation", "between", ["100%", "%(name)s"]], "is not a date"),
		(["creation", ">", "%s"], "is not a date"),
		(["status", "=", "%(status)s"], "is not one of"),
	],
)
def test_values_an_operator_cannot_take_are_refused_clearly(leads, condition, fragment):
	seg = segment()
	with pytest.raises(frappe.ValidationError) as info:
		api.add_members(seg.name, "Lead", [["company_name", "=", leads.tag], condition])
	assert fragment in str(info.value)
	assert members(seg.name) == set()
	assert not frappe.db.count("Campaign Segment Step", {"segment": seg.name})


def test_customers_and_contacts_take_the_same_values():
	tag = f"CPV-{frappe.generate_hash(length=8)}"
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": f"100% Bio {tag} O'Brien %(x)s", "customer_type": "Company"}
	).insert(ignore_permissions=True)
	seg = segment()
	api.add_members(seg.name, "Customer", [["customer_name", "like", f"100%{tag} O'Brien %(x)s"]])
	assert members(seg.name) == {customer.name}
	contact = frappe.get_doc(
		{"doctype": "Contact", "first_name": f"50% {tag}", "last_name": "d'Arc \\ %s"}
	).insert(ignore_permissions=True)
	api.add_members(
		seg.name, "Contact", [["last_name", "=", "d'Arc \\ %s"], ["first_name", "=", f"50% {tag}"]]
	)
	assert members(seg.name) == {customer.name, contact.name}
