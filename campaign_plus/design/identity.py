# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What a designed email's footer says of the sender, and where its unsubscribe link goes.

Kept behind small functions: the inbox-ready email (issue 21) provides the legal identity, the
recipient's language and the unsubscribe URL for every campaign email; these then call it.
"""

import frappe

from campaign_plus.design.settings import brand_kit

# Frappe fills this placeholder with the recipient's unsubscribe URL when it sends the message
# (the Email Queue row's reference and unsubscribe method), in both send paths.
UNSUBSCRIBE_PLACEHOLDER = "<!--unsubscribe_url-->"


def company_of(campaign: str | None) -> str | None:
	company = frappe.db.get_value("Campaign", campaign, "cp_company") if campaign else None
	return (
		company or frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
	)


def legal_identity(campaign: str | None) -> dict:
	"""The company's name, postal address lines and legal mentions (brand kit)."""
	company = company_of(campaign)
	lines: list[str] = []
	name = ""
	if company:
		name = frappe.db.get_value("Company", company, "company_name") or company
		address = _company_address(company)
		if address:
			city = " ".join(filter(None, [address.pincode, address.city]))
			country = (
				frappe.db.get_value("Country", address.country, "country_name") if address.country else ""
			)
			lines = [
				line
				for line in (address.address_line1, address.address_line2, city, address.state, country)
				if line
			]
	legal = [line.strip() for line in (brand_kit().get("legal_lines") or "").splitlines() if line.strip()]
	return {"company_name": name, "address_lines": lines, "other_lines": legal}


def _company_address(company: str):
	rows = frappe.db.sql(
		"""SELECT a.`address_line1`, a.`address_line2`, a.`city`, a.`state`, a.`pincode`, a.`country`
		FROM `tabAddress` a JOIN `tabDynamic Link` l ON l.`parent` = a.`name` AND l.`parenttype` = 'Address'
		WHERE l.`link_doctype` = 'Company' AND l.`link_name` = %(company)s AND IFNULL(a.`disabled`, 0) = 0
		ORDER BY a.`is_your_company_address` DESC, a.`is_primary_address` DESC, a.`creation`
		LIMIT 1""",
		{"company": company},
		as_dict=True,
	)
	return rows[0] if rows else None


def unsubscribe_href(row=None) -> str:
	"""The unsubscribe link of one message (Frappe's placeholder, filled at send time)."""
	return UNSUBSCRIBE_PLACEHOLDER


def recipient_language(party: dict | None = None) -> str:
	"""The language of a design's own words when the design names none (the site's, for now)."""
	return frappe.db.get_default("lang") or frappe.local.lang or "en"
