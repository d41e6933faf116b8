# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignBounce(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_clearing_a_hard_bounce(self):
		from campaign_plus.tracking.bounces import active_hard_bounces, clear

		doc = frappe.get_doc(
			{
				"doctype": "Campaign Bounce",
				"email": "gone-unit@example.com",
				"bounce_type": "Hard",
				"status_code": "5.1.1",
			}
		).insert(ignore_permissions=True)
		self.assertEqual(active_hard_bounces(["GONE-unit@example.com"]), {"gone-unit@example.com"})
		self.assertEqual(clear(doc.email), 1)
		self.assertEqual(active_hard_bounces(["gone-unit@example.com"]), set())
