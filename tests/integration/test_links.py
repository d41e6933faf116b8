# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The server-side campaign link mapping, the View buttons' filters and the dashboard."""

import frappe

from campaign_plus.card import api, dashboard
from campaign_plus.links import LINKED_DOCTYPES, get_campaign_link, get_campaign_links
from tests.integration.helpers import is_v15_erpnext, linked_counts, make_campaign

V15 = {
	"Lead": "campaign_name",
	"Opportunity": "campaign",
	"Quotation": "campaign",
	"Sales Order": "campaign",
	"Sales Invoice": "campaign",
}


def test_every_pipeline_doctype_has_a_campaign_link_in_its_meta():
	links = get_campaign_links()
	assert set(links) == set(LINKED_DOCTYPES)
	for doctype, link in links.items():
		field = frappe.get_meta(doctype).get_field(link.fieldname)
		assert field.fieldtype == "Link" and field.options == link.target
	expected = V15 if is_v15_erpnext() else dict.fromkeys(LINKED_DOCTYPES, "utm_campaign")
	assert {doctype: link.fieldname for doctype, link in links.items()} == expected


def test_view_buttons_filter_on_the_mapped_fields():
	campaign = make_campaign()
	routes = api.get_campaign_context(campaign.name)["routes"]
	assert set(routes) == set(LINKED_DOCTYPES)
	lead = get_campaign_link("Lead")
	if is_v15_erpnext():
		assert routes["Lead"] == {"campaign_name": campaign.name, "source": "Campaign"}
		assert routes["Quotation"] == {"campaign": campaign.name}
	else:
		utm = (
			frappe.db.get_value("UTM Campaign", {"crm_campaign": campaign.name}, "name")
			or campaign.campaign_name
		)
		assert routes["Lead"] == {"utm_campaign": utm, "utm_source": "Campaign"}
		assert routes["Sales Order"] == {"utm_campaign": utm}
	# the route's values are valid filters on the list (and valid values for "New")
	for doctype, options in routes.items():
		frappe.get_list(doctype, filters=options, limit=1)
	assert lead.source_fieldname in routes["Lead"]


def test_a_lead_made_from_the_view_button_shows_on_the_dashboard():
	campaign = make_campaign()
	routes = api.get_campaign_context(campaign.name)["routes"]
	lead = frappe.get_doc({"doctype": "Lead", "first_name": "Cp Test Lead", **routes["Lead"]}).insert()
	assert frappe.get_list("Lead", filters=routes["Lead"], pluck="name") == [lead.name]

	data = frappe.get_meta("Campaign").get_dashboard_data()
	items = {item for group in data.transactions for item in group["items"]}
	assert {"Email Campaign", *LINKED_DOCTYPES} <= items
	assert data.non_standard_fieldnames["Email Campaign"] == "campaign_name"

	by_doctype = linked_counts("Campaign", campaign.name)
	assert by_doctype["Lead"] == 1
	assert by_doctype["Email Campaign"] == 0


def test_dashboard_hook_is_idempotent():
	once = dashboard.get_data(frappe._dict())
	twice = dashboard.get_data(once)
	assert [g["label"] for g in twice.transactions].count("Pipeline") == 1
