# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignEngagementEvent(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_events_are_indexed_by_ledger_row(self):
		indexes = {
			row.Column_name
			for row in frappe.db.sql("SHOW INDEX FROM `tabCampaign Engagement Event`", as_dict=True)
		}
		self.assertIn("send_log", indexes)
