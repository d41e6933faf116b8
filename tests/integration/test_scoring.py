# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Lead scores on a real site: hand-computed figures (decay across days, fit rules, negative
points) equal the app's, incremental and nightly agree, thresholds act once per upward crossing."""

import datetime as dt
import json

import frappe
import pytest
from frappe.utils import get_datetime

from campaign_plus.scoring import compute
from campaign_plus.segments.actions import ADD, apply_criteria
from campaign_plus.utils.engagement import Engagement, notify_engagements
from tests.integration.helpers import freeze_time, make_campaign

NOW = get_datetime("2027-06-15 12:00:00")
DAY = dt.timedelta(days=1)


@pytest.fixture
def city():
	city = f"Score-{frappe.generate_hash(length=6)}"
	settings = frappe.get_single("Campaign Plus Settings")
	settings.update(
		{
			"enable_lead_score": 1,
			"score_half_life_days": 10,
			"points_open": 2,
			"points_click": 5,
			"points_reply": 10,
			"points_form": 20,
			"points_unsubscribe": -30,
		}
	)
	settings.set("score_fit_rules", [])
	settings.append(
		"score_fit_rules",
		{
			"document_type": "Lead",
			"description": "In our city",
			"points": 15,
			"filters": json.dumps([["city", "=", city]]),
		},
	)
	settings.append(
		"score_fit_rules",
		{
			"document_type": "Lead",
			"description": "Students",
			"points": -4,
			"filters": json.dumps({"job_title": ["like", "%student%"]}),
		},
	)
	settings.save()
	return city


def make_lead(city, name, **values):
	return frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": name,
			"email_id": f"{name.lower()}-{frappe.generate_hash(length=6)}@example.com",
			"city": city,
			**values,
		}
	).insert()


def sent(campaign, lead, step, opened=None, clicked=None, replied=None):
	row = frappe.get_doc(
		{
			"doctype": "Campaign Send Log",
			"campaign": campaign,
			"step_idx": step,
			"schedule_row": f"row-{step}-{frappe.generate_hash(length=4)}",
			"party_type": "Lead",
			"party": lead.name,
			"email": lead.email_id,
			"status": "Sent",
			"tracking": "Individual",
			"opens": 1 if opened else 0,
			"first_opened_on": opened,
			"clicks": 1 if clicked else 0,
			"first_clicked_on": clicked,
			"replied_on": replied,
		}
	)
	row.db_insert()
	return row


def submitted(lead, on):
	frappe.get_doc(
		{
			"doctype": "Campaign Form Submission",
			"party_type": "Lead",
			"party": lead.name,
			"email": lead.email_id,
			"submitted_on": on,
		}
	).db_insert()


def unsubscribed(lead, on, campaign=None):
	with freeze_time(on):
		frappe.get_doc(
			{
				"doctype": "Email Unsubscribe",
				"email": lead.email_id,
				"global_unsubscribe": 0 if campaign else 1,
				"reference_doctype": "Campaign" if campaign else None,
				"reference_name": campaign,
			}
		).insert(ignore_permissions=True)


def nightly(now, *leads) -> dict[str, int]:
	"""The nightly job's statements at ``now``, for the test's own leads only."""
	return compute.recompute_all(now=now, only={"Lead": [lead.name for lead in leads]})


def score(lead) -> float:
	return frappe.db.get_value("Lead", lead.name, "cp_lead_score")


def test_hand_computed_scores_equal_the_apps(city):
	campaign = make_campaign().name
	ann = make_lead(city, "Ann")  # fit +15
	bob = make_lead(city, "Bob", job_title="Student")  # fit +15 - 4
	cid = make_lead("Elsewhere", "Cid")  # no fit
	sent(campaign, ann, 1, opened=NOW - 10 * DAY, clicked=NOW - 10 * DAY)  # 2/2 + 5/2
	sent(campaign, ann, 2, clicked=NOW - 20 * DAY)  # a click opens: (2 + 5) / 4
	sent(campaign, ann, 3, opened=NOW, replied=NOW - 5 * DAY)  # 2 + 10 / sqrt(2)
	submitted(ann, NOW - 30 * DAY)  # 20 / 8
	sent(campaign, bob, 1, opened=NOW - 1 * DAY)  # 2 * 2^-0.1
	unsubscribed(cid, NOW - 20 * DAY)  # -30 / 4, once per address
	unsubscribed(cid, NOW - 40 * DAY, campaign=campaign)
	submitted(cid, NOW - 10 * DAY)  # 20 / 2

	nightly(NOW, ann, bob, cid)

	assert score(ann) == pytest.approx(15 + 1 + 2.5 + 1.75 + 2 + 10 / 2**0.5 + 2.5, abs=0.006)  # 31.82
	assert score(bob) == pytest.approx(11 + 2 * 2**-0.1, abs=0.006)  # 12.87
	assert score(cid) == pytest.approx(-7.5 + 10, abs=0.006)  # 2.5
	row = frappe.db.get_value(
		"Lead", cid.name, ["cp_score_fit", "cp_score_engagement", "cp_score_on"], as_dict=True
	)
	assert (row.cp_score_fit, row.cp_score_engagement, row.cp_score_on) == (0, 2.5, NOW)

	# ten days later the engagement has halved; the fit has not
	nightly(NOW + 10 * DAY, ann, bob, cid)
	assert score(cid) == pytest.approx(1.25, abs=0.006)
	assert score(bob) == pytest.approx(11 + 2**-0.1, abs=0.006)


