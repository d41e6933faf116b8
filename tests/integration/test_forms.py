# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign forms against a real site: the submission service (rolled back after each test).
Over HTTP (embedding, rate limit, the served page): test_forms_http.py."""

import time

import frappe
import pytest
from frappe.utils import add_days, today

from campaign_plus.consent import double_opt_in
from campaign_plus.engine import forms
from campaign_plus.forms import submit as submission
from campaign_plus.forms.page import TOKEN_PURPOSE
from campaign_plus.links import campaign_link_value, get_campaign_link
from campaign_plus.sending import planner
from campaign_plus.utils.signing import make_token, read_token
from tests.integration.helpers import make_campaign, make_template, use_outgoing_account

CONSENT_TEXT = "I agree to receive the Spring newsletter."


def make_form(**values):
	campaign = values.pop("campaign", None)
	segment = values.pop("segment", None)
	doc = frappe.get_doc(
		{
			"doctype": "Campaign Form",
			"form_title": f"_Test CP form {frappe.generate_hash(length=6)}",
			"campaign": campaign,
			"segment": segment,
			"consent_checkbox": "Required",
			"consent_text": CONSENT_TEXT,
			"double_opt_in": 1,
			"min_fill_seconds": 3,
			"allowed_domains": "https://partner.example.com\nhttp://127.0.0.1:8123",
			"form_fields": [
				{"fieldname": "email_id", "required": 1},
				{"fieldname": "first_name", "required": 1},
				{"fieldname": "company_name"},
				{"fieldname": "mobile_no"},
			],
			**values,
		}
	)
	return doc.insert()


@pytest.fixture
def setup():
	use_outgoing_account()
	template = make_template()
	campaign = make_campaign(
		cp_start_date=add_days(today(), -1),
		cp_end_date=add_days(today(), 30),
		campaign_schedules=[{"email_template": template.name, "send_after_days": 0}],
	)
	segment = frappe.get_doc(
		{
			"doctype": "Campaign Segment",
			"segment_name": f"_Test CP {campaign.name}",
			"campaign": campaign.name,
		}
	).insert()
	form = make_form(campaign=campaign.name, segment=segment.name)
	return frappe._dict(campaign=campaign.name, segment=segment.name, form=form)


def token(form: str, seconds_ago: int = 10, origin: str = "", lang: str = "en"):
	return read_token(
		TOKEN_PURPOSE,
		make_token(
			TOKEN_PURPOSE,
			form,
			str(int((time.time() - seconds_ago) * 1000)),
			origin,
			lang,
			valid_for_seconds=86400,
		),
	)


def values(email: str, **extra) -> dict:
	return {
		"email_id": email,
		"first_name": "Ann",
		"company_name": "",
		"cp_consent": "1",
		"utm_source": "partner-news",
		"utm_medium": "banner",
		"utm_content": "top",
		"cp_page": "https://partner.example.com/spring?utm_source=partner-news",
		**extra,
	}


def counts(email: str) -> tuple[int, int, int]:
	return (
		frappe.db.count("Lead", {"email_id": email}),
		frappe.db.count("Campaign Form Submission", {"email": email}),
		frappe.db.count("Campaign Consent", {"email": email}),
	)


def email() -> str:
	return f"form-{frappe.generate_hash(length=8)}@example.com"


def test_a_submission_makes_one_lead_with_campaign_utm_pending_consent_and_segment(setup):
	address = email()
	outcome = submission.submit(setup.form.name, token(setup.form.name), values(address), "10.1.2.3")
	assert outcome.ok, outcome.errors
	assert outcome.created and outcome.party[0] == "Lead"
	lead = frappe.get_doc("Lead", outcome.party[1])
	link = get_campaign_link("Lead")
	assert lead.get(link.fieldname) == campaign_link_value(link, setup.campaign)
	assert lead.first_name == "Ann"
	if lead.meta.has_field("utm_medium"):  # ERPNext 16 keeps them on the Lead itself
		assert (lead.utm_source, lead.utm_medium, lead.utm_content) == ("partner-news", "banner", "top")
	row = frappe.get_doc("Campaign Form Submission", outcome.submission)
	assert (row.campaign, row.utm_source, row.utm_medium, row.utm_content, row.new_party) == (
		setup.campaign,
		"partner-news",
		"banner",
		"top",
		1,
	)
	assert row.ip_address == "10.1.2.3" and row.consent_status == "Pending Confirmation"
	[pending] = frappe.get_all(
		"Campaign Consent",
		filters={"email": address},
		fields=["name", "status", "source", "consent_text", "party", "campaign", "ip_address"],
	)
	assert (pending.status, pending.source, pending.consent_text, pending.party, pending.campaign) == (
		"Pending Confirmation",
		"Form",
		CONSENT_TEXT,
		lead.name,
		setup.campaign,
	)
	assert row.consent == pending.name
	assert frappe.db.exists(
		"Email Queue", {"reference_doctype": "Campaign Consent", "reference_name": pending.name}
	)
	assert frappe.db.exists(
		"Campaign Segment Member", {"segment": setup.segment, "party_type": "Lead", "party": lead.name}
	)
	assert lead.cp_marketing_consent == "Pending Confirmation"

	# the confirmation link grants it (with the same text); then the first step is planned
	confirmed = double_opt_in.confirm((pending.name, address, "en"), "10.1.2.3")
	assert confirmed.outcome == double_opt_in.CONFIRMED
	granted = frappe.get_all(
		"Campaign Consent", filters={"email": address, "status": "Granted"}, fields=["source", "consent_text"]
	)
	assert [(g.source, g.consent_text) for g in granted] == [("Double Opt-in", CONSENT_TEXT)]
	result = planner.plan_campaign(setup.campaign, enqueue=False)
	assert result.planned == 1
	assert frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": setup.campaign, "party": lead.name},
		fields=["step_idx", "status"],
	) == [{"step_idx": 1, "status": "Planned"}]


def test_the_same_address_again_updates_never_duplicates(setup):
	address = email()
	first = submission.submit(setup.form.name, token(setup.form.name), values(address), None)
	second = submission.submit(
		setup.form.name,
		token(setup.form.name),
		values(address.upper(), first_name="Annie", company_name="ACME", utm_source="other"),
		None,
	)
	assert second.ok and not second.created and second.party == first.party
	assert counts(address)[:2] == (1, 2)
	lead = frappe.get_doc("Lead", first.party[1])
	assert (lead.first_name, lead.company_name) == ("Annie", "ACME")
	if lead.meta.has_field("utm_source"):
		assert lead.utm_source == "partner-news"  # first touch stays
	# the confirmation was asked once (at most once a day per address)
	assert frappe.db.count("Campaign Consent", {"email": address, "status": "Pending Confirmation"}) == 1
	assert frappe.db.count("Campaign Segment Member", {"segment": setup.segment, "party": lead.name}) == 1


@pytest.mark.parametrize(
	"change, reason",
	[
		({"cp_hp": "http://spam.example"}, forms.HONEYPOT),
		({"_seconds_ago": 1}, forms.TOO_FAST),
		({"_token": None}, forms.BAD_TOKEN),
		({"_origin": "https://evil.example.org"}, forms.NOT_EMBEDDABLE),
		({"_form": "another"}, forms.OTHER_FORM),
		({"_seconds_ago": forms.TOKEN_VALID_SECONDS + 5}, forms.EXPIRED),
	],
)
def test_spam_is_refused_and_writes_nothing(setup, change, reason):
	address = email()
	data = values(address, **{k: v for k, v in change.items() if not k.startswith("_")})
	fields = token(
		change.get("_form", setup.form.name),
		change.get("_seconds_ago", 10),
		change.get("_origin", ""),
	)
	if "_token" in change:
		fields = None
	members = frappe.db.count("Campaign Segment Member", {"segment": setup.segment})
	outcome = submission.submit(setup.form.name, fields, data, None)
	assert not outcome.ok and outcome.refused == reason
	assert counts(address) == (0, 0, 0)
	assert frappe.db.count("Campaign Segment Member", {"segment": setup.segment}) == members


def test_a_listed_embedding_domain_is_accepted(setup):
	outcome = submission.submit(
		setup.form.name, token(setup.form.name, origin="http://127.0.0.1:8123"), values(email()), None
	)
	assert outcome.ok
	assert frappe.db.get_value("Campaign Form Submission", outcome.submission, "embedded_on") == (
		"http://127.0.0.1:8123"
	)


def test_bad_fields_answer_translated_field_errors_and_write_nothing(setup):
	address = "not-an-address"
	outcome = submission.submit(
		setup.form.name,
		token(setup.form.name),
		values(address, first_name="", cp_consent="", mobile_no="call me"),
		None,
	)
	assert not outcome.ok
	assert outcome.errors == {
		"email_id": "Enter a valid email address.",
		"first_name": "This field is required.",
		"mobile_no": "Enter a valid phone number.",
		"consent": "Tick this box to continue.",
	}
	assert counts(address) == (0, 0, 0)
	french = submission.submit(
		setup.form.name, token(setup.form.name, lang="fr"), values(address, first_name="x"), None
	)
	assert french.errors["email_id"] == "Saisissez une adresse e-mail valide."


def test_without_double_opt_in_the_consent_is_granted_with_its_text(setup):
	form = make_form(double_opt_in=0, campaign=setup.campaign)
	address = email()
	outcome = submission.submit(form.name, token(form.name), values(address), None)
	assert outcome.ok
	[record] = frappe.get_all(
		"Campaign Consent", filters={"email": address}, fields=["name", "status", "source", "consent_text"]
	)
	assert (record.status, record.source, record.consent_text) == ("Granted", "Form", CONSENT_TEXT)
	assert not frappe.db.exists(
		"Email Queue", {"reference_doctype": "Campaign Consent", "reference_name": record.name}
	)


def test_an_optional_box_left_unticked_records_no_consent(setup):
	form = make_form(consent_checkbox="Optional")
	address = email()
	outcome = submission.submit(form.name, token(form.name), values(address, cp_consent=""), None)
	assert outcome.ok
	assert counts(address) == (1, 1, 0)


def test_a_page_from_a_campaign_email_credits_that_campaign(setup):
	other = make_campaign()
	address = email()
	outcome = submission.submit(
		setup.form.name, token(setup.form.name), values(address, utm_campaign=other.name), None
	)
	link = get_campaign_link("Lead")
	assert frappe.db.get_value("Lead", outcome.party[1], link.fieldname) == campaign_link_value(
		link, other.name
	)
	assert frappe.db.get_value("Campaign Form Submission", outcome.submission, "campaign") == other.name


def test_a_contact_form_creates_a_contact_with_its_address(setup):
	form = make_form(
		document_type="Contact",
		consent_checkbox="No Checkbox",
		form_fields=[{"fieldname": "email_id", "required": 1}, {"fieldname": "first_name", "required": 1}],
	)
	address = email()
	outcome = submission.submit(form.name, token(form.name), values(address), None)
	assert outcome.ok and outcome.party[0] == "Contact"
	contact = frappe.get_doc("Contact", outcome.party[1])
	assert contact.email_id == address and contact.first_name == "Ann"
	again = submission.submit(form.name, token(form.name), values(address, first_name="Bea"), None)
	assert (
		again.party == outcome.party
		and frappe.db.get_value("Contact", outcome.party[1], "first_name") == "Bea"
	)


def test_forms_are_checked_on_save():
	with pytest.raises(frappe.ValidationError, match="email address"):
		make_form(form_fields=[{"fieldname": "first_name"}])
	with pytest.raises(frappe.ValidationError, match="managed by the application"):
		make_form(form_fields=[{"fieldname": "email_id", "required": 1}, {"fieldname": "lead_owner"}])
	with pytest.raises(frappe.ValidationError, match="not a domain"):
		make_form(allowed_domains="bad_domain")
	with pytest.raises(frappe.ValidationError, match="belongs to campaign"):
		other = make_campaign()
		segment = frappe.get_doc(
			{"doctype": "Campaign Segment", "segment_name": f"_Test CP {other.name}", "campaign": other.name}
		).insert()
		make_form(campaign=make_campaign().name, segment=segment.name)


def test_a_threshold_crossed_by_a_submission_acts_for_the_campaign_just_joined(setup):
	"""The new Lead's fit alone crosses the threshold, and it belongs to the rule's campaign only
	through the segment it joins: its score is computed once everything is recorded."""
	settings = frappe.get_single("Campaign Plus Settings")
	settings.update({"enable_lead_score": 1, "points_form": 0})
	settings.set("score_fit_rules", [])
	settings.append(
		"score_fit_rules",
		{"document_type": "Lead", "points": 12, "filters": '[["first_name", "=", "Threshold"]]'},
	)
	settings.save()
	campaign = frappe.get_doc("Campaign", setup.campaign)
	campaign.append(
		"cp_event_rules", {"event": "Score Reached", "score_threshold": 10, "action": "Create Opportunity"}
	)
	campaign.save()
	other = make_campaign().name  # the page credits another campaign: the Lead carries that one
	outcome = submission.submit(
		setup.form.name,
		token(setup.form.name),
		values(email(), first_name="Threshold", utm_campaign=other),
		None,
	)
	lead = outcome.party[1]
	assert frappe.db.get_value("Lead", lead, "cp_lead_score") == 12
	assert frappe.db.count("Opportunity", {"party_name": lead}) == 1
