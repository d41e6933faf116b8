# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignTargetCustomer(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_customer_is_in_a_campaign_target_group_once(self):
		customer = [
			frappe.get_doc(
				{"doctype": "Customer", "customer_name": f"_Test CP {frappe.generate_hash(length=6)}"}
			)
			.insert(ignore_permissions=True)
			.name
		]
		campaign = frappe.get_doc(
			{"doctype": "Campaign", "campaign_name": f"_Test tg {frappe.generate_hash(length=6)}"}
		).insert()
		row = {"doctype": "Campaign Target Customer", "campaign": campaign.name, "customer": customer[0]}
		frappe.get_doc(row).db_insert()
		with self.assertRaises(frappe.UniqueValidationError):
			frappe.get_doc(row).db_insert()
