# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A campaign whose delivery a fault left in doubt: the form says how many emails may not have
arrived and offers Send Again (asking first; the action itself is proven in the integration tier)."""

from tests.e2e.test_desk import click_item, menu, open_form


def test_emails_that_may_not_have_arrived_are_shown_with_send_again(page, base_url, data):
	open_form(page, base_url, "campaign", data["campaign"])
	headline = page.get_by_text("may not have arrived (a delivery fault)").first
	headline.wait_for(timeout=20000)
	assert "1 emails may not have arrived" in headline.inner_text()
	labels = menu(page, "Actions")
	assert "Send Again" in labels
	click_item(page, "Send Again")
	dialog = page.locator(".modal.show")
	dialog.wait_for(timeout=10000)
	assert "may not have arrived" in dialog.inner_text()
	dialog.locator("button:has-text('No')").first.click()  # nothing sent from the browser tier
