# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Consent records (Campaign Consent): read per address in one query, written in bulk, never changed.

The engine (:mod:`campaign_plus.engine.consent`) decides an address's current consent from its
history; this module loads that history set-based and keeps the read-only *Marketing Consent*
field of Leads and Contacts in step with it (a few UPDATEs per batch of addresses).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import frappe
from frappe.query_builder import DocType
from frappe.utils import create_batch, get_datetime, now_datetime

from campaign_plus.engine import consent
from campaign_plus.engine.consent import CAMPAIGN_EMAIL, ConsentRecord
from campaign_plus.engine.schedule import normalize_email
from campaign_plus.utils.db import STANDARD_COLUMNS

DOCTYPE = "Campaign Consent"
PARTY_TYPES = ("Lead", "Contact", "Customer")
# Doctypes whose primary address shows its current consent (custom field, see setup/fields.py).
SHOWN_ON = ("Lead", "Contact")
FIELD = "cp_marketing_consent"
CHUNK = 5000
FIELDS = (
	*STANDARD_COLUMNS,
	"email",
	"status",
	"consent_date",
	"source",
	"purpose",
	"party_type",
	"party",
	"campaign",
	"note",
	"recorded_by",
	"request",
	"ip_address",
	"consent_text",
)


@dataclass(frozen=True)
class NewRecord:
	email: str
	status: str
	source: str
	party_type: str | None = None
	party: str | None = None
	campaign: str | None = None
	note: str | None = None
	request: str | None = None
	ip_address: str | None = None
	purpose: str = CAMPAIGN_EMAIL
	consent_text: str | None = None  # the exact text the person agreed to (a form's checkbox)


def history(
	emails: Iterable[str], purpose: str = CAMPAIGN_EMAIL, *, ever_granted: bool = False
) -> list[ConsentRecord]:
	"""Every record of ``emails`` for ``purpose`` (one query per 5,000 addresses); with
	``ever_granted``, only the records of addresses that granted consent at least once."""
	emails = sorted({normalize_email(e) for e in emails if normalize_email(e)})
	condition = (
		"""AND EXISTS (SELECT 1 FROM `tabCampaign Consent` g
			WHERE g.`purpose` = c.`purpose` AND g.`email` = c.`email` AND g.`status` = %(granted)s)"""
		if ever_granted
		else ""
	)
	records = []
	for chunk in create_batch(emails, CHUNK):
		rows = frappe.db.sql(
			f"""SELECT c.`name`, c.`email`, c.`status`, c.`consent_date`, c.`source`
			FROM `tabCampaign Consent` c
			WHERE c.`purpose` = %(purpose)s AND c.`email` IN %(emails)s {condition}""",
			{"purpose": purpose, "emails": tuple(chunk), "granted": consent.GRANTED},
		)
		records += [
			ConsentRecord(normalize_email(email), status, get_datetime(on), name, source)
			for name, email, status, on, source in rows
		]
	return records


def as_record(row) -> ConsentRecord:
	return ConsentRecord(
		normalize_email(row.email), row.status, get_datetime(row.consent_date), row.name, row.source
	)


def current_states(emails: Iterable[str], purpose: str = CAMPAIGN_EMAIL) -> dict[str, ConsentRecord]:
	return consent.current_by_address(history(emails, purpose))


def current_state(email: str, purpose: str = CAMPAIGN_EMAIL) -> ConsentRecord | None:
	return current_states([email], purpose).get(normalize_email(email))


def granted_among(emails: Iterable[str], purpose: str = CAMPAIGN_EMAIL) -> set[str]:
	"""Which of ``emails`` (normalised) currently have a granted consent: one query per 5,000
	addresses, reading only the history of those that granted it once (no one else can be)."""
	return consent.granted_addresses(history(emails, purpose, ever_granted=True))


def insert(records: list[NewRecord], on=None, user: str | None = None) -> list[str]:
	"""Insert ``records`` in bulk (dated ``on``, default now) and refresh the parties' consent field."""
	if not records:
		return []
	now = now_datetime()
	on = on or now
	user = user or frappe.session.user
	names = [frappe.generate_hash(length=12) for _ in records]
	values = [
		(
			name,
			now,
			now,
			user,
			user,
			0,
			normalize_email(record.email),
			record.status,
			on,
			record.source,
			record.purpose,
			record.party_type,
			record.party if record.party_type else None,
			record.campaign,
			record.note,
			user,
			record.request,
			record.ip_address,
			record.consent_text,
		)
		for name, record in zip(names, records, strict=True)
	]
	frappe.db.bulk_insert(DOCTYPE, FIELDS, values)
	refresh_parties({record.email for record in records if record.purpose == CAMPAIGN_EMAIL})
	return names


def refresh_parties(emails: Iterable[str]) -> None:
	"""Set the Marketing Consent field of the Leads and Contacts with these primary addresses:
	one UPDATE per status and doctype for each batch of addresses."""
	emails = {normalize_email(e) for e in emails if normalize_email(e)}
	if not emails:
		return
	states = current_states(emails)
	by_status: dict[str | None, list[str]] = {}
	for email in emails:
		state = states.get(email)
		by_status.setdefault(state.status if state else None, []).append(email)
	for doctype in SHOWN_ON:
		if not frappe.get_meta(doctype).has_field(FIELD):
			continue
		table = DocType(doctype)
		for status, addresses in by_status.items():
			for chunk in create_batch(sorted(addresses), CHUNK):
				(
					frappe.qb.update(table)
					.set(table[FIELD], status)
					.where(table.email_id.isin(list(chunk)))
					.run()
				)


def set_marketing_consent(doc, method=None) -> None:
	"""Lead / Contact ``validate``: a new party, or a new primary address, shows that address's consent."""
	if not doc.meta.has_field(FIELD):
		return
	if doc.is_new() or doc.has_value_changed("email_id"):
		state = current_state(doc.email_id) if doc.email_id else None
		doc.set(FIELD, state.status if state else None)


def party_of(email: str) -> tuple[str | None, str | None]:
	"""The one Lead, else the one Contact, with this primary address (None when none or several)."""
	for doctype in SHOWN_ON:
		names = frappe.get_all(doctype, filters={"email_id": normalize_email(email)}, pluck="name", limit=2)
		if len(names) == 1:
			return doctype, names[0]
		if names:
			return None, None
	return None, None
