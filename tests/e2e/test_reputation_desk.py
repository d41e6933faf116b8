# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Sender reputation in the desk: a paused campaign says why in red and a manager resumes it; the
suppression list offers its import and export; the settings show the guard and the webhooks."""

from tests.e2e.test_desk import open_form


def test_a_paused_campaign_says_why_in_red_and_resume_sending_lets_it_go(page, base_url, data):
	campaign = data["paused_campaign"]
	open_form(page, base_url, "campaign", campaign)
	page.locator(".form-message.red").filter(has_text="Hard Bounce Rate 6 %").first.wait_for(timeout=20000)
	button = page.locator('.page-actions button:has-text("Resume Sending")')
	button.first.wait_for(timeout=20000)
	button.first.click()
	page.locator('.modal.show button:has-text("Yes")').first.click()
	page.locator(".alert-message, .desk-alert").filter(has_text="released").first.wait_for(timeout=30000)
	open_form(page, base_url, "campaign", campaign)
	assert not page.locator(".form-message.red").filter(has_text="Hard Bounce Rate").count()
	assert not page.locator('.page-actions button:has-text("Resume Sending")').count()


def test_the_suppression_list_offers_import_and_export(page, base_url, data):
	page.goto(f"{base_url}/app/campaign-suppression")
	page.wait_for_selector('.page-actions button:has-text("Import CSV")', timeout=60000)
	assert page.locator('.page-actions button:has-text("Export CSV")').count()
	page.locator('.page-actions button:has-text("Import CSV")').first.click()
	page.wait_for_selector(".modal.show [data-fieldname='file_url']", timeout=20000)
	assert page.locator(".modal.show select[data-fieldname='default_reason']").count() == 1


def test_the_settings_show_the_guard_and_the_webhooks(page, base_url, data):
	page.goto(f"{base_url}/app/campaign-plus-settings")
	page.wait_for_selector("[data-fieldname='guard_hard_bounce_rate']", state="attached", timeout=60000)
	assert page.evaluate("() => cur_frm.doc.reputation_guard") in (1, "1")
	assert page.locator("[data-fieldname='webhooks']").count()
