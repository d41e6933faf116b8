# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Double opt-in: a confirmation email with a signed link, and what following the link records.

A request records *Pending Confirmation* for each address that may be asked (never one already
granted, at most one request per address per period, never again to someone who refused or
withdrew unless they ask themselves) and sends each a confirmation email in its language. The
link carries the request, the address and the language, signed with the site's secret
(:mod:`campaign_plus.utils.signing`) and expiring. Following it records *Granted* (source
Double Opt-in) once: a database unique key on the confirmed request makes a second grant
impossible, so a second click, or two at once, change nothing.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce
from frappe.utils import create_batch, escape_html, get_url, now_datetime

from campaign_plus.consent import records
from campaign_plus.consent.settings import ConsentSettings, get_consent_settings
from campaign_plus.engine import consent
from campaign_plus.engine.consent import DOUBLE_OPT_IN, FORM, GRANTED, PENDING
from campaign_plus.engine.schedule import normalize_email
from campaign_plus.utils.language import in_language, known_language
from campaign_plus.utils.runtime import in_test
from campaign_plus.utils.signing import make_token, read_token

TOKEN_PURPOSE = "consent"
CONFIRM_METHOD = "/api/method/campaign_plus.consent.api.confirm"
BATCH = 200  # addresses per transaction in the background job
BACKGROUND_ABOVE = 100  # a segment with more addresses is asked in the background

CONFIRMED = "confirmed"
ALREADY_CONFIRMED = "already confirmed"
INVALID = "invalid"


@dataclass(frozen=True)
class Target:
	email: str | None
	party_type: str | None = None
	party: str | None = None
	language: str | None = None
	unsubscribed: bool = False  # the Lead / Contact is marked unsubscribed


@dataclass
class RequestResult:
	requested: int = 0
	skipped: dict[str, int] = field(default_factory=dict)
	queued: bool = False
	records: list[str] = field(default_factory=list)  # the Pending Confirmation records made


@dataclass(frozen=True)
class Confirmation:
	outcome: str
	email: str | None = None
	language: str | None = None


# --- who is asked -------------------------------------------------------------------------------


def party_targets(doctype: str, name: str) -> list[Target]:
	"""The Lead's / Contact's primary address, in its language (a Lead's own, a Contact's
	customer's; else the site's)."""
	if doctype == "Lead":
		row = frappe.db.get_value("Lead", name, ["email_id", "language", "unsubscribed"], as_dict=True)
		return [Target(row.email_id, "Lead", name, row.language, bool(row.unsubscribed))] if row else []
	if doctype == "Contact":
		email, unsubscribed = frappe.db.get_value("Contact", name, ["email_id", "unsubscribed"])
		link = DocType("Dynamic Link")
		customer = DocType("Customer")
		languages = (
			frappe.qb.from_(link)
			.join(customer)
			.on(customer.name == link.link_name)
			.select(customer.language)
			.where(link.parenttype == "Contact")
			.where(link.parent == name)
			.where(link.link_doctype == "Customer")
			.where(customer.language.isnotnull())
			.limit(1)
			.run(pluck=True)
		)
		return [Target(email, "Contact", name, languages[0] if languages else None, bool(unsubscribed))]
	return []


def segment_targets(segment: str) -> list[Target]:
	"""Every member of the segment with its address and language (one query)."""
	member = DocType("Campaign Segment Member")
	lead = DocType("Lead")
	contact = DocType("Contact")
	customer = DocType("Customer")
	rows = (
		frappe.qb.from_(member)
		.left_join(lead)
		.on((member.party_type == "Lead") & (lead.name == member.party))
		.left_join(contact)
		.on((member.party_type == "Contact") & (contact.name == member.party))
		.left_join(customer)
		.on(customer.name == member.customer)
		.select(
			member.party_type,
			member.party,
			member.email,
			Coalesce(lead.language, customer.language).as_("language"),
			Coalesce(lead.unsubscribed, contact.unsubscribed, 0).as_("unsubscribed"),
		)
		.where(member.segment == segment)
		.orderby(member.creation, member.name)
		.run(as_dict=True)
	)
	return [
		Target(row.email, row.party_type, row.party, row.language, bool(row.unsubscribed)) for row in rows
	]


