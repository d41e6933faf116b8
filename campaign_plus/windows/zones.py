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

from campaign_plus.engine.windows import UTC, check_time_zone, is_time_zone, recipient_zone
from campaign_plus.errors import translated_rule_errors

FIELD = "cp_time_zone"


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
	parties: Iterable[tuple[str, str]], own_zones: Mapping[tuple[str, str], str | None] | None = None
) -> dict[tuple[str, str], str]:
	"""(party type, party) → IANA zone, for every party given.

	``own_zones``: the parties' own zones as their recipient source read them (a party with a
	valid one is not read again)."""
	# a party with a zone of its own needs no country: only the others' addresses are read
	result = {key: zone for key, zone in (own_zones or {}).items() if is_time_zone(zone)}
	wanted: dict[str, set[str]] = defaultdict(set)
	for party_type, party in parties:
		if (party_type, party) not in result:
			wanted[party_type].add(party)
	own: dict[tuple[str, str], str | None] = {}
	# per party, its countries in order of precedence
	countries: dict[tuple[str, str], list[str | None]] = defaultdict(list)
	direct_address: dict[tuple[str, str], str] = {}
	lead_country: dict[str, str] = {}

	if names := wanted.get("Lead"):
		for name, zone, country in _rows("Lead", names, ["name", FIELD, "country"]):
			own[("Lead", name)] = zone
			if country and not is_time_zone(zone):
				lead_country[name] = country
	if names := wanted.get("Contact"):
		for name, zone, address in _rows("Contact", names, ["name", FIELD, "address"]):
			own[("Contact", name)] = zone
			if address:
				direct_address[("Contact", name)] = address
	result.update((key, zone) for key, zone in own.items() if is_time_zone(zone))
	rest = {doctype: {n for n in names if (doctype, n) not in result} for doctype, names in wanted.items()}
	if names := rest.get("Customer"):
		for name, address in _rows("Customer", names, ["name", "customer_primary_address"]):
			if address:
				direct_address[("Customer", name)] = address
	direct_address = {key: address for key, address in direct_address.items() if key not in result}

	address_country = _address_countries(set(direct_address.values()))
	for key, address in direct_address.items():
		countries[key].append(address_country.get(address))
	for doctype in ("Lead", "Contact", "Customer"):
		if names := rest.get(doctype):
			for party, country in _linked_address_countries(doctype, names).items():
				countries[(doctype, party)].append(country)
	for lead, country in lead_country.items():
		countries[("Lead", lead)].append(country)

	zones_of = _country_zones({c for cs in countries.values() for c in cs if c})
	site = site_zone()
	resolved: dict[tuple, str] = {}  # few distinct (own zone, countries): resolved once each
	for party_type, names in rest.items():
		for party in names:
			key = (own.get((party_type, party)), tuple(countries.get((party_type, party), ())))
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
