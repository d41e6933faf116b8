# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Small factories for integration tests (everything is rolled back after each test)."""

import frappe


def make_campaign(name: str | None = None, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": name or f"_Test CP {frappe.generate_hash(length=8)}",
			**values,
		}
	)
	doc.insert()
	return doc


def make_user(roles: list[str]) -> str:
	email = f"cp-{frappe.generate_hash(length=8)}@example.com"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Campaign Plus Test",
			"send_welcome_email": 0,
			"roles": [{"role": role} for role in roles],
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)
	return email


def is_v15_erpnext() -> bool:
	return frappe.get_meta("Lead").has_field("campaign_name")
