# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.campaign_plus.doctype.campaign_segment.test_campaign_segment import (
	make_segment_with_members,
)


class TestCampaignSegmentStep(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_steps_are_numbered_and_count_their_changes(self):
		segment = make_segment_with_members(f"T-{frappe.generate_hash(length=6)}")
		steps = frappe.get_all(
			"Campaign Segment Step",
			filters={"segment": segment.name},
			fields=["step", "action", "added_count", "removed_count"],
			order_by="step asc",
		)
		self.assertEqual(
			[(s.step, s.action, s.added_count, s.removed_count) for s in steps],
			[(1, "Add", 2, 0), (2, "Reduce", 0, 1)],
		)
