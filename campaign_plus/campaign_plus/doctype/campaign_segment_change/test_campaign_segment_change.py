# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.campaign_plus.doctype.campaign_segment.test_campaign_segment import (
	make_segment_with_members,
)


class TestCampaignSegmentChange(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_removal_keeps_the_member_as_it_was(self):
		segment = make_segment_with_members(f"T-{frappe.generate_hash(length=6)}")
		change = frappe.get_all(
			"Campaign Segment Change",
			filters={"segment": segment.name},
			fields=["step", "change_type", "party_type", "party_name", "campaign_target", "added_by_step"],
		)[0]
		self.assertEqual(
			(
				change.step,
				change.change_type,
				change.party_type,
				change.party_name,
				change.campaign_target,
				change.added_by_step,
			),
			(2, "Removed", "Lead", "T0", 1, 1),
		)
