# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Unsubscribe the people a complaint or an email service's unsubscribe names from all campaign
email — what :func:`campaign_plus.consent.unsubscribe.unsubscribe` does for one address (Frappe's
global unsubscribe, a *Withdrawn* consent record with its source, their unsent rows skipped),
for a whole batch at once (:func:`~campaign_plus.consent.unsubscribe.unsubscribe_many`)."""

from dataclasses import dataclass

from campaign_plus.consent.unsubscribe import unsubscribe_many


@dataclass(frozen=True)
class Person:
	email: str
	party_type: str | None = None
	party: str | None = None
	campaign: str | None = None


def unsubscribe_all(people: list[Person], source: str, note: str | None = None) -> list[str]:
	"""Unsubscribe each address (once) from all marketing email; the addresses newly unsubscribed."""
	return unsubscribe_many([(p.email, p.party_type, p.party) for p in people], source=source, note=note)
