# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignDeliveryJournal(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_journal_rows_are_read_only_records(self):
		meta = frappe.get_meta("Campaign Delivery Journal")
		self.assertTrue(all(field.read_only for field in meta.fields))
