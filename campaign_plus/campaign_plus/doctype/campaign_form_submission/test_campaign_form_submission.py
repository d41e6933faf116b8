# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignFormSubmission(unittest.TestCase):
	def test_submissions_are_made_by_forms_only(self):
		meta = frappe.get_meta("Campaign Form Submission")
		self.assertTrue(meta.in_create)
		self.assertTrue(
			all(df.read_only for df in meta.fields if df.fieldtype not in ("Section Break", "Column Break"))
		)
