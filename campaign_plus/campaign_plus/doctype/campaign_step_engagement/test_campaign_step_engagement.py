# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignStepEngagement(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_one_counter_per_step_kind_and_link(self):
		indexes = frappe.db.sql("SHOW INDEX FROM `tabCampaign Step Engagement`", as_dict=True)
		unique = [row.Column_name for row in indexes if row.Key_name == "unique_campaign_step_kind_link"]
		self.assertEqual(unique, ["campaign", "schedule_row", "kind", "link_key"])
