# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignPlusSettings(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_defaults(self):
		settings = frappe.get_single("Campaign Plus Settings")
		self.assertEqual(settings.max_catch_up_days, 7)
		self.assertEqual(settings.batch_size, 500)
