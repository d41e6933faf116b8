# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Marketing consent in the desk: a Lead's consent actions, recording a consent by hand (it then
shows on the Lead and in its connections), the export dialog of the Campaign Consent list."""

import re

from tests.e2e.test_desk import click_item, menu, open_form


def test_record_consent_from_a_lead_then_see_it_on_the_lead(page, base_url, data):
	lead = data["leads"][0]
	open_form(page, base_url, "lead", lead)
	actions = menu(page, "Actions")
	for label in (
		"Request Opt-in Confirmation",
		"Record Consent",
		"Export Consent and Emails",
		"Assign Activity",
	):
		assert label in actions, (label, actions)
	click_item(page, "Record Consent")
	page.wait_for_url(re.compile(r"/campaign-consent/new"), timeout=20000)  # /app (15), /desk (16)
	page.wait_for_timeout(1500)
	assert page.evaluate("() => cur_frm.doc.party") == lead
	assert page.evaluate("() => cur_frm.doc.email").endswith("@example.com")
	page.evaluate("() => cur_frm.set_value('status', 'Granted')")
	page.keyboard.press("Control+s")
	page.wait_for_function("() => !cur_frm.is_new()", timeout=20000)
	assert page.evaluate("() => cur_frm.doc.recorded_by") == "Administrator"
	assert page.locator(".form-message, .form-intro, .intro-area").first.inner_text().strip()

	open_form(page, base_url, "lead", lead)
	assert page.evaluate("() => cur_frm.doc.cp_marketing_consent") == "Granted"
	assert page.locator('.document-link[data-doctype="Campaign Consent"]').count() == 1


def test_consent_list_offers_the_export_dialog(page, base_url, data):
	page.goto(f"{base_url}/app/campaign-consent")
	page.wait_for_selector('.page-actions button:has-text("Export for an Address")', timeout=60000)
	page.locator('.page-actions button:has-text("Export for an Address")').first.click()
	page.wait_for_selector(".modal.show input[data-fieldname='email']", timeout=20000)
	assert page.locator(".modal.show select[data-fieldname='file_format']").count() == 1
