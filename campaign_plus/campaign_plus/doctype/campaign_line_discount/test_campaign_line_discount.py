# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.pricing.activation import desired_specs


class TestCampaignLineDiscount(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_rows_become_discount_rules_on_item_groups(self):
		group = frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0]
		campaign = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": f"_Test discount {frappe.generate_hash(length=6)}",
				"cp_line_discounts": [
					{"apply_on": "Item Group", "item_group": group, "discount_percentage": 15}
				],
			}
		).insert()
		(spec,) = desired_specs(campaign).values()
		self.assertEqual((spec.apply_on, spec.item, spec.value), ("Item Group", group, 15.0))
