# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest

import frappe


class TestCampaignPlusSendingLimit(unittest.TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_row_gives_its_account_its_own_limits(self):
		from campaign_plus.delivery.settings import get_delivery_settings

		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"_Test Limits {frappe.generate_hash(length=6)}",
				"email_id": f"limits-{frappe.generate_hash(length=6)}@example.com",
				"enable_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
		settings = frappe.get_single("Campaign Plus Settings")
		settings.append("sending_limits", {"email_account": account.name, "per_minute": 30, "per_day": 0})
		settings.save(ignore_permissions=True)
		limits = get_delivery_settings().limits(account.name)
		self.assertEqual((limits.per_minute, limits.per_hour, limits.per_day), (30, 3000, 0))
