# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Create (and later delete) the data the browser tests click through, committed on the site.

Run with the bench's Python in sites/: ``fixtures.py SITE create`` prints the names as JSON;
``fixtures.py SITE delete TAG`` removes everything made under that tag.
"""

import json
import sys

import frappe

from tests.site_cleanup import delete_for_good, forget_deletions
from tests.site_setup import mark_as_test

TAG_FIELD = "e2e"


def create(tag: str) -> dict:
	from campaign_plus.segments import api as segments

	mark_as_test()
	started = frappe.utils.now_datetime()
	if not frappe.db.get_value("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
		# a site made a minute ago has none: the campaign's checks and sends need one
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"E2E {tag}",
				"email_id": f"e2e-{tag.lower()}@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"no_smtp_authentication": 1,
			}
		).insert()
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"E2E {tag}",
			"subject": "Hello {{ doc.first_name }}",
			"response": "<p>Hi</p>",
		}
	).insert()
	group = frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0]
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": f"E2E-{tag}",
			"item_group": group,
			"stock_uom": "Nos",
			"is_stock_item": 0,
		}
	).insert()
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": f"E2E Customer {tag}", "customer_type": "Company"}
	).insert()
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"E2E {tag}",
			"cp_start_date": frappe.utils.add_days(frappe.utils.today(), -1),
			"cp_end_date": frappe.utils.add_days(frappe.utils.today(), 30),
			"cp_budget": 1000,
			"cp_opt_in_rule": "Not Required",
			"campaign_schedules": [
				{"email_template": template.name, "send_after_days": 0, "cp_step_label": "Welcome"}
			],
			"cp_item_prices": [{"item_code": item.name, "rate": 5}],
		}
	).insert()
	leads = []
	for i in range(3):
		lead = frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"E2E {i}",
				"email_id": f"e2e{i}-{tag.lower()}@example.com",
				"city": f"E2E-{tag}",
			}
		).insert()
		frappe.get_doc(
			{"doctype": "Email Campaign", "campaign_name": campaign.name, "email_campaign_for": "Lead",
			 "recipient": lead.name, "start_date": frappe.utils.today(), "sender": "Administrator"}
		).insert()  # fmt: skip
		leads.append(lead.name)
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"E2E {tag}", "campaign": campaign.name}
	).insert()
	segments.add_members(segment.name, "Customer", [["name", "=", customer.name]])
	from campaign_plus.delivery import work

	work.start_counts(campaign.name, 40, "__default__")  # a send under way: 40 handed to delivery
	doubtful_email(campaign.name, leads[0], f"e2e0-{tag.lower()}@example.com")
	work.count(campaign.name, delivered=25, failed=2)
	prices = create_active_prices(tag, group)
	paused = create_paused_campaign(tag)
	frappe.db.commit()
	return {
		"started": str(started),
		"campaign": campaign.name,
		"paused_campaign": paused,
		"segment": segment.name,
		"leads": leads,
		"city": f"E2E-{tag}",
		**prices,
	}


def doubtful_email(campaign: str, lead: str, address: str) -> None:
	"""An email of the campaign a delivery fault left in doubt: sent, "may not have arrived"."""
	queue = frappe.get_doc(
		{
			"doctype": "Email Queue",
			"status": "Sent",
			"sender": "campaign-plus@example.com",
			"message": "Subject: Hi\n\nHi",
			"reference_doctype": "Campaign",
			"reference_name": campaign,
			"recipients": [{"recipient": address, "status": "Sent"}],
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Campaign Send Log",
			"name": queue.name,
			"campaign": campaign,
			"party_type": "Lead",
			"party": lead,
			"email": address,
			"status": "Sent",
			"delivery_doubt": "May Not Have Arrived",
			"email_queue": queue.name,
		}
	).db_insert()


def create_active_prices(tag: str, item_group: str) -> dict:
	"""A second campaign whose prices are active: item E2E-P-TAG lists at 10, its target buyer pays 7."""
	from campaign_plus.pricing import api as pricing
	from campaign_plus.segments import api as segments

	item = frappe.get_doc(
		{"doctype": "Item", "item_code": f"E2E-P-{tag}", "item_group": item_group, "stock_uom": "Nos",
		 "is_stock_item": 0}
	).insert()  # fmt: skip
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
	frappe.get_doc(
		{"doctype": "Item Price", "item_code": item.name, "price_list": price_list, "price_list_rate": 10}
	).insert()
	buyer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": f"E2E Buyer {tag}", "customer_type": "Company"}
	).insert()
	company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"E2E Prices {tag}",
			"cp_start_date": frappe.utils.add_days(frappe.utils.today(), -1),
			"cp_end_date": frappe.utils.add_days(frappe.utils.today(), 30),
			"cp_company": company,
			"cp_item_prices": [{"item_code": item.name, "rate": 7}],
		}
	).insert()
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"E2E Buyers {tag}", "campaign": campaign.name}
	).insert()
	segments.add_members(segment.name, "Customer", [["name", "=", buyer.name]])
	pricing.activate_prices(campaign.name)
	return {"price_campaign": campaign.name, "price_item": item.name, "buyer": buyer.name}


def create_paused_campaign(tag: str) -> str:
	"""A third campaign the reputation guard paused (its pause record, as the guard writes it)."""
	campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"E2E Paused {tag}"}).insert()
	frappe.get_doc(
		{
			"doctype": "Campaign Reputation Pause",
			"status": "Paused",
			"scope": "Campaign",
			"campaign": campaign.name,
			"reason": "Sending paused for the sender's reputation: Hard Bounce Rate 6 % (threshold 5 %) "
			"over 400 emails: 24 hard bounces, 0 complaints, 0 reputation refusals.",
			"paused_on": frappe.utils.now_datetime(),
			"emails_sent": 400,
			"hard_bounces": 24,
			"hard_bounce_rate": 6,
		}
	).insert(ignore_permissions=True)
	return campaign.name


def delete(tag: str, started: str | None = None) -> None:
	"""Delete what ``create(tag)`` made, and what Frappe kept of the records the browser tests made
	and deleted (since ``started``): only those, named by doctype and name."""
	frappe.db.delete("Campaign Reputation Pause", {"campaign": f"E2E Paused {tag}"})
	frappe.db.delete("Comment", {"reference_doctype": "Campaign", "reference_name": f"E2E Paused {tag}"})
	for campaign in (f"E2E {tag}", f"E2E Prices {tag}", f"E2E Paused {tag}"):
		_delete_campaign(campaign)
	if frappe.db.exists("Email Account", f"E2E {tag}"):
		frappe.delete_doc("Email Account", f"E2E {tag}", force=True, ignore_permissions=True)
	for doctype, filters in (
		("Sales Order", {"customer": f"E2E Buyer {tag}"}),
		("Item Price", {"item_code": ("in", (f"E2E-{tag}", f"E2E-P-{tag}"))}),
	):
		for name in frappe.get_all(doctype, filters=filters, pluck="name"):
			delete_for_good(doctype, name)
	frappe.db.delete("Campaign Consent", {"email": ("like", f"%-{tag.lower()}@example.com")})
	for name in frappe.get_all("Lead", filters={"city": f"E2E-{tag}"}, pluck="name"):
		delete_for_good("Lead", name)
	for doctype, name in (
		("Email Template", f"E2E {tag}"),
		("Email Template", f"E2E {tag} B"),
		("Customer", f"E2E Customer {tag}"),
		("Customer", f"E2E Buyer {tag}"),
		("Item", f"E2E-{tag}"),
		("Item", f"E2E-P-{tag}"),
	):
		if frappe.db.exists(doctype, name):
			delete_for_good(doctype, name)
	if started:
		forget_deletions(browser_deletions(tag, started), started)
	frappe.db.commit()


# what the browser tests delete through the desk, with the field that ties each to this run's data
BROWSER_DELETES = {"Campaign AB Test": "campaign"}


def browser_deletions(tag: str, started: str) -> list[tuple[str, str]]:
	"""(doctype, name) of the records of this run's campaigns that the browser tests deleted."""
	campaigns = {f"E2E {tag}", f"E2E Prices {tag}", f"E2E Paused {tag}"}
	found = []
	for doctype, link in BROWSER_DELETES.items():
		for name, data in frappe.get_all(
			"Deleted Document",
			filters={"deleted_doctype": doctype, "creation": (">=", started)},
			fields=["deleted_name", "data"],
			as_list=True,
		):
			if json.loads(data or "{}").get(link) in campaigns:
				found.append((doctype, name))
	return found


