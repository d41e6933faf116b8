# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What the unsubscribe links of a campaign email do, for the Send Log row their token names.

- One-click (a mail client's POST, RFC 8058): unsubscribe from that campaign and withdraw
  marketing consent (source *One-Click Unsubscribe*).
- The page (only a person's POST acts): *this campaign*, *all our marketing emails* (source
  *Unsubscribe Page*), then *I changed my mind* (a new *Granted* record by the person).
- An email to the ``mailto:`` of ``List-Unsubscribe`` (source *Unsubscribe Email*).

Each action locks its Send Log row, so that repeated or simultaneous requests (providers retry)
record once. A bad, altered or expired token finds no row and writes nothing.
"""

from dataclasses import dataclass

import frappe

from campaign_plus.consent import unsubscribe as service
from campaign_plus.engine.consent import ONE_CLICK, UNSUBSCRIBE_EMAIL, UNSUBSCRIBE_PAGE
from campaign_plus.utils import unsubscribe_links
from campaign_plus.utils.footer import sender_identity
from campaign_plus.utils.language import recipient_language

LEDGER = "Campaign Send Log"
CAMPAIGN, ALL = "campaign", "all"
CHOICES = (CAMPAIGN, ALL)
# What the page shows after an action (and what "I changed my mind" undoes).
UNSUBSCRIBED_CAMPAIGN, UNSUBSCRIBED_ALL, RESUBSCRIBED = "unsubscribed", "unsubscribed-all", "resubscribed"


@dataclass(frozen=True)
class Recipient:
	row: str
	campaign: str
	campaign_title: str
	email: str
	party_type: str | None
	party: str | None
	language: str
	sender: str  # the company's name


def recipient(token: object, *, lock: bool = False) -> Recipient | None:
	"""Whom a token names (the row locked with ``lock``), or None for a bad or expired token."""
	name = unsubscribe_links.read_token(token)
	if not name:
		return None
	log = frappe.qb.DocType(LEDGER)
	query = (
		frappe.qb.from_(log)
		.select(log.name, log.campaign, log.email, log.party_type, log.party)
		.where(log.name == name)
	)
	rows = (query.for_update() if lock else query).run(as_dict=True)
	if not rows or not rows[0].email:
		return None
	row = rows[0]
	title = frappe.db.get_value("Campaign", row.campaign, "campaign_name") or row.campaign
	return Recipient(
		row.name,
		row.campaign,
		title,
		row.email,
		row.party_type,
		row.party,
		recipient_language(row.party_type, row.party),
		sender_identity(row.campaign).name,
	)


def one_click(token: object) -> Recipient | None:
	"""A one-click POST: unsubscribed from the row's campaign (None: bad token, nothing written)."""
	person = recipient(token, lock=True)
	if person:
		service.unsubscribe(
			person.email,
			campaign=person.campaign,
			source=ONE_CLICK,
			party_type=person.party_type,
			party=person.party,
		)
	return person


def by_email(token: object) -> Recipient | None:
	"""An email to the List-Unsubscribe ``mailto:`` address, carrying the token in its subject."""
	person = recipient(token, lock=True)
	if person:
		service.unsubscribe(
			person.email,
			campaign=person.campaign,
			source=UNSUBSCRIBE_EMAIL,
			party_type=person.party_type,
			party=person.party,
		)
	return person


def choose(token: object, choice: str) -> tuple[Recipient | None, str | None]:
	"""A person's choice on the page: (whom, what the page says now) — (None, None) for a bad token."""
	person = recipient(token, lock=True)
	if not person or choice not in (*CHOICES, RESUBSCRIBED):
		return person, None
	kwargs = {"party_type": person.party_type, "party": person.party}
	if choice == CAMPAIGN:
		service.unsubscribe(person.email, campaign=person.campaign, source=UNSUBSCRIBE_PAGE, **kwargs)
		return person, UNSUBSCRIBED_CAMPAIGN
	if choice == ALL:
		service.unsubscribe(person.email, source=UNSUBSCRIBE_PAGE, **kwargs)
		return person, UNSUBSCRIBED_ALL
	# changed their mind: what this page can unsubscribe from is lifted, one Granted record
	service.resubscribe(person.email, campaign=person.campaign, source=UNSUBSCRIBE_PAGE, **kwargs)
	return person, RESUBSCRIBED


def state(person: Recipient) -> str | None:
	"""What the page shows on a GET: the person's current unsubscribe, if any."""
	if service.is_unsubscribed(person.email):
		return UNSUBSCRIBED_ALL
	if service.is_unsubscribed(person.email, person.campaign):
		return UNSUBSCRIBED_CAMPAIGN
	return None
