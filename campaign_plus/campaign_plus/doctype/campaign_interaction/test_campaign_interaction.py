# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignInteraction(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_call_is_logged_by_hand(self):
		campaign = frappe.get_doc(
			{"doctype": "Campaign", "campaign_name": f"_Test call {frappe.generate_hash(length=6)}"}
		).insert()
		lead = frappe.get_doc({"doctype": "Lead", "first_name": "Call me"}).insert()
		doc = frappe.get_doc(
			{"doctype": "Campaign Interaction", "campaign": campaign.name, "interaction_type": "Call",
			 "party_type": "Lead", "party": lead.name, "cost": 12, "duration": 15}
		).insert()  # fmt: skip
		self.assertEqual((doc.canceled, doc.cost), (0, 12))
