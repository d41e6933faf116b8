# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.activities.assign import assignment_key


class TestCampaignActivityAssignment(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_key_identifies_activity_target_person_and_day(self):
		key = assignment_key("A", "Lead", "L1", "P", "2026-11-23")
		self.assertEqual(key, assignment_key("A", "Lead", "L1", "P", "2026-11-23 00:00:00"))
		self.assertNotEqual(key, assignment_key("A", "Lead", "L1", "P", "2026-11-24"))
		self.assertNotEqual(key, assignment_key("A", "Lead", "L2", "P", "2026-11-23"))
