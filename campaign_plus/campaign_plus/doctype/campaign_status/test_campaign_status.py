# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


def _status(code, **values):
	return frappe.get_doc({"doctype": "Campaign Status", "code": code, **values})


class TestCampaignStatus(unittest.TestCase):
	"""Runs under `bench run-tests` and in the pytest integration tier (rolled back after each test)."""

	def tearDown(self):
		frappe.db.rollback()

	def test_code_is_the_name(self):
		doc = _status("  Qualifying  ", sequence=15).insert()
		self.assertEqual(doc.name, "Qualifying")

	def test_own_next_status_is_refused(self):
		doc = _status("Completed Twice", is_closed=1).insert()
		doc.next_status = doc.name
		with self.assertRaises(frappe.ValidationError) as info:
			doc.save()
		self.assertIn("cannot be its own next status", str(info.exception))

	def test_loop_is_refused(self):
		_status("Loop A", sequence=61).insert()
		_status("Loop B", sequence=62, next_status="Loop A").insert()
		doc = frappe.get_doc("Campaign Status", "Loop A")
		doc.next_status = "Loop B"
		with self.assertRaises(frappe.ValidationError) as info:
			doc.save()
		self.assertIn("Loop A → Loop B → Loop A", str(info.exception))
		self.assertIsNone(frappe.db.get_value("Campaign Status", "Loop A", "next_status"))

	def test_loop_through_defaults_is_refused(self):
		doc = frappe.get_doc("Campaign Status", "Active")
		doc.next_status = "On Hold"
		with self.assertRaises(frappe.ValidationError):
			doc.save()
