# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Unsubscribe addresses from all campaign email, in sets, with the consent record that says why.

A spam complaint, or an unsubscribe an email service reports, takes the address out of every
campaign email: Frappe's own global unsubscribe (an *Email Unsubscribe* record, which Frappe and
the planner already honour), and a *Withdrawn* consent record with its source (*Spam Complaint*,
*Unsubscribed*). One query per step for a whole batch.
"""

from dataclasses import dataclass

import frappe
from frappe.utils import create_batch, now_datetime

from campaign_plus.consent import records as consent_records
from campaign_plus.engine import consent
from campaign_plus.engine.schedule import is_valid_email, normalize_email
from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names

CHUNK = 5000


@dataclass(frozen=True)
class Person:
	email: str
	party_type: str | None = None
	party: str | None = None
	campaign: str | None = None


def _needs_record(state, source: str) -> bool:
	if source == consent.SPAM_COMPLAINT:  # a complaint leaves its own trace, once
		return (
			state is None
			or state.status not in (consent.REFUSED, consent.WITHDRAWN)
			or state.source != source
		)
	return consent.needs_withdrawal(state)


def unsubscribe_all(people: list[Person], source: str, note: str | None = None) -> list[str]:
	"""Withdraw consent (``source``) and unsubscribe globally; the addresses newly unsubscribed."""
	by_email: dict[str, Person] = {}
	for person in people:
		email = normalize_email(person.email)
		if is_valid_email(email):
			by_email.setdefault(email, person)
	if not by_email:
		return []
	states = consent_records.current_states(by_email)
	consent_records.insert(
		[
			consent_records.NewRecord(
				email,
				consent.WITHDRAWN,
				source,
				party_type=person.party_type if person.party_type in consent_records.PARTY_TYPES else None,
				party=person.party if person.party_type in consent_records.PARTY_TYPES else None,
				campaign=person.campaign,
				note=note,
			)
			for email, person in by_email.items()
			if _needs_record(states.get(email), source)
		]
	)
	already: set[str] = set()
	for chunk in create_batch(sorted(by_email), CHUNK):
		already.update(
			normalize_email(email)
			for email in frappe.db.sql(
				"""SELECT `email` FROM `tabEmail Unsubscribe`
				WHERE `global_unsubscribe` = 1 AND `email` IN %(emails)s""",
				{"emails": tuple(chunk)},
				pluck=True,
			)
		)
	new = [email for email in by_email if email not in already]
	now, user = now_datetime(), frappe.session.user
	insert_many(
		"Email Unsubscribe",
		(*STANDARD_COLUMNS, "email", "global_unsubscribe"),
		[
			(name, now, now, user, user, 0, email, 1)
			for name, email in zip(ordered_names(len(new)), new, strict=True)
		],
	)
	return new
