# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Conditional steps and event rules on a real site: "unless opened step 1" skips openers only, a
reply stops the sequence of that recipient only, a click rule makes one Opportunity per recipient
however many clicks, an order adds its recipients to a segment, each rule once per recipient."""

import datetime as dt
import re
from urllib.parse import unquote

import frappe
import pytest

from campaign_plus.automation import rules
from campaign_plus.links import campaign_link_value, get_campaign_link
from campaign_plus.sending import planner, sender
from campaign_plus.tracking import api as tracking
from campaign_plus.tracking import buffer
from tests.integration.helpers import (
	enroll,
	freeze_time,
	make_campaign,
	make_lead,
	make_template,
	use_outgoing_account,
)

START = dt.date(2027, 3, 1)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
BODY = '<p>Hi {{ doc.first_name }}, <a href="https://shop.example.com/offer">offer</a> <a href="https://shop.example.com/faq">faq</a></p>'


def at(day: int, hour: int = 10) -> str:
	return f"{START + dt.timedelta(days=day)} {hour:02d}:00:00"


@pytest.fixture
def sequence(monkeypatch):
	"""sequence(leads=…, second=…, rules=…) → (campaign, leads): step 1 on day 0, step 2 on day 2."""
	use_outgoing_account()
	monkeypatch.setattr(tracking, "_user_agent", lambda: BROWSER)
	buffer.flush()  # hits an earlier test left waiting (their rows rolled back: they write nothing)

	def make(leads=3, second=None, event_rules=()):
		template = make_template(body=BODY)
		campaign = make_campaign(
			campaign_schedules=[
				{"email_template": template.name, "send_after_days": 0},
				{"email_template": template.name, "send_after_days": 2, **(second or {})},
			],
			cp_event_rules=list(event_rules),
		)
		people = [make_lead() for _ in range(leads)]
		enroll(campaign.name, [p.name for p in people], START)
		with freeze_time(at(0)):
			planner.plan_campaign(campaign.name)
		return campaign, people

	yield make
	frappe.local.flags.commit = False


def row(campaign: str, lead, step: int) -> dict:
	return frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign, "party": lead.name, "step_idx": step},
		fields=["name", "status", "reason", "email_queue"],
	)[0]


def tokens(campaign: str, lead, kind: str) -> list[str]:
	message = frappe.db.get_value("Email Queue", row(campaign, lead, 1).email_queue, "message")
	_subject, _text, html = sender._parts(message)
	return [unquote(t) for t in re.findall(rf"tracking\.api\.{kind}\?t=([A-Za-z0-9_.%-]+)", html)]


def reply(campaign: str, lead) -> None:
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": lead.email_id,
			"subject": "Re: offer",
			"content": "Stop writing to me, I will call you.",
			"reference_doctype": "Campaign",
			"reference_name": campaign,
		}
	).insert(ignore_permissions=True)


def test_unless_opened_step_1_skips_the_openers_only(sequence):
	campaign, (opener, clicker, silent) = sequence(
		second={"cp_condition": "Unless", "cp_condition_event": "Opened", "cp_condition_step": 1}
	)
	with freeze_time(at(1)):
		(pixel,) = tokens(campaign.name, opener, "open")
		tracking.open(t=pixel)
		tracking.click(t=tokens(campaign.name, clicker, "click")[0])  # a click is an open too
	buffer.flush()  # the scheduler's minute: the buffered hits written
	with freeze_time(at(2)):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.reasons) == (1, {"Condition Not Met": 2})
	assert (row(campaign.name, opener, 2).status, row(campaign.name, opener, 2).reason) == (
		"Skipped",
		"Condition Not Met",
	)
	assert row(campaign.name, clicker, 2).reason == "Condition Not Met"
	assert row(campaign.name, silent, 2).status == "Queued"


def test_only_if_clicked_within_days(sequence):
	campaign, (early, late) = sequence(
		leads=2,
		second={
			"cp_condition": "Only If",
			"cp_condition_event": "Clicked",
			"cp_condition_step": 1,
			"cp_condition_days": 1,
			"send_after_days": 3,
		},
	)
	with freeze_time(at(0, 20)):
		tracking.click(t=tokens(campaign.name, early, "click")[0])
	with freeze_time(at(2, 12)):  # more than a day after the send
		tracking.click(t=tokens(campaign.name, late, "click")[0])
	buffer.flush()
	with freeze_time(at(3)):
		planner.plan_campaign(campaign.name)
	assert row(campaign.name, early, 2).status == "Queued"
	assert (row(campaign.name, late, 2).status, row(campaign.name, late, 2).reason) == (
		"Skipped",
		"Condition Not Met",
	)


def test_a_condition_on_a_later_or_missing_step_is_refused():
	template = make_template()
	with pytest.raises(frappe.ValidationError):
		make_campaign(
			campaign_schedules=[
				{
					"email_template": template.name,
					"send_after_days": 0,
					"cp_condition": "Unless",
					"cp_condition_event": "Opened",
					"cp_condition_step": 1,
				}
			]
		)


def test_a_reply_stops_the_sequence_for_that_recipient_only(sequence):
	campaign, (replier, other, _third) = sequence(event_rules=[{"event": "Reply", "action": "Stop Sequence"}])
	with freeze_time(at(1)):
		reply(campaign.name, replier)
	(interaction,) = frappe.get_all(
		"Campaign Interaction",
		filters={"campaign": campaign.name, "interaction_type": "Automation"},
		fields=["party", "rule_event", "rule_action"],
	)
	assert (interaction.party, interaction.rule_event, interaction.rule_action) == (
		replier.name,
		"Reply",
		"Stop Sequence",
	)
	with freeze_time(at(2)):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.reasons) == (2, {"Sequence Stopped": 1})
	assert (row(campaign.name, replier, 2).status, row(campaign.name, replier, 2).reason) == (
		"Skipped",
		"Sequence Stopped",
	)
	assert row(campaign.name, other, 2).status == "Queued"


def test_a_stop_skips_rows_already_waiting(sequence):
	campaign, (replier, _other) = sequence(
		leads=2, event_rules=[{"event": "Reply", "action": "Stop Sequence"}]
	)
	with freeze_time(at(2)):
		planner.plan_campaign(campaign.name, enqueue=False)  # step 2 recorded, not sent yet
	assert row(campaign.name, replier, 2).status == "Planned"
	reply(campaign.name, replier)
	assert (row(campaign.name, replier, 2).status, row(campaign.name, replier, 2).reason) == (
		"Skipped",
		"Sequence Stopped",
	)


def test_a_click_rule_makes_one_opportunity_per_recipient_however_many_clicks(sequence):
	campaign, (clicker, other, _silent) = sequence(
		event_rules=[{"event": "Click", "action": "Create Opportunity"}]
	)
	with freeze_time(at(1)):
		offer, faq = tokens(campaign.name, clicker, "click")
		for token in (offer, offer, faq, offer):
			assert tracking.click(t=token).status_code == 302
		tracking.click(t=tokens(campaign.name, other, "click")[1])
	buffer.flush()
	link = get_campaign_link("Opportunity")
	opportunities = frappe.get_all(
		"Opportunity",
		filters={link.fieldname: campaign_link_value(link, campaign.name)},
		fields=["party_name", "opportunity_from"],
	)
	assert sorted((o.opportunity_from, o.party_name) for o in opportunities) == sorted(
		[("Lead", clicker.name), ("Lead", other.name)]
	)
	interactions = frappe.get_all(
		"Campaign Interaction",
		filters={"campaign": campaign.name, "interaction_type": "Automation"},
		fields=["party", "reference_doctype", "reference_name"],
	)
	assert len(interactions) == 2 and {i.reference_doctype for i in interactions} == {"Opportunity"}


def test_a_bot_click_and_an_open_trigger_nothing(sequence, monkeypatch):
	campaign, (lead, *_rest) = sequence(event_rules=[{"event": "Click", "action": "Stop Sequence"}])
	(pixel,) = tokens(campaign.name, lead, "open")
	tracking.open(t=pixel)
	monkeypatch.setattr(tracking, "_user_agent", lambda: "Barracuda Sentinel (EE)")
	tracking.click(t=tokens(campaign.name, lead, "click")[0])
	buffer.flush()
	assert not frappe.db.exists(
		"Campaign Interaction", {"campaign": campaign.name, "interaction_type": "Automation"}
	)


def test_an_order_adds_its_recipients_to_a_segment_once(sequence):
	from tests.integration.test_pricing import company, selling_price_list

	use_outgoing_account()
	tag = frappe.generate_hash(length=6)
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": f"_CP Order {tag}", "customer_type": "Company"}
	).insert(ignore_permissions=True)
	template = make_template(body=BODY)
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	buyers = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"Buyers {tag}", "campaign": campaign.name}
	).insert()
	campaign.reload()
	campaign.append("cp_event_rules", {"event": "Order", "action": "Add to Segment", "segment": buyers.name})
	campaign.save()
	lead = make_lead()
	frappe.db.set_value("Lead", lead.name, "customer", customer.name)
	enroll(campaign.name, [lead.name], START)
	with freeze_time(at(0)):
		planner.plan_campaign(campaign.name)
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": f"_CP-ORDER-{tag}",
			"item_group": frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0],
			"stock_uom": "Nos",
			"is_stock_item": 0,
		}
	).insert(ignore_permissions=True)
	link = get_campaign_link("Sales Order")
	for _ in range(2):
		order = frappe.get_doc(
			{
				"doctype": "Sales Order",
				"customer": customer.name,
				"company": company(),
				"transaction_date": frappe.utils.today(),
				"delivery_date": frappe.utils.add_days(frappe.utils.today(), 7),
				"selling_price_list": selling_price_list(),
				"items": [{"item_code": item.name, "qty": 1, "rate": 50}],
			}
		)
		order.set(link.fieldname, campaign_link_value(link, campaign.name))
		order.insert(ignore_permissions=True)
		order.submit()
	members = frappe.get_all("Campaign Segment Member", filters={"segment": buyers.name}, pluck="party")
	assert members == [lead.name]
	assert (
		frappe.db.count("Campaign Interaction", {"campaign": campaign.name, "interaction_type": "Automation"})
		== 1
	)


def test_rules_act_only_for_the_campaigns_recipients():
	assert rules.recipients_of_customer("no such campaign", "no such customer") == []


def test_a_click_rule_assigns_the_activity_once_to_the_clicker(sequence):
	from campaign_plus.campaign_plus.doctype.campaign_activity.test_campaign_activity import make_activity
	from tests.integration.test_activities import make_sales_person, tasks

	activity = make_activity()
	person, user = make_sales_person()
	campaign, (clicker, _other, _silent) = sequence(
		event_rules=[
			{
				"event": "Click",
				"action": "Assign Activity",
				"activity": activity.name,
				"sales_person": person.name,
			}
		]
	)
	with freeze_time(at(1)):
		offer, faq = tokens(campaign.name, clicker, "click")
		for token in (offer, faq, offer):
			tracking.click(t=token)
	buffer.flush()
	(interaction,) = frappe.get_all(
		"Campaign Interaction",
		filters={"campaign": campaign.name, "interaction_type": "Automation"},
		fields=["party", "reference_doctype", "reference_name"],
	)
	assert (interaction.party, interaction.reference_doctype) == (
		clicker.name,
		"Campaign Activity Assignment",
	)
	todos, _events = tasks(interaction.reference_name)
	assert todos and {(t.allocated_to, t.reference_type, t.reference_name) for t in todos} == {
		(user, "Lead", clicker.name)
	}
	assert frappe.db.count("Campaign Activity Assignment", {"campaign": campaign.name}) == 1


def test_a_burst_of_clicks_is_one_rules_job_per_campaign(sequence, monkeypatch):
	"""The flush tells the rules of every click at once: one job for the clickers, each acted on once."""
	campaign, leads = sequence(leads=3, event_rules=[{"event": "Click", "action": "Stop Sequence"}])
	jobs = []
	run_rules = rules.run_rules
	monkeypatch.setattr(rules, "run_rules", lambda *a, **k: (jobs.append(k), run_rules(*a, **k))[1])
	with freeze_time(at(1)):
		for lead in leads:
			for token in tokens(campaign.name, lead, "click"):
				tracking.click(t=token)
	buffer.flush()
	assert len(jobs) == 1 and sorted(p[1] for p in jobs[0]["parties"]) == sorted(lead.name for lead in leads)
	assert len(jobs[0]["references"]) == 3
	assert (
		frappe.db.count("Campaign Interaction", {"campaign": campaign.name, "interaction_type": "Automation"})
		== 3
	)