def _delete_campaign(campaign: str) -> None:
	for name in frappe.get_all("Campaign AB Test", filters={"campaign": campaign}, pluck="name"):
		frappe.db.delete("Campaign AB Variant", {"parent": name})
		frappe.db.delete("Campaign AB Test", {"name": name})
	from campaign_plus.delivery import store

	store.redis().delete(store.key("campaign", campaign))
	for name in frappe.get_all("Pricing Rule", filters={"cp_campaign": campaign}, pluck="name"):
		delete_for_good("Pricing Rule", name)  # with its item and group rows
	queue = frappe.get_all(
		"Email Queue", filters={"reference_doctype": "Campaign", "reference_name": campaign}, pluck="name"
	)
	if queue:
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queue)})
		frappe.db.delete("Email Queue", {"name": ("in", queue)})
	for doctype, filters in (
		("Campaign Target Customer", {"campaign": campaign}),
		("Campaign Entry", {"campaign": campaign}),
		("Campaign Interaction", {"campaign": campaign}),
		("Campaign Send Log", {"campaign": campaign}),
		("Email Campaign", {"campaign_name": campaign}),
	):
		frappe.db.delete(doctype, filters)
	for name in frappe.get_all("Campaign Segment", filters={"campaign": campaign}, pluck="name"):
		delete_for_good("Campaign Segment", name)
	if frappe.db.exists("Campaign", campaign):
		delete_for_good("Campaign", campaign)
	if frappe.db.exists("DocType", "UTM Campaign"):
		frappe.db.delete("UTM Campaign", {"name": campaign})


if __name__ == "__main__":
	site, action, *rest = sys.argv[1:]
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if action == "create":
			from tests.site_setup import prepare_site

			prepare_site()  # a new site: ERPNext's setup with test values, as `bench run-tests` does
			frappe.set_user("Administrator")
			print(json.dumps(create(rest[0])))
		else:
			delete(*rest)
	finally:
		frappe.destroy()
