# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.segments import actions


def make_segment_with_members(city: str):
	for i in range(2):
		frappe.get_doc({"doctype": "Lead", "first_name": f"T{i}", "city": city}).insert(
			ignore_permissions=True
		)
	campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"_Test seg {city}"}).insert()
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "T", "campaign": campaign.name}
	).insert()
	actions.apply_criteria(segment.name, "Add", "Lead", {"city": city})
	actions.apply_criteria(segment.name, "Reduce", "Lead", [["first_name", "=", "T0"]])
	return segment


class TestCampaignSegment(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test).
	Actions are tested in tests/integration/test_segments.py."""

	def tearDown(self):
		frappe.db.rollback()

	def test_deleting_a_segment_deletes_its_members_and_history(self):
		segment = make_segment_with_members(f"T-{frappe.generate_hash(length=6)}")
		self.assertEqual(frappe.db.count("Campaign Segment Change", {"segment": segment.name}), 1)
		frappe.delete_doc("Campaign Segment", segment.name)
		for doctype in ("Campaign Segment Member", "Campaign Segment Step", "Campaign Segment Change"):
			self.assertFalse(frappe.db.count(doctype, {"segment": segment.name}), doctype)
