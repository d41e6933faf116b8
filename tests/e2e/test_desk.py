# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Click through the desk: a campaign's View buttons, Preview Schedule, a segment's Add dialog,
Activate Prices and the statistics, the campaign price on a new Sales Order as it is typed
(English desk, Administrator)."""

import re
from urllib.parse import quote

from tests.e2e.controls import pick_link


def open_form(page, base_url, doctype_slug, name):
	page.goto(f"{base_url}/app/{doctype_slug}/{quote(name)}")
	# the form's title, or Frappe's error page (whose hidden block holds the server's traceback)
	error = page.locator(".error-content")
	page.locator(".page-head .title-text:visible").or_(error).first.wait_for(state="attached", timeout=60000)
	assert not error.count(), f"{page.url} answered an error page:\n{error.first.text_content()}"
	page.wait_for_timeout(2500)


def menu(page, group):
	page.locator(f'.inner-group-button button:has-text("{group}")').first.click()
	page.wait_for_timeout(300)
	return [t.strip() for t in page.locator(".dropdown-menu.show a").all_inner_texts()]


def click_item(page, label):
	page.locator(".dropdown-menu.show a").filter(
		has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")
	).first.click()


VIEWS = (
	("Leads", "lead"),
	("Opportunities", "opportunity"),
	("Quotations", "quotation"),
	("Sales Orders", "sales-order"),
	("Sales Invoices", "sales-invoice"),
	("Send Log", "campaign-send-log"),
	("Segments", "campaign-segment"),
	("Target Customers", "campaign-target-customer"),
	("Entries", "campaign-entry"),
	("Pricing Rules", "pricing-rule"),
)


def test_each_view_button_lands_on_its_filtered_list(page, base_url, data):
	open_form(page, base_url, "campaign", data["campaign"])
	labels = menu(page, "View")
	assert [label for label, _slug in VIEWS] == [label for label in labels if label in dict(VIEWS)]
	page.keyboard.press("Escape")
	campaign = quote(data["campaign"]).replace("%20", "+")
	for label, slug in VIEWS:
		open_form(page, base_url, "campaign", data["campaign"])
		menu(page, "View")
		click_item(page, label)
		# campaign_name / campaign (v15), utm_campaign (v16), cp_campaign (pricing rules)
		page.wait_for_url(re.compile(f"/{slug}\\?.*campaign"), timeout=20000)
		assert campaign in page.url.replace("%20", "+"), (label, page.url)


def test_the_form_shows_delivery_while_a_send_runs(page, base_url, data):
	open_form(page, base_url, "campaign", data["campaign"])
	progress = page.locator(".form-dashboard .progress-message", has_text="delivered")
	progress.wait_for(timeout=20000)
	text = progress.inner_text()
	assert "13 queued, 25 delivered, 2 failed" in text
	assert "finishing around" in text
	assert page.locator(".form-dashboard .progress-bar.progress-bar-success").count() >= 1


def test_preview_schedule_shows_the_calendar(page, base_url, data):
	open_form(page, base_url, "campaign", data["campaign"])
	assert "Preview Schedule" in menu(page, "Actions")
	click_item(page, "Preview Schedule")
	page.wait_for_selector(".modal.show table", timeout=20000)
	rows = page.locator(".modal.show table tbody tr").all_inner_texts()
	assert rows and "Welcome" in rows[0] and "3" in rows[0]
	header = page.locator(".modal.show table thead").inner_text()
	assert "Local Send Times" in header and "Deferred to a Later Day" in header


def test_a_lead_chooses_its_time_zone_from_the_iana_list(page, base_url, data):
	open_form(page, base_url, "lead", data["leads"][0])
	page.wait_for_function(
		"() => (cur_frm.fields_dict.cp_time_zone?._data || []).length > 300", timeout=20000
	)
	zones = page.evaluate("() => cur_frm.fields_dict.cp_time_zone._data.map((item) => item.value)")
	assert "Europe/Paris" in zones and "Pacific/Auckland" in zones


def test_add_members_through_the_dialog(page, base_url, data):
	open_form(page, base_url, "campaign-segment", data["segment"])
	click_item(page, "Add Members") if "Add Members" in menu(page, "Actions") else None
	page.wait_for_selector(
		".modal.show .filter-area, .modal.show .filter-box, .modal.show .filter-action-buttons", timeout=20000
	)
	page.locator('.modal.show button:has-text("Add a Filter")').first.click()
	page.wait_for_timeout(500)
	field = page.locator(
		".modal.show .filter-field .link-field input, .modal.show .fieldname-select-area input"
	).first
	field.click()
	field.fill("city")
	page.wait_for_timeout(800)
	page.keyboard.press("ArrowDown")
	page.keyboard.press("Enter")
	page.wait_for_timeout(800)
	page.locator(".modal.show .filter-box .filter-field input").last.fill(data["city"])
	page.wait_for_timeout(400)
	page.locator(".modal.show .modal-footer button.btn-primary").first.click()
	page.wait_for_timeout(3000)
	assert "3 added" in page.locator(".modal.show .modal-body").last.inner_text()


def test_activate_prices_and_statistics(page, base_url, data):
	open_form(page, base_url, "campaign", data["campaign"])
	assert "Activate Prices" in menu(page, "Actions")
	click_item(page, "Activate Prices")
	page.wait_for_timeout(1500)
	assert "1 target customers" in page.locator(".modal.show .modal-body").last.inner_text()
	page.locator(".modal.show .modal-footer button.btn-primary").last.click()
	page.wait_for_timeout(3000)
	assert "rules created 1" in page.locator(".modal.show .modal-body").last.inner_text()
	page.keyboard.press("Escape")
	open_form(page, base_url, "campaign", data["campaign"])
	click_item(page, "Refresh Statistics") if "Refresh Statistics" in menu(page, "Actions") else None
	page.wait_for_timeout(4000)
	stats = page.evaluate(
		"() => ({updated: cur_frm.doc.cp_statistics_updated_on, budget_used: cur_frm.doc.cp_budget_used})"
	)
	assert stats["updated"]
	assert page.locator(".frappe-chart").count() >= 1  # the pipeline; emails only once some are planned


def test_workspace_shows_number_cards_shortcuts_and_links(page, base_url, data):
	page.goto(f"{base_url}/app/campaign-plus")
	page.wait_for_selector(".number-widget-box", timeout=60000)
	page.wait_for_timeout(2000)
	assert page.locator(".number-widget-box").count() == 3
	assert page.locator(".shortcut-widget-box").count() == 3
	assert page.locator(".links-widget-box").count() == 5


def settle(page):
	"""Wait until the desk has no request in flight (Frappe's own after_ajax), then a moment."""
	page.evaluate("() => new Promise((resolve) => frappe.after_ajax(resolve))")
	page.wait_for_timeout(500)


def test_a_target_customer_sees_the_campaign_price_while_typing(page, base_url, data):
	page.goto(f"{base_url}/app/sales-order/new")
	page.wait_for_selector('.frappe-control[data-fieldname="customer"] input', timeout=60000)
	page.wait_for_timeout(1500)
	pick_link(page, page.locator('.frappe-control[data-fieldname="customer"]'), data["buyer"])
	# the desk asks the server whether the customer is a campaign target, and sets the campaign
	page.wait_for_function(
		"c => (cur_frm.doc.campaign || cur_frm.doc.utm_campaign) === c",
		arg=data["price_campaign"],
		timeout=20000,
	)
	settle(page)  # ERPNext's own reactions to the customer (price list, address, ...) end first
	grid = page.locator('.frappe-control[data-fieldname="items"]')
	if not grid.locator(".grid-body .grid-row").count():
		grid.locator(".grid-add-row").click()
	grid.locator(
		'.grid-body .grid-row .static-area, .grid-body .grid-row [data-fieldname="item_code"]'
	).first.click()
	pick_link(
		page, grid.locator('.grid-body .grid-row [data-fieldname="item_code"]').first, data["price_item"]
	)
	# ERPNext's own pricing of the row gives the campaign's rate: 7, not the list price of 10
	page.wait_for_function("() => cur_frm.doc.items[0].price_list_rate > 0", timeout=20000)
	settle(page)  # every pricing call of the row has answered
	row = page.evaluate(
		"() => ({rate: cur_frm.doc.items[0].rate, list: cur_frm.doc.items[0].price_list_rate,"
		" rules: cur_frm.doc.items[0].pricing_rules, unsaved: !!cur_frm.doc.__islocal})"
	)
	assert row["unsaved"] and row["rate"] == 7 and row["rules"], row  # ERPNext's list price is 10
	cell = grid.locator('.grid-body .grid-row .grid-static-col[data-fieldname="rate"]').first
	editing = cell.locator("input")  # the row is still open for typing: its rate input shows
	shown = editing.input_value() if editing.is_visible() else cell.locator(".static-area").inner_text()
	assert "7.00" in shown and "10.00" not in shown, shown  # what the sales person reads
