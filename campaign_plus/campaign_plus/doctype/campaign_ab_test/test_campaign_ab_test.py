# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


def make_ab_test(variants=2, step_idx=1, **values):
	"""A campaign with one email step, and an A/B test of that step with ``variants`` templates."""
	templates = [
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": f"_Test CP AB {frappe.generate_hash(length=8)}",
				"subject": f"Variant {i}",
				"response": f"<p>Variant {i}</p>",
			}
		).insert(ignore_permissions=True)
		for i in range(variants)
	]
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"_Test CP AB {frappe.generate_hash(length=8)}",
			"campaign_schedules": [{"email_template": templates[0].name, "send_after_days": 0}],
		}
	).insert()
	return frappe.get_doc(
		{
			"doctype": "Campaign AB Test",
			"campaign": campaign.name,
			"step_idx": step_idx,
			"variants": [{"email_template": t.name} for t in templates],
			**values,
		}
	).insert()


class TestCampaignABTest(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_the_step_is_resolved_and_the_variants_lettered(self):
		test = make_ab_test(variants=3)
		self.assertEqual(
			test.schedule_row, frappe.get_doc("Campaign", test.campaign).campaign_schedules[0].name
		)
		self.assertEqual([v.variant for v in test.variants], ["A", "B", "C"])
		self.assertEqual(test.status, "Waiting")

	def test_an_unknown_step_or_one_variant_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_ab_test(step_idx=7)
		with self.assertRaises(frappe.ValidationError):
			make_ab_test(variants=1)

	def test_one_test_per_step(self):
		test = make_ab_test()
		other = frappe.copy_doc(test)
		other.schedule_row = None
		with self.assertRaises(frappe.ValidationError):
			other.insert()
