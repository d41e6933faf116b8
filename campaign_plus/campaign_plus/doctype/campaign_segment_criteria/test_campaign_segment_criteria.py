# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import json
import unittest

import frappe


class TestCampaignSegmentCriteria(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test)."""

	def tearDown(self):
		frappe.db.rollback()

	def _criteria(self, filters):
		return frappe.get_doc(
			{
				"doctype": "Campaign Segment Criteria",
				"criteria_name": f"_Test {frappe.generate_hash(length=6)}",
				"document_type": "Lead",
				"filters": json.dumps(filters),
			}
		)

	def test_filters_are_validated_and_normalised(self):
		doc = self._criteria({"city": "Lyon"}).insert()
		self.assertEqual(json.loads(doc.filters), [["Lead", "city", "=", "Lyon"]])

	def test_unknown_field_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as info:
			self._criteria([["no_such_field", "=", 1]]).insert()
		self.assertIn("no_such_field", str(info.exception))
