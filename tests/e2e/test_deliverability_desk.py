# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Check Deliverability in the desk: from the campaign's Actions, and before the first send of a
step ("Send Due Emails Now" shows the findings first; closing the dialog sends nothing)."""

from tests.e2e.test_desk import click_item, menu, open_form


def test_check_deliverability_lists_findings_with_their_fixes(page, base_url, data):
	open_form(page, base_url, "campaign", data["campaign"])
	assert "Check Deliverability" in menu(page, "Actions")
	click_item(page, "Check Deliverability")
	page.wait_for_selector(".modal.show .cp-deliverability", timeout=120000)
	findings = page.locator(".modal.show .cp-finding")
	assert findings.count() >= 3
	levels = findings.evaluate_all("(rows) => rows.map((r) => r.dataset.level)")
	order = ["error", "warning", "info", "ok"]
	assert levels == sorted(levels, key=order.index)  # worst first
	assert page.locator(".modal.show .cp-finding:has-text('Fix:')").count() >= 1


def test_the_first_send_of_a_step_shows_the_check_first(page, base_url, data):
	open_form(page, base_url, "campaign", data["campaign"])
	planned = page.evaluate(
		"""() => frappe.db.count('Campaign Send Log', {filters: {campaign: cur_frm.doc.name}})"""
	)
	menu(page, "Actions")
	click_item(page, "Send Due Emails Now")
	page.wait_for_selector(".modal.show .cp-deliverability", timeout=120000)
	assert page.locator(".modal.show .modal-title").first.inner_text().strip() == "Before the First Send"
	page.locator(".modal.show .btn-modal-close").first.click()
	page.wait_for_timeout(1500)
	after = page.evaluate(
		"""() => frappe.db.count('Campaign Send Log', {filters: {campaign: cur_frm.doc.name}})"""
	)
	assert after == planned  # closed: nothing planned
