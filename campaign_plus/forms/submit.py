# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A form submission: spam checks, field checks, then — in one transaction, under a lock on the
address — the Lead (or Contact) created or updated, the campaign and UTM values, the consent with
the text shown (double opt-in when the form asks it), the segment and a Campaign Form Submission;
then the person's lead score, once.

Refused submissions write nothing. Two submissions of one address at the same moment are served
one after the other (a database lock named after the address, held until the transaction ends,
and a locking read), so an address never gets two Leads.
"""

import hashlib
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import frappe
from frappe import _, _lt
from frappe.utils import now_datetime

from campaign_plus.attribution import campaigns
from campaign_plus.consent import double_opt_in, records
from campaign_plus.engine import forms, utm
from campaign_plus.engine.consent import FORM, GRANTED
from campaign_plus.forms import definition
from campaign_plus.forms.page import CONSENT, HONEYPOT, PAGE
from campaign_plus.utils.language import known_language
from campaign_plus.utils.scores import deferred_refresh
from campaign_plus.utils.users import as_user

SUBMISSION = "Campaign Form Submission"
LOCK_SECONDS = 20

# What the visitor is told when a submission is refused before its fields are read.
SPAM_MESSAGES = {
	forms.TOO_FAST: _lt("That was quick! Please check the form, then send it again."),
	forms.EXPIRED: _lt("This form has expired. Please reload the page and try again."),
}


@dataclass
class Outcome:
	ok: bool
	message: str | None = None
	redirect: str | None = None
	errors: dict[str, str] = field(default_factory=dict)
	refused: str | None = None  # why, for spam (logged, not told in detail)
	submission: str | None = None
	party: tuple[str, str] | None = None
	created: bool = False

	def answer(self) -> dict:
		answer = {"ok": self.ok, "message": self.message}
		if self.redirect:
			answer["redirect"] = self.redirect
		if self.errors:
			answer["errors"] = self.errors
		return answer


def refused(reason: str) -> Outcome:
	message = (
		str(SPAM_MESSAGES[reason])
		if reason in SPAM_MESSAGES
		else _("Your submission could not be accepted. Please reload the page and try again.")
	)
	return Outcome(False, message, refused=reason)


def submit(
	form_name: str, token_fields: tuple[str, ...] | None, values: Mapping, ip_address: str | None
) -> Outcome:
	form = definition.load_by_name(form_name)
	if not form or not form.enabled:
		return refused(forms.BAD_TOKEN)
	reason = forms.spam_reason(
		token_fields, form.name, time.time(), form.min_fill_seconds, values.get(HONEYPOT)
	)
	if not reason and token_fields[2] and not forms.embedding_allowed(form.sources, token_fields[2]):
		reason = forms.NOT_EMBEDDABLE
	if reason:
		return refused(reason)
	_form, _shown, origin, language = token_fields
	frappe.local.lang = known_language(language) or frappe.local.lang

	cleaned = forms.clean_submission(form.fields, values)
	consent_ticked = form.consent_mode != forms.CONSENT_OFF and forms.is_checked(values.get(CONSENT))
	errors = list(cleaned.errors)
	consent_problem = forms.consent_error(form.consent_mode, consent_ticked)
	if consent_problem:
		errors.append(consent_problem)
	errors += _link_errors(form, cleaned.values)
	if errors:
		return Outcome(
			False,
			_("Please correct the fields below."),
			errors={e.fieldname: _(e.message).format(*e.args) for e in errors},
		)

	page = utm.clean_value(values.get(PAGE), 1000)
	utm_values = utm.page_utm(values=values)
	campaign = campaigns.credited_campaign(form.campaign, utm_values)
	email = cleaned.values[forms.EMAIL_FIELD]
	# The Lead, its consent, its segment, then its score (once, at the end of the block: a threshold
	# it crosses acts for the campaign it has just joined).
	with address_lock(email), deferred_refresh():
		with as_user("Administrator"):  # ERPNext's own Lead / Contact hooks save linked documents
			party_type, party, created = save_party(form, cleaned.values, campaign, utm_values)
		consent_record, consent_status = record_consent(  # recorded by the visitor
			form, email, party_type, party, campaign, consent_ticked, ip_address, language
		)
		if form.segment:
			with as_user("Administrator"):  # a segment step, as the event rules' Add to Segment
				join_segment(form.segment, party_type, party)
		submission = frappe.get_doc(
			{
				"doctype": SUBMISSION,
				"form": form.name,
				"campaign": campaign,
				"segment": form.segment,
				"submitted_on": now_datetime(),
				"email": email,
				"party_type": party_type,
				"party": party,
				"new_party": 1 if created else 0,
				"consent": consent_record,
				"consent_status": consent_status,
				**{key: utm_values.get(key) for key in utm.ALL_KEYS},
				"page_url": page,
				"embedded_on": origin or None,
				"ip_address": ip_address,
			}
		).insert(ignore_permissions=True)
	return Outcome(
		True,
		_(form.thank_you_message)
		if form.thank_you_message
		else _("Thank you! We have received your details."),
		redirect=form.thank_you_url or None,
		submission=submission.name,
		party=(party_type, party),
		created=created,
	)


def _link_errors(form: definition.LoadedForm, values: Mapping) -> list[forms.FieldError]:
	errors = []
	for form_field in form.fields:
		value = values.get(form_field.fieldname)
		if form_field.kind == "Link" and value and not frappe.db.exists(form_field.link_doctype, value):
			errors.append(forms.FieldError(form_field.fieldname, "Choose one of the options."))
	return errors


@contextmanager
def address_lock(email: str) -> Iterator[None]:
	"""Serialise submissions of one address until the transaction ends (commit or rollback)."""
	name = "cp_form_" + hashlib.sha1(email.encode()).hexdigest()
	got = frappe.db.sql("SELECT GET_LOCK(%s, %s)", (name, LOCK_SECONDS))[0][0]
	if not got:
		frappe.throw(_("The form is busy. Please try again in a moment."), title=_("Campaign Form"))

	def release():
		frappe.db.sql("SELECT RELEASE_LOCK(%s)", (name,))

	frappe.db.after_commit.add(release)
	frappe.db.after_rollback.add(release)
	yield


def find_party(document_type: str, email: str) -> str | None:
	"""The oldest Lead / Contact with this primary address — a locking read, so a submission that
	waited for the lock sees what the one before it committed."""
	rows = frappe.db.sql(
		f"""SELECT `name` FROM `tab{document_type}` WHERE `email_id` = %(email)s
		ORDER BY `creation` ASC, `name` ASC LIMIT 1 FOR UPDATE""",
		{"email": email},
	)
	return rows[0][0] if rows else None


def save_party(
	form: definition.LoadedForm, values: Mapping, campaign: str | None, utm_values: dict
) -> tuple[str, str, bool]:
	"""Create the Lead / Contact, or update the one with that address: (doctype, name, created)."""
	doctype = form.document_type
	email = values[forms.EMAIL_FIELD]
	name = find_party(doctype, email)
	if name:
		doc = frappe.get_doc(doctype, name)
		changes = forms.updates_for(doc.as_dict(), values)
		doc.update(changes)
		before = doc.as_dict()
		campaigns.apply_to_party(doc, campaign, utm_values)
		if changes or doc.as_dict() != before:
			doc.flags.ignore_permissions = True
			doc.save()
		return doctype, doc.name, False
	doc = frappe.new_doc(doctype)
	if doctype == "Lead" and doc.meta.has_field("lead_owner"):
		doc.lead_owner = None  # not the user who happens to run the request
	doc.update({k: v for k, v in values.items() if k != forms.EMAIL_FIELD})
	if doctype == "Contact":
		if not doc.get("first_name"):
			doc.first_name = email.split("@")[0]
		doc.append("email_ids", {"email_id": email, "is_primary": 1})
	doc.email_id = email
	campaigns.apply_to_party(doc, campaign, utm_values)
	doc.flags.ignore_permissions = True
	doc.insert()
	return doctype, doc.name, True


def record_consent(
	form: definition.LoadedForm,
	email: str,
	party_type: str,
	party: str,
	campaign: str | None,
	ticked: bool,
	ip_address: str | None,
	language: str | None,
) -> tuple[str | None, str | None]:
	"""The consent the ticked box gives, with the text shown: (record, status now)."""
	if not ticked:
		state = records.current_state(email)
		return None, state.status if state else None
	text = definition.consent_text_shown(form)
	note = _("Given on the campaign form {0}.").format(form.title)
	if form.double_opt_in:
		result = double_opt_in.request(
			[double_opt_in.Target(email, party_type, party, language)],
			campaign=campaign,
			note=note,
			asked_by_the_person=True,
			ip_address=ip_address,
			consent_text=text,
		)
		state = records.current_state(email)
		return (result.records[0] if result.records else None), state.status if state else None
	[name] = records.insert(
		[
			records.NewRecord(
				email,
				GRANTED,
				FORM,
				party_type=party_type,
				party=party,
				campaign=campaign,
				note=note,
				ip_address=ip_address,
				consent_text=text,
			)
		]
	)
	return name, GRANTED


def join_segment(segment: str, party_type: str, party: str) -> None:
	"""The segment's step that adds this one party (an excluded or unsubscribed one is not added)."""
	from campaign_plus.engine.segments import ADD
	from campaign_plus.segments.actions import apply_criteria

	if frappe.db.exists(
		"Campaign Segment Member", {"segment": segment, "party_type": party_type, "party": party}
	):
		return
	apply_criteria(segment, ADD, party_type, [["name", "=", party]])