def distinct_addresses(targets: list[Target]) -> int:
	return len({normalize_email(t.email) for t in targets if normalize_email(t.email)})


# --- requests -----------------------------------------------------------------------------------


def request(
	targets: list[Target],
	*,
	campaign: str | None = None,
	note: str | None = None,
	asked_by_the_person: bool = False,
	ip_address: str | None = None,
	progress: tuple[str, str] | None = None,
	consent_text: str | None = None,
) -> RequestResult:
	"""Ask ``targets`` to confirm, in batches (each committed in a background job)."""
	settings = get_consent_settings()
	by_email: dict[str, Target] = {}
	for target in targets:
		by_email.setdefault(normalize_email(target.email), target)
	send, skipped = consent.plan_requests(
		[t.email or "" for t in targets],
		records.history(by_email),
		now_datetime(),
		settings.request_interval,
		asked_by_the_person=asked_by_the_person,
		blocked=globally_unsubscribed(by_email) | unsubscribed_parties(targets, asked_by_the_person),
	)
	source = FORM if asked_by_the_person else DOUBLE_OPT_IN
	note = note or _("Confirmation requested by {0}.").format(frappe.session.user)
	made: list[str] = []
	for done, batch in enumerate(create_batch(send, BATCH), start=1):
		batch_targets = [by_email[email] for email in batch]
		names = records.insert(
			[
				records.NewRecord(
					normalize_email(t.email),
					PENDING,
					source,
					party_type=t.party_type,
					party=t.party,
					campaign=campaign,
					note=note,
					ip_address=ip_address,
					consent_text=consent_text,
				)
				for t in batch_targets
			]
		)
		made += names
		for name, target in zip(names, batch_targets, strict=True):
			send_confirmation(name, target, settings)
		if progress:
			if not in_test():
				frappe.db.commit()
			frappe.publish_progress(
				min(done * BATCH, len(send)) * 100 / max(len(send), 1),
				title=_("Asking for opt-in confirmation"),
				doctype=progress[0],
				docname=progress[1],
				description=_("{0} of {1} addresses").format(min(done * BATCH, len(send)), len(send)),
			)
	return RequestResult(requested=len(send), skipped=consent.count_reasons(skipped), records=made)


def unsubscribed_parties(targets: list[Target], asked_by_the_person: bool) -> set[str]:
	"""A marketer does not ask a Lead or Contact marked unsubscribed (the person may ask)."""
	if asked_by_the_person:
		return set()
	return {normalize_email(t.email) for t in targets if t.unsubscribed and t.email}


def globally_unsubscribed(emails) -> set[str]:
	"""Addresses unsubscribed from every email: Frappe would drop their confirmation email."""
	emails = [e for e in emails if e]
	if not emails:
		return set()
	unsubscribe = DocType("Email Unsubscribe")
	found = set()
	for chunk in create_batch(sorted(emails), records.CHUNK):
		found.update(
			frappe.qb.from_(unsubscribe)
			.select(unsubscribe.email)
			.where(unsubscribe.global_unsubscribe == 1)
			.where(unsubscribe.email.isin(list(chunk)))
			.run(pluck=True)
		)
	return {normalize_email(e) for e in found}


def request_for_segment(segment: str) -> RequestResult:
	"""Ask every member of a segment: at once when small, else on the long queue (one job per
	segment at a time)."""
	targets = segment_targets(segment)
	campaign = frappe.db.get_value("Campaign Segment", segment, "campaign")
	note = _("Confirmation requested by {0} for segment {1}.").format(frappe.session.user, segment)
	count = distinct_addresses(targets)
	if count <= BACKGROUND_ABOVE:
		return request(targets, campaign=campaign, note=note)
	frappe.enqueue(
		"campaign_plus.consent.double_opt_in.request_segment_job",
		queue="long",
		timeout=3600,
		job_id=f"campaign_plus:opt-in:{segment}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=in_test(),
		segment=segment,
		campaign=campaign,
		note=note,
	)
	return RequestResult(requested=count, queued=True)


def request_segment_job(segment: str, campaign: str | None, note: str) -> dict:
	result = request(
		segment_targets(segment), campaign=campaign, note=note, progress=("Campaign Segment", segment)
	)
	return {"requested": result.requested, "skipped": result.skipped}