def test_events_rescore_at_once_as_the_nightly_job_would(city):
	campaign = make_campaign().name
	ann = make_lead(city, "Ann")
	assert score(ann) == 15  # scored on insert: fit only
	row = sent(campaign, ann, 1)
	with freeze_time(NOW):
		frappe.db.set_value("Campaign Send Log", row.name, {"opens": 1, "first_opened_on": NOW})
		notify_engagements([Engagement(row.name, "open", NOW)])
	assert score(ann) == 17
	with freeze_time(NOW + 2 * DAY):
		frappe.db.set_value(
			"Campaign Send Log", row.name, {"opens": 2, "clicks": 1, "first_clicked_on": NOW + 2 * DAY}
		)
		notify_engagements([Engagement(row.name, "open"), Engagement(row.name, "click")])
		incremental = score(ann)
		nightly(frappe.utils.now_datetime(), ann)
	assert incremental == pytest.approx(score(ann), abs=0.01) == pytest.approx(15 + 2 * 2**-0.2 + 5, abs=0.01)
	# a second open of the same email earns nothing (and costs one query)
	before = score(ann)
	with freeze_time(NOW + 2 * DAY):
		frappe.db.set_value("Campaign Send Log", row.name, "opens", 3)
		notify_engagements([Engagement(row.name, "open")])
	assert score(ann) == before


def test_fit_follows_the_lead_and_the_score_is_a_list_and_segment_criterion(city):
	ann = make_lead(city, "Ann")
	bob = make_lead(city, "Bob")
	bob.job_title = "PhD student"
	bob.save()
	assert (score(ann), score(bob)) == (15, 11)
	names = frappe.get_list(
		"Lead",
		filters={"city": city, "cp_lead_score": [">", 12]},
		order_by="cp_lead_score desc",
		pluck="name",
	)
	assert names == [ann.name]
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"_Test CP {city}", "campaign": make_campaign().name}
	).insert()
	result = apply_criteria(segment.name, ADD, "Lead", [["city", "=", city], ["cp_lead_score", ">=", 12]])
	assert result["added"] == 1
	with pytest.raises(frappe.ValidationError):
		apply_criteria(segment.name, ADD, "Lead", [["cp_lead_score", ">=", "high"]])


@pytest.mark.parametrize(
	"rule, values, message",
	[
		({"filters": json.dumps([["no_such_field", "=", 1]])}, {}, "no_such_field"),
		({"filters": json.dumps([["city", "drop table", "x"]])}, {}, "not allowed"),
		({"filters": json.dumps([["creation", ">", "yesterday"]])}, {}, "not a date"),
		({"filters": "{not json"}, {}, "not valid JSON"),
		(None, {"score_half_life_days": -1}, "half-life"),
		(None, {"own_domains": "not a domain!"}, "not a domain"),
	],
)
def test_settings_are_validated_fit_rules_as_segment_criteria(city, rule, values, message):
	settings = frappe.get_single("Campaign Plus Settings")
	if rule:
		settings.append("score_fit_rules", {"document_type": "Lead", "points": 5, **rule})
	settings.update(values)
	with pytest.raises(frappe.ValidationError, match=message):
		settings.save()


