# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.campaign_plus.doctype.campaign_activity.test_campaign_activity import make_activity


class TestCampaignActivityStep(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_steps_default_to_medium_priority(self):
		activity = make_activity([("Call", "Call them", "")])
		self.assertEqual((activity.steps[0].priority, activity.steps[0].date_formula), ("Medium", None))
