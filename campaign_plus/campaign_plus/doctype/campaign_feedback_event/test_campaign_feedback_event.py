# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignFeedbackEvent(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_an_event_is_recorded_once(self):
		from campaign_plus.feedback import log

		event = log.Logged("Mailgun", "unit-event-1", "Complaint", "unit@example.com")
		self.assertEqual(log.record([event, event], request="unit-request"), {"unit-event-1"})
		self.assertEqual(log.record([event], request="unit-request-2"), set())
