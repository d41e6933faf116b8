# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Segments on a real site: set-based Add / Reduce / Refine / Go Back, exclusions, targets,
permissions, bad input, locking, and segment members as email recipients."""

import datetime as dt

import frappe
import pytest

from campaign_plus.engine.segments import Segment
from campaign_plus.segments import actions, api
from campaign_plus.segments.targets import campaign_targets
from campaign_plus.sending import planner
from tests.integration.helpers import (
	enroll,
	freeze_time,
	linked_counts,
	make_campaign,
	make_template,
	make_user,
	use_outgoing_account,
)
from tests.site_cleanup import delete_for_good


def make_leads(city: str, n: int, **values) -> list:
	return [
		frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"Seg {i} {frappe.generate_hash(length=5)}",
				"email_id": f"seg-{frappe.generate_hash(length=8)}@example.com",
				"city": city,
				**values,
			}
		).insert(ignore_permissions=True)
		for i in range(n)
	]


def make_segment(campaign: str | None = None, **values):
	campaign = campaign or make_campaign().name
	return frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "Seg", "campaign": campaign, **values}
	).insert()


def members(segment: str) -> dict[tuple[str, str], int]:
	rows = frappe.get_all(
		"Campaign Segment Member",
		filters={"segment": segment},
		fields=["party_type", "party", "campaign_target"],
	)
	return {(r.party_type, r.party): r.campaign_target for r in rows}


@pytest.fixture
def city():
	return f"CP-{frappe.generate_hash(length=8)}"


def test_add_by_criteria_excludes_flagged_and_unsubscribed(city):
	leads = make_leads(city, 5)
	frappe.db.set_value("Lead", leads[0].name, "cp_exclude_from_segments", 1)
	frappe.db.set_value("Lead", leads[1].name, "unsubscribed", 1)
	segment = make_segment()
	result = api.add_members(segment.name, "Lead", [["Lead", "city", "=", city]])
	assert (result["step"], result["added"], result["member_count"]) == (1, 3, 3)
	assert result["excluded"] == {"Excluded": 1, "Unsubscribed": 1}
	row = frappe.get_all(
		"Campaign Segment Member",
		filters={"segment": segment.name, "party": leads[2].name},
		fields=["party_name", "email", "campaign_target", "added_by_step"],
	)[0]
	assert (row.party_name, row.email, row.campaign_target, row.added_by_step) == (
		leads[2].lead_name,
		leads[2].email_id,
		1,
		1,
	)
	assert frappe.db.get_value("Campaign Segment", segment.name, "member_count") == 3
	# adding again duplicates nothing
	assert api.add_members(segment.name, "Lead", {"city": city})["added"] == 0
	assert len(members(segment.name)) == 3


def test_reduce_refine_and_go_back_match_the_engine_exactly(city):
	a = make_leads(city, 4, status="Open")
	b = make_leads(city, 3, status="Replied")
	segment = make_segment()
	model = Segment()
	keys = lambda leads: [("Lead", lead.name) for lead in leads]  # noqa: E731

	api.add_members(segment.name, "Lead", {"city": city})
	model.add(keys(a + b))
	api.reduce_members(segment.name, "Lead", [["status", "=", "Replied"]])
	model.reduce(keys(b))
	assert members(segment.name) == model.members
	api.add_members(segment.name, "Lead", [["status", "=", "Replied"], ["city", "=", city]])
	model.add(keys(b))
	api.refine_members(segment.name, "Lead", [["name", "in", [x.name for x in a[:2] + b[:1]]]])
	model.refine(keys(a[:2] + b[:1]))
	assert members(segment.name) == model.members

	for _ in range(4):
		api.go_back(segment.name)
		model.go_back()
		assert members(segment.name) == model.members
	assert members(segment.name) == {}
	with pytest.raises(frappe.ValidationError) as info:
		api.go_back(segment.name)
	assert "no step to go back to" in str(info.value)


def test_targets_flags_header_and_go_back(city):
	leads = make_leads(city, 3)
	campaign = make_campaign()
	segment = make_segment(campaign.name)
	other = make_segment(campaign.name, campaign_target=0)
	api.add_members(segment.name, "Lead", {"city": city})
	api.add_members(other.name, "Lead", {"city": city})
	assert {t.party for t in campaign_targets(campaign.name)} == {lead.name for lead in leads}

	first = frappe.get_all(
		"Campaign Segment Member", filters={"segment": segment.name, "party": leads[0].name}, pluck="name"
	)
	result = api.set_target(segment.name, first, 0)
	assert result["changed"] == 1
	assert {t.party for t in campaign_targets(campaign.name)} == {leads[1].name, leads[2].name}
	api.go_back(segment.name)
	assert {t.party for t in campaign_targets(campaign.name)} == {lead.name for lead in leads}

	frappe.db.set_value("Campaign Segment", segment.name, "campaign_target", 0)
	assert campaign_targets(campaign.name) == []


@pytest.mark.parametrize(
	"document_type, filters, fragment",
	[
		("Lead", [["no_such_field", "=", "x"]], "has no field"),
		("Lead", [["city", "regexp", ".*"]], "is not allowed"),
		("Lead", [["annual_revenue", ">", "1) or 1=1"]], "not a number"),
		("User", [["name", "=", "Administrator"]], "not from"),
		("Lead", [["Contact Email", "email_id", "=", "x@y.z"]], "not supported"),
	],
)
def test_bad_criteria_are_refused_and_change_nothing(city, document_type, filters, fragment):
	make_leads(city, 2)
	segment = make_segment()
	api.add_members(segment.name, "Lead", {"city": city})
	with pytest.raises(frappe.ValidationError) as info:
		api.add_members(segment.name, document_type, filters)
	assert fragment in str(info.value)
	assert len(members(segment.name)) == 2
	assert frappe.db.count("Campaign Segment Step", {"segment": segment.name}) == 1


def test_sql_looking_values_are_only_data(city):
	"""A value that looks like SQL is a value: it matches what equals it (nothing here), adds no
	one, and changes nothing else (test_segment_values.py tries every operator)."""
	make_leads(city, 2)
	segment = make_segment()
	api.add_members(segment.name, "Lead", {"city": city})
	result = api.add_members(segment.name, "Lead", [["city", "=", "1) or 1=1 --"]])
	assert result["added"] == 0 and len(members(segment.name)) == 2
	api.reduce_members(segment.name, "Lead", [["city", "like", "%' or '1'='1"]])
	assert len(members(segment.name)) == 2


def test_user_permissions_limit_what_a_sales_user_can_pull(city):
	leads = make_leads(city, 3)
	segment = make_segment()
	user = make_user(["Sales User"])
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": user,
			"allow": "Lead",
			"for_value": leads[0].name,
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)
	frappe.set_user(user)
	result = api.add_members(segment.name, "Lead", {"city": city})
	assert result["added"] == 1
	assert set(members(segment.name)) == {("Lead", leads[0].name)}


def test_actions_need_write_permission_on_the_segment(city):
	segment = make_segment()
	frappe.set_user(make_user([]))
	with pytest.raises(frappe.PermissionError):
		api.add_members(segment.name, "Lead", {"city": city})


def test_customers_contacts_and_leads_resolve_to_customers_and_emails(city):
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": f"Cp Cust {city}", "customer_type": "Company"}
	).insert(ignore_permissions=True)
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Chloé",
			"email_ids": [{"email_id": f"chloe-{city}@example.com", "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert(ignore_permissions=True)
	(lead,) = make_leads(city, 1, customer=customer.name)
	segment = make_segment()
	api.add_members(segment.name, "Customer", [["name", "=", customer.name]])
	api.add_members(segment.name, "Contact", [["name", "=", contact.name]])
	api.add_members(segment.name, "Lead", [["name", "=", lead.name]])
	rows = {
		(r.party_type, r.party): r
		for r in frappe.get_all("Campaign Segment Member", filters={"segment": segment.name}, fields=["*"])
	}
	assert rows[("Customer", customer.name)].email == f"chloe-{city}@example.com"
	assert rows[("Customer", customer.name)].customer == customer.name
	assert rows[("Contact", contact.name)].customer == customer.name
	assert rows[("Lead", lead.name)].customer == customer.name


def test_saved_criteria_are_reused_on_another_segment(city):
	make_leads(city, 2)
	name = api.save_criteria(f"Leads of {city}", "Lead", [["Lead", "city", "=", city]])
	first, second = make_segment(), make_segment()
	assert api.apply_saved_criteria(first.name, "Add", name)["added"] == 2
	assert api.apply_saved_criteria(second.name, "Add", name)["added"] == 2
	step = frappe.get_all(
		"Campaign Segment Step", filters={"segment": second.name}, fields=["criteria", "action"]
	)[0]
	assert (step.criteria, step.action) == (name, "Add")


@pytest.mark.commits
def test_an_action_locks_the_segment_row(city):
	"""A second connection cannot take the segment while an action holds it."""
	segment = make_segment()
	frappe.db.commit()
	try:
		actions.lock(segment.name)
		other = _second_connection()
		try:
			with pytest.raises(Exception) as info:
				other.cursor().execute(
					"SELECT name FROM `tabCampaign Segment` WHERE name = %s FOR UPDATE NOWAIT",
					(segment.name,),
				)
			assert "lock" in str(info.value).lower()
			frappe.db.rollback()  # the action ends: the other connection gets the row
			cursor = other.cursor()
			cursor.execute(
				"SELECT name FROM `tabCampaign Segment` WHERE name = %s FOR UPDATE NOWAIT", (segment.name,)
			)
			assert cursor.fetchone()[0] == segment.name
		finally:
			other.rollback()
			other.close()
	finally:
		frappe.db.rollback()
		delete_for_good("Campaign Segment", segment.name)
		delete_for_good("Campaign", segment.campaign)
		frappe.db.commit()


def _second_connection():
	import pymysql

	conf = frappe.conf
	return pymysql.connect(
		host=conf.db_host or "127.0.0.1",
		port=int(conf.db_port or 3306),
		user=conf.db_user or conf.db_name,
		password=conf.db_password,
		database=conf.db_name,
	)


def test_segment_members_receive_the_campaign_emails_once(city):
	use_outgoing_account()
	template = make_template()
	campaign = make_campaign(
		campaign_schedules=[{"email_template": template.name, "send_after_days": 0}],
		cp_start_date="2027-03-01",
	)
	leads = make_leads(city, 2)
	enroll(campaign.name, [leads[0].name], dt.date(2027, 3, 1))  # also enrolled through ERPNext
	segment = make_segment(campaign.name)
	api.add_members(segment.name, "Lead", {"city": city})
	with freeze_time("2027-03-01 10:00:00"):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.skipped) == (2, 0)
	sent = frappe.get_all("Campaign Send Log", filters={"campaign": campaign.name}, pluck="party")
	assert sorted(sent) == sorted(lead.name for lead in leads)


def test_campaign_dashboard_lists_its_segments():
	segment = make_segment()
	data = frappe.get_meta("Campaign").get_dashboard_data()
	assert "Campaign Segment" in {item for group in data.transactions for item in group["items"]}
	assert linked_counts("Campaign", segment.campaign)["Campaign Segment"] == 1
