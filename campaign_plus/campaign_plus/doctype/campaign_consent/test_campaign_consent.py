# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignConsent(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test)."""

	def tearDown(self):
		frappe.db.rollback()

	def test_records_are_never_changed(self):
		doc = frappe.get_doc(
			{"doctype": "Campaign Consent", "email": " Someone@Example.com ", "status": "Granted"}
		).insert()
		self.assertEqual(doc.email, "someone@example.com")
		self.assertEqual(doc.recorded_by, frappe.session.user)
		doc.status = "Refused"
		with self.assertRaises(frappe.ValidationError):
			doc.save()
