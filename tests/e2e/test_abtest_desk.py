# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""An A/B test in the desk: started from the campaign's Actions, its result table, and the split
and pending decision in Preview Schedule (English desk, Administrator)."""

import re

from tests.e2e.test_desk import click_item, menu, open_form


def xcall(page, method, args):
	return page.evaluate("([method, args]) => frappe.xcall(method, args)", [method, args])


def test_an_ab_test_from_the_campaign_to_its_results_and_the_preview(page, base_url, data):
	campaign = data["campaign"]
	open_form(page, base_url, "campaign", campaign)
	assert "A/B Test a Step" in menu(page, "Actions")
	click_item(page, "A/B Test a Step")
	page.wait_for_url(re.compile("/campaign-ab-test/new"), timeout=20000)
	page.wait_for_function(
		"(campaign) => cur_frm && cur_frm.doc.doctype === 'Campaign AB Test' && cur_frm.doc.campaign === campaign",
		arg=campaign,
		timeout=20000,
	)

	second = xcall(
		page,
		"frappe.client.insert",
		{
			"doc": {
				"doctype": "Email Template",
				"name": f"{campaign} B",
				"subject": "Other",
				"response": "<p>B</p>",
			}
		},
	)
	test = xcall(
		page,
		"frappe.client.insert",
		{
			"doc": {
				"doctype": "Campaign AB Test",
				"campaign": campaign,
				"step_idx": 1,
				"test_share": 20,
				"wait_days": 2,
				"criterion": "Unique Clicks",
				"variants": [{"email_template": campaign}, {"email_template": second["name"]}],
			}
		},
	)
	open_form(page, base_url, "campaign-ab-test", test["name"])
	page.wait_for_selector('[data-fieldname="results_html"] table tbody tr', timeout=20000)
	rows = page.locator('[data-fieldname="results_html"] table tbody tr').all_inner_texts()
	assert [row.split()[0] for row in rows] == ["A", "B"]
	header = page.locator('[data-fieldname="results_html"] table thead').inner_text()
	assert "Unique Clicks" in header and "p-value against the leader" in header
	assert (
		"No recipient has received a variant yet."
		in page.locator('[data-fieldname="results_html"]').inner_text()
	)

	open_form(page, base_url, "campaign", campaign)
	menu(page, "Actions")
	click_item(page, "Preview Schedule")
	page.wait_for_selector(".modal.show table", timeout=20000)
	preview = page.locator(".modal.show table tbody").inner_text()
	assert f"A/B test {test['name']}: 20 % of the recipients get variants A, B" in preview
	assert "Winner by Unique Clicks, 2 days after the first test emails: pending." in preview
	page.keyboard.press("Escape")
	xcall(page, "frappe.client.delete", {"doctype": "Campaign AB Test", "name": test["name"]})
