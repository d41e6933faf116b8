# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A/B tests on a real site: the split of 1,000 recipients, clicks through the tracking endpoints,
the winner chosen after the wait and sent to the others once each, revenue as the criterion,
re-runs that move no one, a winner chosen by hand, Preview Schedule."""

import datetime as dt
import re
from collections import Counter
from urllib.parse import unquote

import frappe
import pytest

from campaign_plus.experiments import api as experiments
from campaign_plus.links import campaign_link_value, get_campaign_link
from campaign_plus.sending import planner, sender
from campaign_plus.tracking import api as tracking
from campaign_plus.tracking import buffer
from tests.integration.helpers import (
	fiscal_year_for,
	freeze_time,
	make_campaign,
	make_template,
	use_outgoing_account,
)

START = dt.date(2027, 3, 1)
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def at(day: int, hour: int = 10) -> str:
	return f"{START + dt.timedelta(days=day)} {hour:02d}:00:00"


def bulk_leads(count: int, tag: str) -> list[tuple[str, str]]:
	"""``count`` leads in one statement: (name, email)."""
	now = frappe.utils.now_datetime()
	rows = [(f"_CPAB-{tag}-{i:05d}", f"ab{i}-{tag}@example.com") for i in range(count)]
	frappe.db.bulk_insert(
		"Lead",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"first_name",
			"lead_name",
			"email_id",
			"status",
		],
		[
			(name, now, now, "Administrator", "Administrator", name, name, email, "Lead")
			for name, email in rows
		],
	)
	return rows


def segment_of(campaign: str, doctype: str, pattern: str) -> str:
	from campaign_plus.segments import api as segments

	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"AB {pattern}", "campaign": campaign}
	).insert()
	segments.add_members(segment.name, doctype, [["name", "like", pattern]])
	return segment.name


@pytest.fixture
def ab_campaign(monkeypatch):
	"""ab_campaign(recipients=…, share=…, criterion=…) → (campaign, test, leads) with START as start."""
	use_outgoing_account()
	monkeypatch.setattr(tracking, "_user_agent", lambda: BROWSER)

	def make(recipients=1000, share=20, criterion="Unique Clicks", **test_values):
		link = '<p>Hi {{ doc.first_name }}, <a href="https://shop.example.com/offer">our offer</a></p>'
		first, second = (
			make_template(subject="Offer A", body=link),
			make_template(subject="Offer B", body=link),
		)
		campaign = make_campaign(
			cp_start_date=START,
			campaign_schedules=[{"email_template": first.name, "send_after_days": 0}],
		)
		tag = frappe.generate_hash(length=6)
		leads = bulk_leads(recipients, tag)
		with freeze_time(at(0, 8)):
			segment_of(campaign.name, "Lead", f"_CPAB-{tag}-%")
		test = frappe.get_doc(
			{
				"doctype": "Campaign AB Test",
				"campaign": campaign.name,
				"step_idx": 1,
				"test_share": share,
				"wait_days": 2,
				"criterion": criterion,
				"variants": [{"email_template": first.name}, {"email_template": second.name}],
				**test_values,
			}
		).insert()
		return campaign, test, leads

	yield make
	frappe.local.flags.commit = False


def ledger(campaign: str) -> list[dict]:
	return frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign},
		fields=["name", "party", "email", "variant", "status", "reason", "email_template", "email_queue"],
		order_by="name asc",
	)


def queued_per_address(campaign: str) -> Counter:
	return Counter(
		frappe.db.sql_list(
			"""SELECT r.recipient FROM `tabEmail Queue` q JOIN `tabEmail Queue Recipient` r ON r.parent = q.name
			WHERE q.reference_doctype = 'Campaign' AND q.reference_name = %s""",
			campaign,
		)
	)


def click_tokens(email_queue: str) -> list[str]:
	_subject, _text, html = sender._parts(frappe.db.get_value("Email Queue", email_queue, "message"))
	return [unquote(t) for t in re.findall(r"tracking\.api\.click\?t=([A-Za-z0-9_.%-]+)", html)]


def test_1000_recipients_20_percent_split_clicks_decide_and_the_others_get_the_winner(ab_campaign):
	campaign, test, _leads = ab_campaign()
	templates = {v.variant: v.email_template for v in test.variants}
	with freeze_time(at(0)):
		result = planner.plan_campaign(campaign.name)
	rows = ledger(campaign.name)
	assert Counter(r.variant for r in rows) == {None: 800, "A": 100, "B": 100}
	assert Counter((r.status, r.reason) for r in rows) == {
		("Queued", None): 200,
		("Deferred", "Awaiting Winner"): 800,
	}
	assert (result.planned, result.deferred) == (200, 800)
	assert all(r.email_template == templates[r.variant] for r in rows if r.variant)
	assert frappe.db.get_value("Campaign AB Test", test.name, "status") == "Testing"
	dealt = {r.party: r.variant for r in rows}

	# Readers click through the real tracking endpoint: 8 of A's recipients, 30 of B's (some twice).
	by_variant = {"A": [r for r in rows if r.variant == "A"], "B": [r for r in rows if r.variant == "B"]}
	with freeze_time(at(1)):
		for variant, clickers in (("A", 8), ("B", 30)):
			for row in by_variant[variant][:clickers]:
				(token,) = click_tokens(row.email_queue)
				assert tracking.click(t=token).status_code == 302
				tracking.click(t=token)  # a second click: still one unique click
		buffer.flush()  # the scheduler's minute: the buffered clicks written
	results = experiments.get_results(test.name)
	assert [(v["variant"], v["delivered"], v["clicks"]) for v in results["variants"]] == [
		("A", 100, 8),
		("B", 100, 30),
	]
	assert results["leader"] == "B" and results["variants"][0]["significant"]

	with freeze_time(at(1, 23)):  # the wait (2 days from the first test email) is not over
		planner.plan_campaign(campaign.name)
	assert frappe.db.get_value("Campaign AB Test", test.name, "status") == "Testing"
	with freeze_time(at(2, 10)):
		planner.plan_campaign(campaign.name)
		planner.plan_campaign(campaign.name)  # a second run changes nothing
	decided = frappe.get_doc("Campaign AB Test", test.name)
	assert (decided.status, decided.winner, decided.winner_template) == ("Winner Chosen", "B", templates["B"])
	assert decided.significant and decided.p_value < 0.05 and "B" in decided.decision
	rows = ledger(campaign.name)
	assert {r.party: r.variant for r in rows} == dealt, "nobody moved"
	assert Counter(r.status for r in rows) == {"Queued": 1000}
	assert {r.email_template for r in rows if not r.variant} == {templates["B"]}
	sent = queued_per_address(campaign.name)
	assert len(sent) == 1000 and set(sent.values()) == {1}, "each recipient got the step exactly once"
	held = [r for r in rows if not r.variant]
	subject, _text, _html = sender._parts(frappe.db.get_value("Email Queue", held[0].email_queue, "message"))
	assert subject == "Offer B"


def test_rerunning_the_planner_moves_nobody_and_late_recipients_keep_the_share(ab_campaign):
	campaign, _test, _leads = ab_campaign(recipients=50, share=20)
	with freeze_time(at(0)):
		planner.plan_campaign(campaign.name)
		first = {r.party: (r.variant, r.status) for r in ledger(campaign.name)}
		planner.plan_campaign(campaign.name)
	assert {r.party: (r.variant, r.status) for r in ledger(campaign.name)} == first
	assert Counter(v for v, _s in first.values()) == {None: 40, "A": 5, "B": 5}
	tag = frappe.generate_hash(length=6)
	bulk_leads(10, tag)
	with freeze_time(at(0, 11)):
		segment_of(campaign.name, "Lead", f"_CPAB-{tag}-%")
		planner.plan_campaign(campaign.name)
	counts = Counter(r.variant for r in ledger(campaign.name))
	assert counts == {None: 48, "A": 6, "B": 6}, "60 recipients: 12 tested, the variants even"


def test_revenue_picks_the_variant_whose_customers_invoiced_more(ab_campaign):
	from tests.integration.test_pricing import company, selling_price_list

	use_outgoing_account()
	tag = frappe.generate_hash(length=6)
	link = '<p><a href="https://shop.example.com/">shop</a></p>'
	first, second = make_template(subject="Rev A", body=link), make_template(subject="Rev B", body=link)
	campaign = make_campaign(
		cp_start_date=START, campaign_schedules=[{"email_template": first.name, "send_after_days": 0}]
	)
	customers = [
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": f"_CPAB Rev {tag} {i}",
				"customer_type": "Company",
				"email_id": f"rev{i}-{tag}@example.com",
			}
		)
		.insert(ignore_permissions=True)
		.name
		for i in range(12)
	]
	with freeze_time(at(0, 8)):
		segment_of(campaign.name, "Customer", f"_CPAB Rev {tag}%")
	test = frappe.get_doc(
		{
			"doctype": "Campaign AB Test",
			"campaign": campaign.name,
			"step_idx": 1,
			"test_share": 100,
			"wait_days": 3,
			"criterion": "Revenue",
			"revenue_from": "Sales Invoice",
			"variants": [{"email_template": first.name}, {"email_template": second.name}],
		}
	).insert()
	with freeze_time(at(0)):
		planner.plan_campaign(campaign.name)
	variant_of = {r.party: r.variant for r in ledger(campaign.name)}
	assert Counter(variant_of.values()) == {"A": 6, "B": 6}
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": f"_CPAB-ITEM-{tag}",
			"item_group": frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0],
			"stock_uom": "Nos",
			"is_stock_item": 0,
		}
	).insert(ignore_permissions=True)
	invoice_link = get_campaign_link("Sales Invoice")
	fiscal_year_for(START, company())

	def invoice(customer, amount, day=1, with_campaign=True):
		doc = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": company(),
				"posting_date": START + dt.timedelta(days=day),
				"set_posting_time": 1,
				"due_date": START + dt.timedelta(days=day + 30),
				"selling_price_list": selling_price_list(),
				"items": [{"item_code": item.name, "qty": 1, "rate": amount}],
			}
		)
		if with_campaign:
			doc.set(invoice_link.fieldname, campaign_link_value(invoice_link, campaign.name))
		doc.insert(ignore_permissions=True)
		doc.submit()

	buyers_a = [c for c in customers if variant_of[c] == "A"][:2]
	buyers_b = [c for c in customers if variant_of[c] == "B"][:2]
	invoice(buyers_a[0], 300)
	invoice(buyers_a[1], 300, with_campaign=False)  # not the campaign's: does not count
	invoice(buyers_b[0], 250)
	invoice(buyers_b[1], 250)
	invoice(buyers_a[1], 5000, day=-10)  # before the email: does not count
	results = experiments.get_results(test.name)
	assert [(v["variant"], v["revenue"]) for v in results["variants"]] == [("A", 300.0), ("B", 500.0)]
	with freeze_time(at(3, 11)):
		planner.plan_campaign(campaign.name)
	decided = frappe.get_doc("Campaign AB Test", test.name)
	assert (decided.status, decided.winner) == ("Winner Chosen", "B")
	assert not decided.significant  # two buyers each: honest about it


def test_a_winner_chosen_by_hand_goes_to_those_who_waited(ab_campaign):
	from tests.integration.helpers import make_user

	campaign, test, _leads = ab_campaign(recipients=30, share=20)
	with freeze_time(at(0)):
		planner.plan_campaign(campaign.name)
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		experiments.choose_winner(test.name, "B")
	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError):
		experiments.choose_winner(test.name, "Z")
	with freeze_time(at(0, 12)):
		result = experiments.choose_winner(test.name, "A")
		assert result["released"] == 24
		planner.plan_campaign(campaign.name)
	decided = frappe.get_doc("Campaign AB Test", test.name)
	assert (decided.winner, decided.decided_by) == ("A", "Administrator")
	assert Counter(r.status for r in ledger(campaign.name)) == {"Queued": 30}
	with pytest.raises(frappe.ValidationError):
		experiments.choose_winner(test.name, "B")


def test_preview_shows_the_split_and_the_pending_decision(ab_campaign):
	from campaign_plus.sending import api

	campaign, test, _leads = ab_campaign(recipients=50, share=20)
	with freeze_time(at(0, 7)):
		(day,) = api.preview_schedule(campaign.name, days=3)
	assert day["variants"] == {"A": 5, "B": 5}
	assert day["to_send"] == 10 and day["deferred"] == {"Awaiting Winner": 40}
	assert any(test.name in note for note in day["notes"])
	assert any("pending" in note for note in day["notes"])
	assert frappe.db.count("Campaign Send Log", {"campaign": campaign.name}) == 0, "a dry run writes nothing"


def test_a_started_test_keeps_its_variants(ab_campaign):
	campaign, test, _leads = ab_campaign(recipients=10, share=20)
	with freeze_time(at(0)):
		planner.plan_campaign(campaign.name)
	test.reload()
	test.test_share = 50
	with pytest.raises(frappe.ValidationError):
		test.save()
	with pytest.raises(frappe.ValidationError, match="waiting for this test's winner"):
		frappe.delete_doc("Campaign AB Test", test.name)
	experiments.choose_winner(test.name, "A")
	frappe.delete_doc("Campaign AB Test", test.name)  # decided: its history stays in the Send Log
