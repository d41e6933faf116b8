# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Each recipient's time zone, loaded set-based (one query per doctype), and the check on save.

The order (see :func:`campaign_plus.engine.windows.recipient_zone`): the Lead's / Contact's own
*Time Zone*; else the country of its address — the Contact's own address or the Customer's
primary address, then the primary (else the first) address linked to it — then the Lead's
country (a Country with several zones gives its first); else the site's zone. Members of an
Email Group have only an address: the site's zone.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

import frappe
from frappe.utils import get_system_timezone

from campaign_plus.engine.schedule import Place
from campaign_plus.engine.windows import (
	UTC,
	check_time_zone,
	is_time_zone,
	recipient_zone,
	time_zones,
)
from campaign_plus.errors import translated_rule_errors

FIELD = "cp_time_zone"
NOWHERE = Place()  # a party whose source read nothing of where it is


def site_zone() -> str:
	zone = get_system_timezone()
	return zone if is_time_zone(zone) else "UTC"


def now_utc() -> dt.datetime:
	return dt.datetime.now(UTC)


def validate_time_zone(doc, method=None):
	"""doc_events (Lead, Contact): the time zone, when given, is an IANA name."""
	value = (doc.get(FIELD) or "").strip() or None
	doc.set(FIELD, value)
	with translated_rule_errors():
		check_time_zone(value)


def recipient_zones(
	parties: Iterable[tuple[str, str]], places: Mapping[tuple[str, str], Place | None] | None = None
) -> dict[tuple[str, str], str]:
	"""(party type, party) → IANA zone, for every party given.

	``places``: what the parties' recipient source read of where they are (a party with a place
	is not read again; None: not read)."""
	places = places or {}
	valid = time_zones()
	# a party with a zone of its own needs no more: only the others are read, and their addresses
	result: dict[tuple[str, str], str] = {}
	known: dict[tuple[str, str], Place] = {}
	unread: dict[str, set[str]] = defaultdict(set)
	for key in parties:
		place = places.get(key)
		if place is None:
			unread[key[0]].add(key[1])
		elif place.zone in valid:
			result[key] = place.zone
		else:
			known[key] = place
	if names := unread.get("Lead"):
		for name, zone, country in _rows("Lead", names, ["name", FIELD, "country"]):
			known[("Lead", name)] = Place(zone, country)
	if names := unread.get("Contact"):
		for name, zone, address in _rows("Contact", names, ["name", FIELD, "address"]):
			known[("Contact", name)] = Place(zone, address=address)
	if names := unread.get("Customer"):
		for name, address in _rows("Customer", names, ["name", "customer_primary_address"]):
			known[("Customer", name)] = Place(address=address)

	for party_type, names in unread.items():
		for name in names:
			known.setdefault((party_type, name), NOWHERE)  # not found
	located: dict[str, set[str]] = defaultdict(set)  # the parties still without a zone, by doctype
	for (party_type, name), place in known.items():
		if place.zone in valid:
			result[(party_type, name)] = place.zone
		else:
			located[party_type].add(name)
	# per party, its countries in order of precedence: its own address, its linked addresses, a Lead's own
	countries: dict[tuple[str, str], list[str | None]] = defaultdict(list)
	direct_address = {
		(doctype, name): address
		for doctype, names in located.items()
		for name in names
		if (address := known.get((doctype, name), NOWHERE).address)
	}
	address_country = _address_countries(set(direct_address.values()))
	for key, address in direct_address.items():
		countries[key].append(address_country.get(address))
	for doctype in ("Lead", "Contact", "Customer"):
		if names := located.get(doctype):
			for party, country in _linked_address_countries(doctype, names).items():
				countries[(doctype, party)].append(country)
	for name in located.get("Lead", ()):
		if country := known.get(("Lead", name), NOWHERE).country:
			countries[("Lead", name)].append(country)

	zones_of = _country_zones({c for cs in countries.values() for c in cs if c})
	site = site_zone()
	resolved: dict[tuple, str] = {}  # few distinct (own zone, countries): resolved once each
	for party_type, names in located.items():
		for party in names:
			key = (
				known.get((party_type, party), NOWHERE).zone,
				tuple(countries.get((party_type, party), ())),
			)
			if key not in resolved:
				resolved[key] = recipient_zone(key[0], [zones_of.get(c) for c in key[1] if c], site)
			result[(party_type, party)] = resolved[key]
	return result


def _rows(doctype: str, names: set[str], fields: list[str]) -> tuple:
	"""``fields`` of the named ``doctype`` rows, as tuples (parameterised SQL: a query-builder IN
	list of 100,000 names takes seconds to build)."""
	columns = ", ".join(f"`{field}`" for field in fields)
	return frappe.db.sql(
		f"SELECT {columns} FROM `tab{doctype}` WHERE `name` IN %(names)s", {"names": tuple(names)}
	)


def _address_countries(addresses: set[str]) -> dict[str, str]:
	if not addresses:
		return {}
	return dict(_rows("Address", addresses, ["name", "country"]))


def _linked_address_countries(doctype: str, names: set[str]) -> dict[str, str]:
	"""The country of each party's primary address, else of its first linked address."""
	rows = frappe.db.sql(
		"""SELECT link.`link_name`, address.`country`
		FROM `tabDynamic Link` link
		JOIN `tabAddress` address ON address.`name` = link.`parent`
		WHERE link.`parenttype` = 'Address' AND link.`link_doctype` = %(doctype)s
			AND link.`link_name` IN %(names)s
			AND address.`disabled` = 0 AND address.`country` IS NOT NULL
		ORDER BY address.`is_primary_address` DESC, address.`creation`""",
		{"doctype": doctype, "names": tuple(names)},
	)
	result: dict[str, str] = {}
	for party, country in rows:
		result.setdefault(party, country)
	return result


def _country_zones(countries: set[str]) -> dict[str, str]:
	if not countries:
		return {}
	return dict(_rows("Country", countries, ["name", "time_zones"]))
