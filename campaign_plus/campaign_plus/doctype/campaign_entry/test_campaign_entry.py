# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.stats import entries


class TestCampaignEntry(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test)."""

	def tearDown(self):
		frappe.db.rollback()

	def test_only_canceled_entries_can_be_deleted(self):
		campaign = frappe.get_doc(
			{"doctype": "Campaign", "campaign_name": f"_Test entry {frappe.generate_hash(length=6)}"}
		).insert()
		entry = entries.add_entry(campaign.name, "Manual", "Trade show", cost=1500)
		with self.assertRaises(frappe.ValidationError) as info:
			frappe.delete_doc("Campaign Entry", entry)
		self.assertIn("Only canceled campaign entries can be deleted", str(info.exception))
		entries.cancel_entry(entry)
		frappe.delete_doc("Campaign Entry", entry)
		self.assertFalse(frappe.db.exists("Campaign Entry", entry))
