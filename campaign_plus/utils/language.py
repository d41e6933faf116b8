# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Languages of people outside the desk (recipients of an email, guests following a link)."""

from collections.abc import Iterator
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
