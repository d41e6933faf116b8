# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""How each party doctype becomes a segment member, as SQL over its table (aliased ``t``).

A Customer member mails its primary contact, else a linked contact with an email; a Contact or
Lead linked to a Customer counts as that Customer (for campaign prices). Joins use derived
tables grouped once, so an action over 100,000 rows stays one pass.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import frappe
from frappe.utils import create_batch


@dataclass(frozen=True)
class PartySource:
	joins: str
	party_name: str
	email: str
	customer: str
	exclusions: dict[str, str]  # reason → SQL condition on the row (true: never added)


SOURCES = {
	"Lead": PartySource(
		joins="""LEFT JOIN (
			SELECT `lead_name` AS lead, MIN(`name`) AS customer FROM `tabCustomer`
			WHERE IFNULL(`lead_name`, '') != '' GROUP BY `lead_name`
		) lead_customer ON lead_customer.lead = t.`name`""",
		party_name="COALESCE(NULLIF(t.`lead_name`, ''), t.`name`)",
		email="NULLIF(t.`email_id`, '')",
		customer="COALESCE(NULLIF(t.`customer`, ''), lead_customer.customer)",
		exclusions={
			"Excluded": "IFNULL(t.`cp_exclude_from_segments`, 0) = 1",
			"Unsubscribed": "IFNULL(t.`unsubscribed`, 0) = 1",
		},
	),
	"Contact": PartySource(
		joins="""LEFT JOIN (
			SELECT `parent`, MIN(`link_name`) AS customer FROM `tabDynamic Link`
			WHERE `parenttype` = 'Contact' AND `link_doctype` = 'Customer' GROUP BY `parent`
		) contact_customer ON contact_customer.`parent` = t.`name`""",
		party_name="COALESCE(NULLIF(t.`full_name`, ''), NULLIF(t.`first_name`, ''), t.`name`)",
		email="NULLIF(t.`email_id`, '')",
		customer="contact_customer.customer",
		exclusions={
			"Excluded": "IFNULL(t.`cp_exclude_from_segments`, 0) = 1",
			"Unsubscribed": "IFNULL(t.`unsubscribed`, 0) = 1",
		},
	),
	"Customer": PartySource(
		joins="""LEFT JOIN `tabContact` primary_contact ON primary_contact.`name` = t.`customer_primary_contact`
		LEFT JOIN (
			SELECT dl.`link_name` AS customer, MIN(c.`email_id`) AS email
			FROM `tabDynamic Link` dl JOIN `tabContact` c ON c.`name` = dl.`parent`
			WHERE dl.`parenttype` = 'Contact' AND dl.`link_doctype` = 'Customer'
				AND IFNULL(c.`email_id`, '') != '' AND IFNULL(c.`unsubscribed`, 0) = 0
			GROUP BY dl.`link_name`
		) customer_contact ON customer_contact.customer = t.`name`""",
		party_name="COALESCE(NULLIF(t.`customer_name`, ''), t.`name`)",
		email="COALESCE(NULLIF(primary_contact.`email_id`, ''), NULLIF(t.`email_id`, ''), customer_contact.email)",
		customer="t.`name`",
		exclusions={"Disabled": "IFNULL(t.`disabled`, 0) = 1"},
	),
}


def customers_of(parties: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
	"""The Customer each (party type, party) counts as — a Lead's customer, a Contact's linked
	customer, a Customer itself —, as a segment member does: one query per party type and 5,000
	names. Parties without a customer are left out."""
	by_type: dict[str, set[str]] = {}
	for party_type, party in parties:
		if party_type in SOURCES and party:
			by_type.setdefault(party_type, set()).add(party)
	result = {}
	for party_type, names in by_type.items():
		source = SOURCES[party_type]
		for chunk in create_batch(sorted(names), 5000):
			for name, customer in frappe.db.sql(
				f"SELECT t.`name`, {source.customer} FROM `tab{party_type}` t {source.joins} WHERE t.`name` IN %(names)s",
				{"names": tuple(chunk)},
			):
				if customer:
					result[(party_type, name)] = customer
	return result
