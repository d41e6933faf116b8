# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignFormView(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_views_of_a_day_and_site_share_one_counter(self):
		from campaign_plus.forms.views import count_view

		form = frappe.get_doc(
			{
				"doctype": "Campaign Form",
				"form_title": "Unit Views",
				"consent_checkbox": "No Checkbox",
				"form_fields": [{"fieldname": "email_id", "required": 1}],
			}
		).insert(ignore_permissions=True)
		for origin in ("", "", "https://example.com"):
			count_view(form.name, origin)
		counts = frappe.get_all(
			"Campaign Form View",
			filters={"form": form.name},
			fields=["embedded_on", "views"],
			order_by="embedded_on",
		)
		self.assertEqual(
			[(c.embedded_on or "", c.views) for c in counts], [("", 2), ("https://example.com", 1)]
		)
