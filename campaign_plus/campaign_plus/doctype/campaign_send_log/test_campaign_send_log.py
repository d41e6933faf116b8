# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignSendLog(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test)."""

	def tearDown(self):
		frappe.db.rollback()

	def test_identity_is_unique_in_the_database(self):
		campaign = frappe.get_doc(
			{"doctype": "Campaign", "campaign_name": f"_Test log {frappe.generate_hash(length=6)}"}
		).insert()
		row = {
			"doctype": "Campaign Send Log",
			"campaign": campaign.name,
			"schedule_row": "row-1",
			"party_type": "Lead",
			"party": "LEAD-NOT-CHECKED",
			"email": "x@example.com",
		}
		frappe.get_doc(row).db_insert()
		with self.assertRaises(frappe.UniqueValidationError):
			frappe.get_doc(row).db_insert()
