# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


def make_activity(
	steps=(("Call", "Call them", "0D"), ("Email", "Send the brochure", "2D"), ("Meeting", "Visit", "1W")),
):
	return frappe.get_doc(
		{
			"doctype": "Campaign Activity",
			"activity_name": f"_Test activity {frappe.generate_hash(length=6)}",
			"steps": [  # (type, description, formula[, cost, duration])
				{
					"activity_type": step[0],
					"description": step[1],
					"date_formula": step[2],
					"cost": step[3] if len(step) > 3 else 0,
					"duration": step[4] if len(step) > 4 else 0,
				}
				for step in steps
			],
		}
	).insert()


class TestCampaignActivity(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test)."""

	def tearDown(self):
		frappe.db.rollback()

	def test_formulas_are_normalised(self):
		activity = make_activity([("Task", "Follow up", " cm + 1d ")])
		self.assertEqual(activity.steps[0].date_formula, "CM+1D")

	def test_an_invalid_formula_is_refused_naming_the_token(self):
		with self.assertRaises(frappe.ValidationError) as info:
			make_activity([("Task", "Follow up", "1W+2X")])
		self.assertIn("+2X", str(info.exception))
