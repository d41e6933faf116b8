# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignLinkSet(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_link_set_is_a_read_only_record(self):
		meta = frappe.get_meta("Campaign Link Set")
		self.assertTrue(all(field.read_only for field in meta.fields))
