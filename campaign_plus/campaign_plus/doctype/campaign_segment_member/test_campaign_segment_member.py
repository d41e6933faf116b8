# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.campaign_plus.doctype.campaign_segment.test_campaign_segment import (
	make_segment_with_members,
)


class TestCampaignSegmentMember(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_party_is_a_member_once_per_segment(self):
		segment = make_segment_with_members(f"T-{frappe.generate_hash(length=6)}")
		member = frappe.get_all("Campaign Segment Member", filters={"segment": segment.name}, fields=["*"])[0]
		duplicate = frappe.get_doc({**member, "doctype": "Campaign Segment Member", "name": None})
		with self.assertRaises(frappe.UniqueValidationError):
			duplicate.db_insert()
