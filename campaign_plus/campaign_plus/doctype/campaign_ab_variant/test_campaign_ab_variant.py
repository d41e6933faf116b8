# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe

from campaign_plus.campaign_plus.doctype.campaign_ab_test.test_campaign_ab_test import make_ab_test


class TestCampaignABVariant(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_two_variants_cannot_share_a_template(self):
		test = make_ab_test()
		test.variants[1].email_template = test.variants[0].email_template
		with self.assertRaises(frappe.ValidationError):
			test.save()
