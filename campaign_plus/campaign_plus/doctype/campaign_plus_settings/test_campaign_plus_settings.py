# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignPlusSettings(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_defaults(self):
		from campaign_plus.sending.settings import get_sending_settings

		frappe.db.delete("Singles", {"doctype": "Campaign Plus Settings"})
		settings = get_sending_settings()
		self.assertEqual((settings.max_catch_up_days, settings.batch_size), (7, 500))
