# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignScoreRule(unittest.TestCase):
	def test_is_a_child_table(self):
		self.assertTrue(frappe.get_meta("Campaign Score Rule").istable)
