# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Unsubscribing withdraws marketing consent.

Frappe's and ERPNext's unsubscribe paths are left as they are; these document events only add a
*Withdrawn* record (source Unsubscribe) to the address's consent history: an Email Unsubscribe
(global, or from a campaign, an Email Campaign, an Email Group or a newsletter), a Lead or
Contact marked unsubscribed, an Email Group member unsubscribed. An address that already refused
or withdrew gets no second record.

:func:`unsubscribe` is the one function that unsubscribes an address — from one campaign or
from all marketing email — for every capability that acts on a person's (or a provider's)
request: the one-click POST, the unsubscribe page, an unsubscribe email, a spam complaint. It
records the Email Unsubscribe (which the planner honours), the *Withdrawn* consent record with
its source, and skips the address's unsent rows at once. :func:`resubscribe` is a person's change
of mind: a new *Granted* record, never a silent undo.
"""

from dataclasses import dataclass

import frappe
from frappe import _

from campaign_plus.consent import records
from campaign_plus.engine import consent
from campaign_plus.engine.consent import GRANTED, UNSUBSCRIBE, UNSUBSCRIBE_PAGE, WITHDRAWN
from campaign_plus.engine.schedule import normalize_email

EMAIL_UNSUBSCRIBE = "Email Unsubscribe"

# Unsubscribing from one of these is an objection to marketing email.
MARKETING_REFERENCES = ("Campaign", "Email Campaign", "Email Group", "Newsletter")


def withdraw(
	email: str,
	*,
	party_type: str | None = None,
	party: str | None = None,
	campaign: str | None = None,
	note: str | None = None,
	source: str = UNSUBSCRIBE,
) -> str | None:
	"""Record that ``email`` withdrew its consent (unless it already refused or withdrew)."""
	email = normalize_email(email)
	if not email or not consent.needs_withdrawal(records.current_state(email)):
		return None
	if party_type not in records.PARTY_TYPES:
		party_type = party = None
	record = records.NewRecord(
		email,
		WITHDRAWN,
		source,
		party_type=party_type,
		party=party,
		campaign=campaign,
		note=note,
		ip_address=getattr(frappe.local, "request_ip", None),
	)
	return records.insert([record])[0]


@dataclass(frozen=True)
class Unsubscribed:
	email: str
	campaign: str | None  # None: from all marketing email
	email_unsubscribe: str | None  # the Email Unsubscribe made (None: the address was already)
	consent: str | None  # the Withdrawn record (None: it had refused or withdrawn already)
	skipped: int  # unsent rows of the Send Log skipped

	@property
	def changed(self) -> bool:
		return bool(self.email_unsubscribe or self.consent or self.skipped)


def _unsubscribe_filters(email: str, campaign: str | None) -> list:
	if campaign:
		return [
			["email", "=", email],
			["reference_doctype", "=", "Campaign"],
			["reference_name", "=", campaign],
			["global_unsubscribe", "=", 0],
		]
	return [["email", "=", email], ["global_unsubscribe", "=", 1]]


def is_unsubscribed(email: str, campaign: str | None = None) -> bool:
	"""Unsubscribed from all marketing email — or, with ``campaign``, from it or from all."""
	email = normalize_email(email)
	if frappe.db.exists(EMAIL_UNSUBSCRIBE, _unsubscribe_filters(email, None)):
		return True
	return bool(campaign and frappe.db.exists(EMAIL_UNSUBSCRIBE, _unsubscribe_filters(email, campaign)))


def unsubscribe(
	email: str,
	*,
	campaign: str | None = None,
	source: str = UNSUBSCRIBE,
	party_type: str | None = None,
	party: str | None = None,
	note: str | None = None,
) -> Unsubscribed:
	"""Unsubscribe ``email`` from ``campaign`` (None: from all marketing email), at once.

	Idempotent: an address already unsubscribed gets no second Email Unsubscribe, one that
	withdrew no second record. Its unsent Send Log rows (of that campaign, or of every campaign)
	are Skipped (Unsubscribed)."""
	from campaign_plus.sending import ledger

	email = normalize_email(email)
	made = None
	if not is_unsubscribed(email, campaign):
		doc = frappe.get_doc(
			{
				"doctype": EMAIL_UNSUBSCRIBE,
				"email": email,
				"global_unsubscribe": 0 if campaign else 1,
				"reference_doctype": "Campaign" if campaign else None,
				"reference_name": campaign,
			}
		)
		doc.flags.campaign_plus_withdrawn = True  # its consent record is written below, with its source
		doc.insert(ignore_permissions=True)
		made = doc.name
	if note is None:
		note = (
			_("Unsubscribed from Campaign {0}.").format(campaign)
			if campaign
			else _("Unsubscribed from all marketing emails.")
		)
	if not party_type:
		party_type, party = records.party_of(email)
	record = withdraw(email, party_type=party_type, party=party, campaign=campaign, note=note, source=source)
	skipped = ledger.skip_unsent(email, campaign)
	return Unsubscribed(email, campaign, made, record, skipped)


def unsubscribe_many(people: list[tuple], *, source: str = UNSUBSCRIBE, note: str | None = None) -> list[str]:
	""":func:`unsubscribe` from all marketing email for many addresses at once — the same records,
	a few statements for the whole batch (an email service's webhook reports hundreds of events
	a request). ``people``: (email, party_type, party) each. The addresses newly unsubscribed.

	The Email Unsubscribe rows are written in one statement (their ``after_insert`` hooks do not
	run: the consent records they would write are written here, with their source)."""
	from frappe.utils import create_batch, now_datetime

	from campaign_plus.engine.schedule import DEFERRED, PLANNED, SKIPPED, UNSUBSCRIBED, is_valid_email
	from campaign_plus.sending import ledger
	from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names

	by_email: dict[str, tuple] = {}
	for email, party_type, party in people:
		email = normalize_email(email)
		if is_valid_email(email):
			by_email.setdefault(email, (party_type, party))
	if not by_email:
		return []
	emails = sorted(by_email)
	already: set[str] = set()
	for chunk in create_batch(emails, 5000):
		already.update(
			normalize_email(e)
			for e in frappe.db.sql(
				"SELECT `email` FROM `tabEmail Unsubscribe` WHERE `global_unsubscribe` = 1 AND `email` IN %s",
				(tuple(chunk),),
				pluck=True,
			)
		)
	new = [email for email in emails if email not in already]
	now, user = now_datetime(), frappe.session.user
	insert_many(
		EMAIL_UNSUBSCRIBE,
		(*STANDARD_COLUMNS, "email", "global_unsubscribe"),
		[
			(name, now, now, user, user, 0, email, 1)
			for name, email in zip(ordered_names(len(new)), new, strict=True)
		],
	)
	states = records.current_states(emails)
	note = note or _("Unsubscribed from all marketing emails.")
	withdrawals = []
	for email in emails:
		if consent.needs_withdrawal(states.get(email)):
			party_type, party = by_email[email]
			party_type = party_type if party_type in records.PARTY_TYPES else None
			withdrawals.append(records.NewRecord(email, WITHDRAWN, source, party_type=party_type,
				party=party if party_type else None, note=note))  # fmt: skip
	records.insert(withdrawals)
	unsent = []
	for chunk in create_batch(emails, 5000):
		unsent += frappe.db.sql(
			"SELECT `name` FROM `tabCampaign Send Log` WHERE `email` IN %s AND `status` IN %s",
			(tuple(chunk), (PLANNED, DEFERRED)),
			pluck=True,
		)
	if unsent:
		ledger.set_status(unsent, SKIPPED, reason=UNSUBSCRIBED)
	return new


def resubscribe(
	email: str,
	*,
	campaign: str | None = None,
	source: str = UNSUBSCRIBE_PAGE,
	party_type: str | None = None,
	party: str | None = None,
	note: str | None = None,
) -> str | None:
	"""A person changed their mind: their unsubscribe from all marketing email and, with
	``campaign``, from that campaign is lifted, and a new *Granted* record says they asked for it
	(None: nothing to lift and consent already granted)."""
	email = normalize_email(email)
	names = frappe.get_all(EMAIL_UNSUBSCRIBE, filters=_unsubscribe_filters(email, None), pluck="name")
	if campaign:
		names += frappe.get_all(
			EMAIL_UNSUBSCRIBE, filters=_unsubscribe_filters(email, campaign), pluck="name"
		)
	for name in names:
		frappe.delete_doc(EMAIL_UNSUBSCRIBE, name, ignore_permissions=True, force=True)
	state = records.current_state(email)
	if not names and state and state.status == GRANTED:
		return None
	if not party_type:
		party_type, party = records.party_of(email)
	if party_type not in records.PARTY_TYPES:
		party_type = party = None
	record = records.NewRecord(
		email,
		GRANTED,
		source,
		party_type=party_type,
		party=party,
		campaign=campaign,
		note=note or _("Changed their mind on the unsubscribe page."),
		ip_address=getattr(frappe.local, "request_ip", None),
	)
	return records.insert([record])[0]


def on_email_unsubscribe(doc, method=None) -> None:
	"""Email Unsubscribe ``after_insert``."""
	if doc.flags.campaign_plus_withdrawn:
		return
	if not (doc.global_unsubscribe or doc.reference_doctype in MARKETING_REFERENCES):
		return
	campaign = None
	if doc.reference_doctype == "Campaign":
		campaign = doc.reference_name
	elif doc.reference_doctype == "Email Campaign":
		campaign = frappe.db.get_value("Email Campaign", doc.reference_name, "campaign_name")
	if doc.global_unsubscribe:
		note = _("Unsubscribed from all emails.")
	else:
		note = _("Unsubscribed from {0} {1}.").format(_(doc.reference_doctype), doc.reference_name)
	party_type, party = records.party_of(doc.email)
	withdraw(doc.email, party_type=party_type, party=party, campaign=campaign, note=note)


def on_party_update(doc, method=None) -> None:
	"""Lead / Contact ``on_update``: marked unsubscribed."""
	if doc.get("unsubscribed") and doc.has_value_changed("unsubscribed") and doc.get("email_id"):
		withdraw(
			doc.email_id,
			party_type=doc.doctype,
			party=doc.name,
			note=_("{0} marked as unsubscribed.").format(_(doc.doctype)),
		)


def on_group_member_update(doc, method=None) -> None:
	"""Email Group Member ``on_update``: unsubscribed from its group."""
	if doc.get("unsubscribed") and doc.has_value_changed("unsubscribed") and doc.get("email"):
		party_type, party = records.party_of(doc.email)
		withdraw(
			doc.email,
			party_type=party_type,
			party=party,
			note=_("Unsubscribed from Email Group {0}.").format(doc.email_group),
		)
