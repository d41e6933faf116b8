# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.pricing.activation import desired_specs


class TestCampaignItemPrice(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_rows_become_rate_rules_dated_by_the_campaign(self):
		item = [
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": f"_Test CP Item {frappe.generate_hash(length=6)}",
					"item_group": frappe.get_all(
						"Item Group", filters={"is_group": 0}, pluck="name", limit=1
					)[0],
					"stock_uom": "Nos",
					"is_stock_item": 0,
				}
			)
			.insert(ignore_permissions=True)
			.name
		]
		campaign = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": f"_Test price {frappe.generate_hash(length=6)}",
				"cp_start_date": "2026-01-01",
				"cp_end_date": "2026-12-31",
				"cp_item_prices": [{"item_code": item[0], "rate": 80, "min_qty": 2}],
			}
		).insert()
		(spec,) = desired_specs(campaign).values()
		self.assertEqual(
			(spec.item, spec.rate_or_discount, spec.value, spec.min_qty), (item[0], "Rate", 80.0, 2.0)
		)
		self.assertEqual(str(spec.valid_upto), "2026-12-31")