# --- the email ----------------------------------------------------------------------------------


def confirmation_url(request_name: str, email: str, language: str, valid_days: int) -> str:
	token = make_token(TOKEN_PURPOSE, request_name, email, language, valid_for_seconds=valid_days * 86400)
	return get_url(f"{CONFIRM_METHOD}?{urlencode({'token': token})}")


def send_confirmation(request_name: str, target: Target, settings: ConsentSettings | None = None) -> None:
	"""Queue the confirmation email of one request, in the recipient's language."""
	settings = settings or get_consent_settings()
	email = normalize_email(target.email)
	with in_language(target.language) as language:
		url = confirmation_url(request_name, email, language, settings.link_valid_days)
		subject, message = confirmation_message(url, email, settings)
		frappe.sendmail(
			recipients=[email],
			sender=_sender(settings),
			subject=subject,
			message=message,
			reference_doctype=records.DOCTYPE,
			reference_name=request_name,
			add_unsubscribe_link=0,
			delayed=True,
		)


def confirmation_message(url: str, email: str, settings: ConsentSettings) -> tuple[str, str]:
	if settings.confirmation_template:
		template = frappe.get_cached_doc("Email Template", settings.confirmation_template)
		formatted = template.get_formatted_email(
			{"confirmation_url": url, "email": email, "valid_days": settings.link_valid_days}
		)
		return formatted["subject"], formatted["message"]
	subject = _("Please confirm your subscription")
	message = "".join(
		[
			f"<p>{_('Hello,')}</p>",
			"<p>{}</p>".format(
				_("Please confirm that you agree to receive our marketing emails at {0}.").format(
					f"<b>{escape_html(email)}</b>"
				)
			),
			f'<p><a href="{escape_html(url)}">{_("Confirm my subscription")}</a></p>',
			"<p>{}</p>".format(
				_(
					"This link is valid for {0} days. If you did not ask for this, ignore this message: "
					"nothing will be recorded and you will not receive our campaigns."
				).format(settings.link_valid_days)
			),
		]
	)
	return subject, message


def _sender(settings: ConsentSettings) -> str | None:
	if settings.email_account:
		return frappe.db.get_value("Email Account", settings.email_account, "email_id")
	account = EmailAccount.find_outgoing()
	return account.default_sender if account else None


# --- the link -----------------------------------------------------------------------------------


def has_permission_to_confirm(token: object) -> tuple[str, str, str] | None:
	"""A guest may confirm only with a good, unexpired link: the request, address and language it
	carries; None for anything else."""
	fields = read_token(TOKEN_PURPOSE, token)
	if not fields or len(fields) != 3 or not all(fields[:2]):
		return None
	return fields


def confirm(fields: tuple[str, str, str] | None, ip_address: str | None = None) -> Confirmation:
	"""Record the double opt-in of a verified link once; nothing for a bad one."""
	if not fields:
		return Confirmation(INVALID)
	request_name, email, language = fields
	language = known_language(language)
	pending = frappe.db.get_value(
		records.DOCTYPE,
		request_name,
		["email", "status", "purpose", "party_type", "party", "campaign", "consent_text"],
		as_dict=True,
	)
	if not pending or pending.status != PENDING or normalize_email(pending.email) != email:
		return Confirmation(INVALID, language=language)
	if frappe.db.exists(records.DOCTYPE, {"request": request_name}):
		return Confirmation(ALREADY_CONFIRMED, email, language)
	doc = frappe.get_doc(
		{
			"doctype": records.DOCTYPE,
			"email": email,
			"status": GRANTED,
			"source": DOUBLE_OPT_IN,
			"purpose": pending.purpose,
			"party_type": pending.party_type,
			"party": pending.party,
			"campaign": pending.campaign,
			"request": request_name,
			"ip_address": ip_address,
			"consent_text": pending.consent_text,
			"note": _("Confirmed by following the link of the confirmation email."),
		}
	)
	try:
		doc.insert(ignore_permissions=True)
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):  # a second click, at once
		return Confirmation(ALREADY_CONFIRMED, email, language)
	return Confirmation(CONFIRMED, email, language)
