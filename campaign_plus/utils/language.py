# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Languages of people outside the desk (recipients of an email, guests following a link)."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import frappe
from frappe.translate import get_all_languages


def site_language() -> str:
	return frappe.db.get_single_value("System Settings", "language") or "en"


def known_language(lang: str | None) -> str | None:
	"""``lang`` when it is an enabled language of the site (else its base, ``fr`` for ``fr-CA``)."""
	if not lang:
		return None
	languages = set(get_all_languages())
	for candidate in (lang, lang.split("-")[0]):
		if candidate in languages:
			return candidate
	return None


@contextmanager
def in_language(lang: str | None) -> Iterator[str]:
	"""Translate in ``lang`` (an enabled language, else the site's) inside the block."""
	previous = getattr(frappe.local, "lang", None)
	frappe.local.lang = known_language(lang) or site_language()
	try:
		yield frappe.local.lang
	finally:
		frappe.local.lang = previous


def set_language(lang: str | None) -> str:
	"""Answer the rest of this request in ``lang`` (an enabled language, else the site's)."""
	frappe.local.lang = known_language(lang) or site_language()
	return frappe.local.lang


def recipient_languages(parties: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
	"""The language of each (party type, party): a Lead's or Customer's own, a Contact's
	customer's (one query per party type); the site's for the others."""
	from frappe.query_builder import DocType

	by_type: dict[str, set[str]] = {}
	for party_type, party in parties:
		if party_type and party:
			by_type.setdefault(party_type, set()).add(party)
	found: dict[tuple[str, str], str] = {}
	for party_type, names in by_type.items():
		names = sorted(names)
		if party_type in ("Lead", "Customer"):
			rows = frappe.get_all(
				party_type, filters={"name": ("in", names)}, fields=["name", "language"], as_list=True
			)
		elif party_type == "Contact":
			link, customer = DocType("Dynamic Link"), DocType("Customer")
			rows = (
				frappe.qb.from_(link)
				.join(customer)
				.on(customer.name == link.link_name)
				.select(link.parent, customer.language)
				.where(link.parenttype == "Contact")
				.where(link.parent.isin(names))
				.where(link.link_doctype == "Customer")
				.where(customer.language.isnotnull())
				.run()
			)
		else:
			rows = []
		for name, lang in rows:
			if lang and (party_type, name) not in found:
				found[(party_type, name)] = lang
	site = site_language()
	return {
		(party_type, party): known_language(found.get((party_type, party))) or site
		for party_type, names in by_type.items()
		for party in names
	}


def recipient_language(party_type: str | None, party: str | None) -> str:
	"""The language to write to one party in (see :func:`recipient_languages`)."""
	if not (party_type and party):
		return site_language()
	return recipient_languages([(party_type, party)])[(party_type, party)]
