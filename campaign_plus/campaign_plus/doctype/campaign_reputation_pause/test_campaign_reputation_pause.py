# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignReputationPause(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_nothing_is_held_without_a_pause(self):
		from campaign_plus.reputation import guard

		self.assertIsNone(guard.hold_reason("_Test CP no such campaign", set()))