def test_a_threshold_acts_once_per_upward_crossing(city):
	campaign = make_campaign(
		cp_event_rules=[
			{"event": "Score Reached", "score_threshold": 30, "action": "Create Opportunity"},
			{"event": "Score Reached", "score_threshold": 100, "action": "Stop Sequence"},
		]
	)
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"_Test CP {city}", "campaign": campaign.name}
	).insert()
	ann = make_lead(city, "Ann")  # 15: below
	outsider = make_lead(city, "Out")  # crosses too, but not in the campaign
	apply_criteria(segment.name, ADD, "Lead", [["name", "=", ann.name]])

	def opportunities():
		return frappe.db.count("Opportunity", {"party_name": ann.name})

	with freeze_time(NOW):
		submitted(ann, NOW)  # +20: 35, crosses 30
		submitted(outsider, NOW)
		compute.refresh([("Lead", ann.name), ("Lead", outsider.name)])
	assert score(ann) == 35 and opportunities() == 1
	assert frappe.db.count("Opportunity", {"party_name": outsider.name}) == 0
	with freeze_time(NOW + DAY):
		submitted(ann, NOW + DAY)  # higher still: no new crossing
		compute.refresh([("Lead", ann.name)])
		nightly(NOW + DAY, ann, outsider)
	assert score(ann) > 50 and opportunities() == 1
	# the score fades below 30, then a new event takes it across again: it acts again, once
	nightly(NOW + 60 * DAY, ann, outsider)
	assert score(ann) < 30
	with freeze_time(NOW + 60 * DAY):
		submitted(ann, NOW + 60 * DAY)
		compute.refresh([("Lead", ann.name)])
		compute.refresh([("Lead", ann.name)])
	assert score(ann) >= 30 and opportunities() == 2
	claims = frappe.get_all(
		"Campaign Interaction",
		filters={"party": ann.name, "interaction_type": "Automation"},
		pluck="rule_event",
	)
	assert claims == ["Score Reached", "Score Reached"]


def test_scoring_can_be_switched_off(city):
	frappe.db.set_single_value("Campaign Plus Settings", "enable_lead_score", 0)
	ann = make_lead(city, "Ann")
	assert not score(ann)
	assert compute.recompute_all(now=NOW, only={"Lead": [ann.name]}) == {}


def test_thresholds_notify_the_sales_person_and_assign_an_activity(city):
	from campaign_plus.campaign_plus.doctype.campaign_activity.test_campaign_activity import make_activity
	from tests.integration.test_activities import make_sales_person

	person, user = make_sales_person()
	activity = make_activity(steps=(("Call", "Call the hot lead", "0D"),))
	campaign = make_campaign(
		cp_sales_person=person.name,
		cp_event_rules=[
			{"event": "Score Reached", "score_threshold": 20, "action": "Notify Sales Person"},
			{
				"event": "Score Reached",
				"score_threshold": 20,
				"action": "Assign Activity",
				"activity": activity.name,
				"sales_person": person.name,
			},
		],
	)
	ann = make_lead(city, "Ann")
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"_Test CP {city}", "campaign": campaign.name}
	).insert()
	apply_criteria(segment.name, ADD, "Lead", [["name", "=", ann.name]])
	with freeze_time(NOW):
		submitted(ann, NOW)
		compute.refresh([("Lead", ann.name)])
		compute.refresh([("Lead", ann.name)])
	notes = frappe.get_all(
		"Notification Log",
		filters={"for_user": user, "document_type": "Lead", "document_name": ann.name},
		pluck="subject",
	)
	assert len(notes) == 1 and "reached a lead score of" in notes[0], notes
	assert frappe.db.count("ToDo", {"allocated_to": user, "reference_name": ann.name}) == 1


def test_settings_fields_never_stored_get_their_default_on_migrate():
	from campaign_plus.setup.install import fill_settings_defaults

	frappe.db.sql(
		"DELETE FROM `tabSingles` WHERE `doctype` = 'Campaign Plus Settings' AND `field` IN ('points_click', 'points_unsubscribe')"
	)
	frappe.db.set_single_value("Campaign Plus Settings", "points_reply", 0)
	fill_settings_defaults()
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	assert (float(values.points_click), float(values.points_unsubscribe), float(values.points_reply)) == (
		5,
		-20,
		0,
	)


def test_the_nightly_slices_cover_every_row_once(city):
	"""The nightly job's slices (read only here: the job itself scores the whole site)."""
	make_lead(city, "Ann")
	total = frappe.db.count("Lead")
	parts = compute.slices("Lead", size=max(1, total // 5))
	assert parts[0].low is None and parts[-1].high is None
	counted = [
		frappe.db.sql(f"SELECT COUNT(*) FROM `tabLead` WHERE {rows.sql('`name`')}", rows.params())[0][0]
		for rows in parts
	]
	assert sum(counted) == total and all(counted)
