# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import json
import unittest

import frappe


class TestCampaignEmailDesign(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test).
	Compiling and sending are tested in tests/integration/test_design.py."""

	def tearDown(self):
		frappe.db.rollback()

	def test_a_design_is_normalised_and_versioned(self):
		doc = frappe.get_doc(
			{
				"doctype": "Campaign Email Design",
				"title": "_Test design",
				"design": json.dumps({"blocks": [{"type": "heading", "html": "Hello"}]}),
			}
		).insert()
		blocks = json.loads(doc.design)["blocks"]
		self.assertEqual([b["type"] for b in blocks], ["heading", "footer"])
		self.assertEqual(doc.version, 1)
		doc.save()
		self.assertEqual(doc.version, 1)  # unchanged design, same version
		doc.design = json.dumps({"blocks": [{"type": "text", "html": "<p>Hi</p>"}]})
		doc.save()
		self.assertEqual(doc.version, 2)

	def test_a_broken_design_is_refused(self):
		doc = frappe.get_doc(
			{
				"doctype": "Campaign Email Design",
				"title": "_Test design",
				"design": '{"blocks": [{"type": "x"}]}',
			}
		)
		self.assertRaises(frappe.ValidationError, doc.insert)
