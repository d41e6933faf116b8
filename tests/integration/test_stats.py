# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign entries, interactions and statistics on a real site, against hand-computed figures."""

import frappe
import pytest

from campaign_plus.links import campaign_link_value, get_campaign_link
from campaign_plus.segments import api as segments
from campaign_plus.stats import aggregate, api, entries
from tests.integration.helpers import make_campaign, make_lead, make_user


def linked(doctype: str, campaign: str) -> dict:
	link = get_campaign_link(doctype)
	return {link.fieldname: campaign_link_value(link, campaign)}


def test_statistics_equal_hand_computed_figures():
	campaign = make_campaign(cp_budget=2000)
	city = f"CP-{frappe.generate_hash(length=6)}"
	members = [make_lead() for _ in range(4)]
	for lead in members:
		frappe.db.set_value("Lead", lead.name, "city", city)
	segment = frappe.get_doc(
		{
			"doctype": "Campaign Segment",
			"segment_name": "S",
			"campaign": campaign.name,
			"unit_cost": 10,
			"unit_duration": 5,
		}
	).insert()
	segments.add_members(segment.name, "Lead", {"city": city})
	logged = api.log_segment(segment.name)  # 4 interactions, an entry of 40 and 20 minutes
	assert (logged["interactions"], logged["cost"]) == (4, 40)
	entries.add_entry(campaign.name, "Manual", "Trade show", cost=500)
	entries.cancel_entry(entries.add_entry(campaign.name, "Manual", "Mistake", cost=9999))
	caller = make_lead()
	frappe.get_doc(
		{"doctype": "Campaign Interaction", "campaign": campaign.name, "interaction_type": "Call",
		 "party_type": "Lead", "party": caller.name, "cost": 12, "duration": 15}
	).insert()  # fmt: skip
	for _ in range(3):  # leads that came from the campaign: responses
		frappe.get_doc(
			{"doctype": "Lead", "first_name": "From campaign", **linked("Lead", campaign.name)}
		).insert()
	for lead, amount in zip(members[:2], (1000, 3000), strict=True):
		frappe.get_doc(
			{"doctype": "Opportunity", "opportunity_from": "Lead", "party_name": lead.name,
			 "opportunity_amount": amount, **linked("Opportunity", campaign.name)}
		).insert()  # fmt: skip

	result = api.refresh_statistics(campaign.name)
	assert result["cp_targets_contacted"] == 5  # 4 logged + 1 called
	assert result["cp_targets_responded"] == 5  # 3 new leads + 2 opportunity parties
	assert result["cp_cost"] == 552  # 40 + 500 + 12; the canceled 9999 is out
	assert result["cp_duration"] == 35
	assert (result["cp_leads"], result["cp_opportunities"], result["cp_opportunity_value"]) == (3, 2, 4000)
	assert result["cp_response_rate"] == 100
	assert result["cp_cost_per_response"] == pytest.approx(110.4)
	assert result["cp_revenue"] == 0 and result["cp_roi"] == -100
	assert result["cp_budget_used"] == pytest.approx(27.6)
	assert frappe.db.get_value("Campaign", campaign.name, "cp_cost") == 552
	assert frappe.db.get_value("Campaign", campaign.name, "cp_statistics_updated_on")


def test_canceling_a_log_segment_entry_cancels_its_interactions():
	campaign = make_campaign()
	city = f"CP-{frappe.generate_hash(length=6)}"
	for lead in [make_lead() for _ in range(2)]:
		frappe.db.set_value("Lead", lead.name, "city", city)
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "S", "campaign": campaign.name, "unit_cost": 3}
	).insert()
	segments.add_members(segment.name, "Lead", {"city": city})
	entry = api.log_segment(segment.name)["entry"]
	assert api.cancel_entry(entry)["interactions"] == 2
	assert frappe.get_all("Campaign Interaction", filters={"entry": entry}, pluck="canceled") == [1, 1]
	assert api.refresh_statistics(campaign.name)["cp_cost"] == 0


def test_cancel_needs_a_sales_manager_and_delete_a_canceled_entry():
	campaign = make_campaign()
	entry = entries.add_entry(campaign.name, "Manual", "Flyers", cost=80)
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc("Campaign Entry", entry)
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		api.cancel_entry(entry)


def test_campaign_roi_report_filters_and_figures():
	from campaign_plus.campaign_plus.report.campaign_roi.campaign_roi import execute

	company = frappe.get_all("Company", pluck="name", limit=1)[0]
	spring = make_campaign(
		cp_company=company, cp_start_date="2031-03-01", cp_end_date="2031-05-31", cp_budget=1000
	)
	autumn = make_campaign(cp_company=company, cp_start_date="2031-09-01", cp_end_date="2031-10-31")
	entries.add_entry(spring.name, "Manual", "Posters", cost=250)
	columns, rows, message = execute({"company": company, "from_date": "2031-04-01", "to_date": "2031-06-30"})
	assert "roi" in {c["fieldname"] for c in columns} and "Refresh Statistics" in message
	by_campaign = {row["campaign"]: row for row in rows}
	assert spring.name in by_campaign and autumn.name not in by_campaign
	# the figures stored on the card: none before its statistics were refreshed
	assert (by_campaign[spring.name]["cost"], by_campaign[spring.name]["statistics_updated_on"]) == (0, None)
	aggregate.refresh(spring.name)  # the nightly job, or Refresh Statistics
	(row,) = [
		r for r in execute({"company": company, "from_date": "2031-04-01"})[1] if r["campaign"] == spring.name
	]
	assert (row["cost"], row["roi"]) == (250, -100) and row["statistics_updated_on"]


def test_dashboard_charts_data():
	campaign = make_campaign()
	frappe.get_doc({"doctype": "Lead", "first_name": "Chart", **linked("Lead", campaign.name)}).insert()
	charts = api.get_charts(campaign.name)
	assert charts["funnel"]["labels"] == ["Leads", "Opportunities", "Quotations", "Sales Orders"]
	assert charts["funnel"]["values"] == [1, 0, 0, 0]
	assert charts["emails"] == {"labels": [], "datasets": []}


def test_a_reply_to_a_campaign_email_is_a_response():
	import datetime as dt

	from campaign_plus.sending import planner
	from tests.integration.helpers import enroll, freeze_time, make_template, use_outgoing_account

	use_outgoing_account()
	template = make_template()
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	lead = make_lead()
	enroll(campaign.name, [lead.name], dt.date(2027, 3, 1))
	with freeze_time("2027-03-01 10:00:00"):
		planner.plan_campaign(campaign.name)
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": f"Someone <{lead.email_id.upper()}>",
			"subject": "Re: Hello",
			"content": "Interested!",
			"reference_doctype": "Campaign",
			"reference_name": campaign.name,
		}
	).insert(ignore_permissions=True)
	response = frappe.get_all(
		"Campaign Interaction",
		filters={"campaign": campaign.name, "interaction_type": "Response"},
		fields=["party"],
	)
	assert [r.party for r in response] == [lead.name]
	stats = api.refresh_statistics(campaign.name)
	assert (stats["cp_targets_contacted"], stats["cp_targets_responded"], stats["cp_response_rate"]) == (
		1,
		1,
		100,
	)
