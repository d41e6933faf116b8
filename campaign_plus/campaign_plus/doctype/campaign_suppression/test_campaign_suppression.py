# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignSuppression(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_an_entry_by_hand_keeps_the_address_out_until_lifted(self):
		from campaign_plus.suppression import records

		frappe.get_doc({"doctype": "Campaign Suppression", "email": " Out-Unit@Example.com "}).insert()
		self.assertEqual(
			records.active_reasons(["out-unit@example.com"]), {"out-unit@example.com": {"By Hand"}}
		)
		self.assertEqual(records.lift(["out-unit@example.com"], ["By Hand"]), 1)
		self.assertEqual(records.active_reasons(["out-unit@example.com"]), {})
