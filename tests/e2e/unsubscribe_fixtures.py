# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Data for the unsubscribe page in the browser: a campaign, a French-speaking lead and its Send
Log row, committed. Run with the bench's Python in sites/: ``unsubscribe_fixtures.py SITE create
TAG`` prints the page URL's token, the address and the campaign as JSON; ``… delete TAG`` and
``… records TAG`` (the address's Email Unsubscribe and consent records, as JSON)."""

import json
import sys

import frappe

from tests.site_setup import mark_as_test


def names(tag: str) -> dict:
	return {
		"campaign": f"E2E Unsubscribe {tag}",
		"template": f"E2E Unsubscribe {tag}",
		"email": f"unsub-{tag.lower()}@example.com",
	}


def create(tag: str) -> dict:
	from campaign_plus.sending import planner
	from campaign_plus.utils import unsubscribe_links

	mark_as_test()
	n = names(tag)
	frappe.get_doc(
		{"doctype": "Email Template", "name": n["template"], "subject": "S", "response": "B"}
	).insert()
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": n["campaign"],
			"cp_opt_in_rule": "Not Required",
			"campaign_schedules": [{"email_template": n["template"], "send_after_days": 0}],
		}
	).insert()
	lead = frappe.get_doc(
		{"doctype": "Lead", "first_name": "Élodie", "email_id": n["email"], "language": "fr"}
	).insert()
	frappe.get_doc(
		{"doctype": "Email Campaign", "campaign_name": campaign.name, "email_campaign_for": "Lead",
		 "recipient": lead.name, "start_date": frappe.utils.today(), "sender": "Administrator"}
	).insert()  # fmt: skip
	planner.plan_campaigns([campaign.name], enqueue=False)
	(row,) = frappe.get_all("Campaign Send Log", filters={"campaign": campaign.name}, pluck="name")
	frappe.db.commit()
	return {"token": unsubscribe_links.token_signer()(row), "email": n["email"], "campaign": campaign.name}


def records(tag: str) -> dict:
	email = names(tag)["email"]
	return {
		"unsubscribes": sorted(
			[r.reference_name or "", r.global_unsubscribe]
			for r in frappe.get_all(
				"Email Unsubscribe", filters={"email": email}, fields=["reference_name", "global_unsubscribe"]
			)
		),
		"consents": [
			[r.status, r.source]
			for r in frappe.get_all(
				"Campaign Consent",
				filters={"email": email},
				fields=["status", "source"],
				order_by="consent_date asc, creation asc",
			)
		],
	}


def delete(tag: str) -> None:
	n = names(tag)
	frappe.db.delete("Email Unsubscribe", {"email": n["email"]})
	frappe.db.delete("Campaign Consent", {"email": n["email"]})
	frappe.db.delete("Campaign Send Log", {"campaign": n["campaign"]})
	frappe.db.delete("Email Campaign", {"campaign_name": n["campaign"]})
	frappe.db.delete("Campaign Entry", {"campaign": n["campaign"]})
	for lead in frappe.get_all("Lead", filters={"email_id": n["email"]}, pluck="name"):
		frappe.delete_doc("Lead", lead, force=True)
	if frappe.db.exists("Campaign", n["campaign"]):
		frappe.delete_doc("Campaign", n["campaign"], force=True)
	if frappe.db.exists("Email Template", n["template"]):
		frappe.delete_doc("Email Template", n["template"], force=True)
	frappe.db.commit()


if __name__ == "__main__":
	site, action, tag = sys.argv[1:4]
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		result = {"create": create, "records": records, "delete": delete}[action](tag)
		print(json.dumps(result))
	finally:
		frappe.destroy()
