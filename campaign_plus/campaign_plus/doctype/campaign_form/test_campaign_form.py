# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignForm(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_route_is_made_from_the_title_and_fields_are_checked(self):
		doc = frappe.get_doc(
			{
				"doctype": "Campaign Form",
				"form_title": "Unit Form Été",
				"consent_checkbox": "No Checkbox",
				"form_fields": [{"fieldname": "email_id", "required": 1}, {"fieldname": "first_name"}],
			}
		).insert(ignore_permissions=True)
		self.assertTrue(doc.route.startswith("unit-form-ete"))
		self.assertEqual(doc.form_fields[1].label, frappe.get_meta("Lead").get_label("first_name"))
		doc.append("form_fields", {"fieldname": "lead_owner"})
		self.assertRaises(frappe.ValidationError, doc.save)
