# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign prices on a real site: only targets, only between the dates, only while activated;
minimum quantities, item-group discounts, reconciliation without duplicates, permissions."""

import datetime as dt

import frappe
import pytest

from campaign_plus.links import get_campaign_link
from campaign_plus.pricing import api
from campaign_plus.segments import api as segments
from tests.integration.helpers import make_campaign, make_user

TODAY = dt.date(2026, 11, 23)


def company():
	return (
		frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


def selling_price_list():
	return frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"


@pytest.fixture
def shop():
	tag = frappe.generate_hash(length=6)
	group = frappe.get_doc(
		{
			"doctype": "Item Group",
			"item_group_name": f"_CP Group {tag}",
			"parent_item_group": "All Item Groups",
		}
	).insert(ignore_permissions=True)
	leaf = frappe.get_all(
		"Item Group", filters={"is_group": 0, "name": ("!=", group.name)}, pluck="name", limit=1
	)[0]

	def item(code, item_group, price):
		doc = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": f"_CP-{code}-{tag}",
				"item_group": item_group,
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": doc.name,
				"price_list": selling_price_list(),
				"price_list_rate": price,
				"valid_from": "2026-01-01",
			}
		).insert(ignore_permissions=True)
		return doc.name

	def customer(name):
		return (
			frappe.get_doc(
				{"doctype": "Customer", "customer_name": f"_CP {name} {tag}", "customer_type": "Company"}
			)
			.insert(ignore_permissions=True)
			.name
		)

	shop = frappe._dict(
		widget=item("WIDGET", leaf, 100),
		gadget=item("GADGET", group.name, 200),
		group=group.name,
		target=customer("Target"),
		other=customer("Other"),
	)
	campaign = make_campaign(
		cp_start_date="2026-11-01",
		cp_end_date="2026-12-31",
		cp_company=company(),
		cp_item_prices=[{"item_code": shop.widget, "rate": 80, "min_qty": 2}],
		cp_line_discounts=[{"apply_on": "Item Group", "item_group": group.name, "discount_percentage": 15}],
	)
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "Buyers", "campaign": campaign.name}
	).insert()
	segments.add_members(segment.name, "Customer", [["name", "=", shop.target]])
	shop.campaign = campaign.name
	return shop


def sales_order(customer, item, qty=2, day=TODAY, **values):
	return frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer,
			"company": company(),
			"transaction_date": day,
			"delivery_date": day + dt.timedelta(days=7),
			"selling_price_list": selling_price_list(),
			"items": [{"item_code": item, "qty": qty, "delivery_date": day + dt.timedelta(days=7)}],
			**values,
		}
	).insert(ignore_permissions=True)


def campaign_of(doc):
	link = get_campaign_link(doc.doctype)
	value = doc.get(link.fieldname)
	return (
		value
		if link.target == "Campaign" or not value
		else frappe.db.get_value(link.target, value, "crm_campaign")
	)


def test_targets_get_the_campaign_price_others_the_standard_one(shop):
	result = api.activate_prices(shop.campaign)
	assert (result["customers"], result["created"], result["rules"]) == (1, 2, 2)
	order = sales_order(shop.target, shop.widget, qty=2)
	assert campaign_of(order) == shop.campaign
	assert order.items[0].rate == 80
	assert sales_order(shop.other, shop.widget, qty=2).items[0].rate == 100


def test_dates_minimum_quantity_and_item_group_discount(shop):
	api.activate_prices(shop.campaign)
	assert sales_order(shop.target, shop.widget, qty=1).items[0].rate == 100  # below the minimum
	assert sales_order(shop.target, shop.gadget, qty=1).items[0].rate == 170  # 15 % off the group
	before = sales_order(shop.target, shop.widget, day=dt.date(2026, 10, 31))
	after = sales_order(shop.target, shop.widget, day=dt.date(2027, 1, 1))
	assert (before.items[0].rate, after.items[0].rate) == (100, 100)
	assert campaign_of(before) is None and campaign_of(after) is None


def test_a_non_target_cannot_carry_the_campaign_while_prices_are_active(shop):
	api.activate_prices(shop.campaign)
	order = sales_order(shop.target, shop.widget)
	link = get_campaign_link("Sales Order")
	with pytest.raises(frappe.ValidationError) as info:
		sales_order(shop.other, shop.widget, **{link.fieldname: order.get(link.fieldname)})
	assert "is not a target of campaign" in str(info.value)


def test_deactivate_then_reactivate_twice_without_duplicates(shop):
	api.activate_prices(shop.campaign)
	rules = sorted(frappe.get_all("Pricing Rule", filters={"cp_campaign": shop.campaign}, pluck="name"))
	assert api.deactivate_prices(shop.campaign) == {"disabled": 2}
	assert sales_order(shop.target, shop.widget).items[0].rate == 100
	assert not frappe.db.count("Campaign Target Customer", {"campaign": shop.campaign})
	first = api.activate_prices(shop.campaign)
	second = api.activate_prices(shop.campaign)
	assert (first["created"], first["updated"], second["created"], second["updated"], second["disabled"]) == (
		0,
		2,
		0,
		0,
		0,
	)
	assert (
		sorted(frappe.get_all("Pricing Rule", filters={"cp_campaign": shop.campaign}, pluck="name")) == rules
	)
	assert sales_order(shop.target, shop.widget).items[0].rate == 80
	campaign = frappe.get_doc("Campaign", shop.campaign)
	assert campaign.cp_prices_active and campaign.cp_prices_activated_by == "Administrator"


def test_removed_rows_disable_their_rule(shop):
	api.activate_prices(shop.campaign)
	campaign = frappe.get_doc("Campaign", shop.campaign)
	campaign.cp_line_discounts = []
	campaign.save()
	assert api.activate_prices(shop.campaign)["disabled"] == 1
	assert sales_order(shop.target, shop.gadget, qty=1).items[0].rate == 200


def test_closing_the_campaign_deactivates(shop):
	api.activate_prices(shop.campaign)
	campaign = frappe.get_doc("Campaign", shop.campaign)
	campaign.cp_status = "Canceled"
	campaign.save()
	assert not frappe.db.get_value("Campaign", shop.campaign, "cp_prices_active")
	assert sales_order(shop.target, shop.widget).items[0].rate == 100


def test_activation_needs_targets_and_sales_manager(shop):
	empty = make_campaign(
		cp_start_date="2026-11-01",
		cp_end_date="2026-12-31",
		cp_item_prices=[{"item_code": shop.widget, "rate": 1}],
	)
	with pytest.raises(frappe.ValidationError) as info:
		api.activate_prices(empty.name)
	assert "campaign-target members" in str(info.value)
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		api.activate_prices(shop.campaign)


def test_uninstall_switches_the_generated_rules_off(shop):
	from campaign_plus.setup.install import disable_campaign_pricing_rules

	api.activate_prices(shop.campaign)
	other = frappe.get_doc(
		{"doctype": "Pricing Rule", "title": "_CP not generated", "apply_on": "Item Code", "selling": 1,
		 "items": [{"item_code": shop.widget}], "rate_or_discount": "Rate", "rate": 1}
	).insert(ignore_permissions=True)  # fmt: skip
	disable_campaign_pricing_rules()  # the uninstall step: without the app, nothing limits them to targets
	assert set(frappe.get_all("Pricing Rule", filters={"cp_campaign": shop.campaign}, pluck="disable")) == {1}
	assert frappe.db.get_value("Campaign", shop.campaign, "cp_prices_active") == 0
	assert frappe.db.get_value("Pricing Rule", other.name, "disable") == 0  # others are not touched
	assert sales_order(shop.target, shop.widget, qty=2).items[0].rate == 100


def test_a_row_added_on_erpnext_16_is_priced_with_the_campaign_before_saving(shop):
	order = frappe.new_doc("Sales Order")
	if not hasattr(order, "process_item_selection"):
		pytest.skip("ERPNext 15 prices an added row in the desk: see the browser tier")
	api.activate_prices(shop.campaign)
	order.update(
		{"customer": shop.target, "company": company(), "transaction_date": TODAY,
		 "delivery_date": TODAY + dt.timedelta(days=7), "selling_price_list": selling_price_list(),
		 "currency": frappe.get_cached_value("Company", company(), "default_currency"), "conversion_rate": 1,
		 "plc_conversion_rate": 1, "price_list_currency": frappe.get_cached_value("Company", company(), "default_currency")}
	)  # fmt: skip
	from campaign_plus.pricing.transactions import apply_campaign

	apply_campaign(order)  # what the desk does when the customer is chosen
	order.append("items", {"item_code": shop.widget, "qty": 2, "delivery_date": TODAY + dt.timedelta(days=7)})
	order.process_item_selection(item_idx=1)  # ERPNext alone, without the app's hook: the list price
	assert order.items[0].rate == 100
	order.run_method("process_item_selection", item_idx=1)  # as the desk calls it, with the hook after
	assert (order.items[0].rate, bool(order.items[0].pricing_rules)) == (80, True)
	assert order.is_new()
	other = frappe.new_doc("Sales Order")
	other.update({**order.as_dict(no_default_fields=True), "customer": shop.other, "items": []})
	for field in ("campaign", "utm_campaign"):
		other.set(field, None)
	other.append("items", {"item_code": shop.widget, "qty": 2, "delivery_date": TODAY + dt.timedelta(days=7)})
	other.run_method("process_item_selection", item_idx=1)
	assert other.items[0].rate == 100  # no campaign, no campaign price
