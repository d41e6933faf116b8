# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign activities on a real site: dated to-dos and events for sales persons' users,
idempotent assignment, cancel, teams, segments, bad input, assignments shown on the documents."""

import json

import frappe
import pytest

from campaign_plus.activities import api
from campaign_plus.campaign_plus.doctype.campaign_activity.test_campaign_activity import make_activity
from campaign_plus.links import campaign_link_value, get_campaign_link
from campaign_plus.segments import api as segments
from tests.integration.helpers import make_campaign, make_lead, make_user

START = "2026-11-23"  # a Monday


def make_sales_person(with_user=True, enabled=True, parent="Sales Team", is_group=False):
	tag = frappe.generate_hash(length=6)
	employee = None
	if with_user:
		company = (
			frappe.defaults.get_global_default("company")
			or frappe.get_all("Company", pluck="name", limit=1)[0]
		)
		employee = frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": f"Rep {tag}",
				"gender": frappe.get_all("Gender", pluck="name", limit=1)[0],
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"status": "Active",
				"user_id": make_user(["Sales User"]),
			}
		).insert(ignore_permissions=True)
	person = frappe.get_doc(
		{
			"doctype": "Sales Person",
			"sales_person_name": f"_Test Rep {tag}",
			"parent_sales_person": parent,
			"is_group": 1 if is_group else 0,
			"enabled": 1 if enabled else 0,
			"employee": employee.name if employee else None,
		}
	).insert(ignore_permissions=True)
	return person, employee.user_id if employee else None


def tasks(assignment: str):
	todos = frappe.get_all(
		"ToDo",
		filters={"cp_activity_assignment": assignment},
		fields=[
			"date",
			"status",
			"allocated_to",
			"reference_type",
			"reference_name",
			"cp_campaign",
			"priority",
		],
		order_by="date asc",
	)
	events = frappe.get_all(
		"Event",
		filters={"cp_activity_assignment": assignment},
		fields=["name", "starts_on", "owner", "status", "event_category"],
	)
	return todos, events


def test_assign_to_a_lead_creates_dated_tasks_for_the_sales_persons_user():
	campaign = make_campaign()
	lead = make_lead()
	link = get_campaign_link("Lead")
	frappe.db.set_value("Lead", lead.name, link.fieldname, campaign_link_value(link, campaign.name))
	activity = make_activity()
	person, user = make_sales_person()
	result = api.assign_activity(activity.name, "Lead", lead.name, person.name, START)
	assert (result["created"], result["tasks"]) == (True, 3)
	todos, events = tasks(result["assignment"])
	assert [(str(t.date), t.allocated_to, t.reference_type, t.reference_name, t.status) for t in todos] == [
		("2026-11-23", user, "Lead", lead.name, "Open"),
		("2026-11-25", user, "Lead", lead.name, "Open"),
	]
	assert {t.cp_campaign for t in todos} == {campaign.name}
	assert [(str(e.starts_on), e.owner, e.event_category) for e in events] == [
		("2026-11-30 09:00:00", user, "Meeting")
	]
	participants = frappe.get_all(
		"Event Participants",
		filters={"parent": events[0].name},
		fields=["reference_doctype", "reference_docname"],
	)
	assert [(p.reference_doctype, p.reference_docname) for p in participants] == [("Lead", lead.name)]


def test_assigning_again_creates_nothing_and_cancel_closes_open_tasks():
	campaign = make_campaign()
	activity = make_activity()
	person, _user = make_sales_person()
	first = api.assign_activity(activity.name, "Campaign", campaign.name, person.name, START)
	again = api.assign_activity(activity.name, "Campaign", campaign.name, person.name, START)
	assert again == {**first, "created": False}
	assert len(tasks(first["assignment"])[0]) == 2
	frappe.db.set_value(
		"ToDo", {"cp_activity_assignment": first["assignment"], "date": START}, "status", "Closed"
	)
	result = api.cancel_assignment(first["assignment"])
	assert result["closed"] == 2  # one open to-do and the event; the done one stays done
	todos, events = tasks(first["assignment"])
	assert sorted(t.status for t in todos) == ["Cancelled", "Closed"]
	assert [e.status for e in events] == ["Cancelled"]
	assert frappe.db.get_value("Campaign Activity Assignment", first["assignment"], "status") == "Canceled"


def test_a_team_gives_each_member_the_tasks():
	team, _ = make_sales_person(with_user=False, is_group=True)
	(_a, user_a), (_b, user_b) = make_sales_person(parent=team.name), make_sales_person(parent=team.name)
	make_sales_person(parent=team.name, enabled=False)  # disabled members get nothing
	campaign = make_campaign()
	result = api.assign_activity(make_activity().name, "Campaign", campaign.name, team.name, START)
	assert result["tasks"] == 6
	todos, events = tasks(result["assignment"])
	assert sorted({t.allocated_to for t in todos}) == sorted([user_a, user_b])
	assert sorted(e.owner for e in events) == sorted([user_a, user_b])


def segment_of_leads(count: int):
	"""A campaign, ``count`` new leads and a segment of them (all campaign targets)."""
	city = f"CP-{frappe.generate_hash(length=6)}"
	leads = [make_lead() for _ in range(count)]
	for lead in leads:
		frappe.db.set_value("Lead", lead.name, "city", city)
	campaign = make_campaign()
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "S", "campaign": campaign.name}
	).insert()
	segments.add_members(segment.name, "Lead", {"city": city})
	return campaign, segment, leads


def test_a_segment_gets_one_set_per_target_member():
	campaign, segment, leads = segment_of_leads(3)
	not_target = frappe.get_all(
		"Campaign Segment Member", filters={"segment": segment.name, "party": leads[0].name}, pluck="name"
	)
	segments.set_target(segment.name, not_target, 0)
	person, _user = make_sales_person()
	result = api.assign_activity(make_activity().name, "Campaign Segment", segment.name, person.name, START)
	todos, events = tasks(result["assignment"])
	assert result["tasks"] == 6 and len(todos) == 4 and len(events) == 2
	assert {t.reference_name for t in todos} == {leads[1].name, leads[2].name}
	assert {t.cp_campaign for t in todos} == {campaign.name}


@pytest.mark.parametrize(
	"kind, fragment",
	[
		("no_user", "Link these sales persons to an employee with a user"),
		("disabled", "is disabled"),
		("empty_team", "has no enabled members"),
	],
)
def test_sales_person_problems_are_clear_errors(kind, fragment):
	if kind == "no_user":
		person, _ = make_sales_person(with_user=False)
	elif kind == "disabled":
		person, _ = make_sales_person(enabled=False)
	else:
		person, _ = make_sales_person(with_user=False, is_group=True)
	campaign = make_campaign()
	with pytest.raises(frappe.ValidationError) as info:
		api.assign_activity(make_activity().name, "Campaign", campaign.name, person.name, START)
	assert fragment in str(info.value)
	if kind == "no_user":
		assert person.name in str(info.value)
	assert not frappe.db.count("Campaign Activity Assignment", {"target_name": campaign.name})


def test_only_allowed_targets_and_permitted_users():
	person, _ = make_sales_person()
	activity = make_activity()
	with pytest.raises(frappe.ValidationError):
		api.assign_activity(activity.name, "User", "Administrator", person.name, START)
	campaign = make_campaign()
	frappe.set_user(make_user([]))
	with pytest.raises(frappe.PermissionError):
		api.assign_activity(activity.name, "Campaign", campaign.name, person.name, START)


def test_an_opportunity_carries_its_campaign_into_the_tasks():
	campaign = make_campaign()
	lead = make_lead()
	link = get_campaign_link("Opportunity")
	opportunity = frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": "Lead",
			"party_name": lead.name,
			link.fieldname: campaign_link_value(link, campaign.name),
		}
	).insert(ignore_permissions=True)
	person, user = make_sales_person()
	result = api.assign_activity(make_activity().name, "Opportunity", opportunity.name, person.name, START)
	todos, _events = tasks(result["assignment"])
	assert {(t.reference_type, t.reference_name, t.cp_campaign, t.allocated_to) for t in todos} == {
		("Opportunity", opportunity.name, campaign.name, user)
	}
	assert (
		frappe.db.get_value("Campaign Activity Assignment", result["assignment"], "campaign") == campaign.name
	)


def test_completed_tasks_count_as_contacts_in_the_statistics():
	from campaign_plus.stats.api import refresh_statistics

	campaign = make_campaign()
	lead = make_lead()
	link = get_campaign_link("Lead")
	frappe.db.set_value("Lead", lead.name, link.fieldname, campaign_link_value(link, campaign.name))
	person, _user = make_sales_person()
	result = api.assign_activity(make_activity().name, "Lead", lead.name, person.name, START)
	assert refresh_statistics(campaign.name)["cp_targets_contacted"] == 0
	frappe.db.set_value(
		"ToDo", {"cp_activity_assignment": result["assignment"], "date": START}, "status", "Closed"
	)
	assert refresh_statistics(campaign.name)["cp_targets_contacted"] == 1


def assigned(doctype: str, name: str) -> list[str]:
	return json.loads(frappe.db.get_value(doctype, name, "_assign") or "[]")


def test_activity_to_dos_show_as_assignments_until_canceled():
	from frappe.desk.form.assign_to import add as assign_to

	_campaign, segment, leads = segment_of_leads(2)
	manual = make_user(["Sales User"])
	assign_to({"doctype": "Lead", "name": leads[0].name, "assign_to": [manual]})
	person, user = make_sales_person()
	campaign_wide = api.assign_activity(
		make_activity().name, "Campaign Segment", segment.name, person.name, START
	)
	# as Frappe's "Assign To" would show them: each user once, beside the earlier assignee
	assert sorted(assigned("Lead", leads[0].name)) == sorted([manual, user])
	assert assigned("Lead", leads[1].name) == [user]  # two open to-dos (and a meeting), one user
	# the list view's "Assigned To" filter finds them
	mine = frappe.get_list("Lead", filters={"_assign": ("like", f"%{user}%")}, pluck="name")
	assert {lead.name for lead in leads} <= set(mine)
	# a second assignment for the same user on one lead, then Frappe's own save of a to-do agrees
	single = api.assign_activity(
		make_activity((("Call", "Follow up", "1W"),)).name, "Lead", leads[1].name, person.name, START
	)
	todo = frappe.get_doc("ToDo", {"cp_activity_assignment": single["assignment"]})
	todo.description = "<p>Follow up, with notes</p>"
	todo.save(ignore_permissions=True)
	assert set(assigned("Lead", leads[1].name)) == {user}

	api.cancel_assignment(campaign_wide["assignment"])
	assert assigned("Lead", leads[0].name) == [manual]  # the manual assignment stays
	assert assigned("Lead", leads[1].name) == [user]  # the other assignment's to-do is still open
	api.cancel_assignment(single["assignment"])
	assert frappe.db.get_value("Lead", leads[1].name, "_assign") == ""  # as Frappe leaves it


def test_assigned_to_a_campaign_shows_on_the_campaign():
	campaign = make_campaign()
	person, user = make_sales_person()
	result = api.assign_activity(make_activity().name, "Campaign", campaign.name, person.name, START)
	assert assigned("Campaign", campaign.name) == [user]
	api.cancel_assignment(result["assignment"])
	assert assigned("Campaign", campaign.name) == []


def test_done_tasks_carry_their_step_cost_into_the_statistics_once():
	from campaign_plus.stats import entries
	from campaign_plus.stats.api import refresh_statistics

	campaign, segment, leads = segment_of_leads(2)
	activity = make_activity(
		(
			("Call", "Call them", "0D", 2.5, 10),
			("Meeting", "Visit", "1W", 20, 60),
			("Task", "Write the offer", "2W", 0, 30),
		)
	)
	person, _user = make_sales_person()
	result = api.assign_activity(activity.name, "Campaign Segment", segment.name, person.name, START)
	assert result["tasks"] == 6  # 2 members x 3 steps: 4 to-dos, 2 meetings
	entries.add_entry(campaign.name, "Manual", "Trade show", cost=100, duration=60)
	frappe.get_doc(
		{"doctype": "Campaign Interaction", "campaign": campaign.name, "interaction_type": "Call",
		 "party_type": "Lead", "party": leads[0].name, "cost": 10, "duration": 5}
	).insert()  # fmt: skip
	before = refresh_statistics(campaign.name)  # nothing done yet: the entry and the interaction
	assert (before["cp_cost"], before["cp_duration"]) == (110, 65)

	assignment = result["assignment"]
	calls = frappe.get_all(
		"ToDo", filters={"cp_activity_assignment": assignment, "date": START}, pluck="name", order_by="name"
	)
	offers = frappe.get_all(
		"ToDo", filters={"cp_activity_assignment": assignment, "date": "2026-12-07"}, pluck="name"
	)
	meetings = frappe.get_all("Event", filters={"cp_activity_assignment": assignment}, pluck="name")
	assert frappe.db.get_value("ToDo", calls[0], ["cp_cost", "cp_duration"]) == (2.5, 10)
	frappe.db.set_value("ToDo", calls[0], "status", "Closed")  # done: 2.5 and 10 minutes
	frappe.db.set_value("ToDo", calls[1], "status", "Cancelled")  # canceled: nothing
	frappe.db.set_value("ToDo", offers[0], "status", "Closed")  # done: 0 and 30 minutes
	meeting = frappe.get_doc("Event", meetings[0])
	meeting.append("event_participants", {"reference_doctype": "Lead", "reference_docname": leads[1].name})
	meeting.status = "Completed"  # two participants, one task: 20 and 60 minutes, once
	meeting.save(ignore_permissions=True)

	stats = refresh_statistics(campaign.name)
	assert stats["cp_cost"] == 132.5  # 100 + 10 + 2.5 + 0 + 20
	assert stats["cp_duration"] == 165  # 60 + 5 + 10 + 30 + 60
	assert refresh_statistics(campaign.name) == stats  # refreshing again counts nothing twice
