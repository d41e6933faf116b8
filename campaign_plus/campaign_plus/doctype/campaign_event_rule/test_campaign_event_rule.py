# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignEventRule(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_rule_names_what_its_action_needs(self):
		campaign = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": f"_Test CP rule {frappe.generate_hash(length=8)}",
				"cp_event_rules": [{"event": "Click", "action": "Stop Sequence"}],
			}
		).insert()
		campaign.append("cp_event_rules", {"event": "Reply", "action": "Add to Segment"})
		with self.assertRaises(frappe.ValidationError):
			campaign.save()
