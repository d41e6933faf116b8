# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignSegment(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test).
	The behaviour is tested in tests/integration/test_segments.py."""

	def tearDown(self):
		frappe.db.rollback()

	def test_doctype_is_installed(self):
		self.assertTrue(frappe.db.table_exists("Campaign Segment"))
