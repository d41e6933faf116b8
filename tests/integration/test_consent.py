# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Marketing consent on a real site: insert-only records, the consent shown on Leads and
Contacts, the campaign's opt-in rule in the planner and Preview Schedule, unsubscribes withdrawing
consent, double opt-in requests and confirmation, the website endpoint, the access export."""

import datetime as dt
import email as email_parser
import json
import re
from urllib.parse import parse_qs, urlparse

import frappe
import pytest

from campaign_plus.card import dashboard
from campaign_plus.consent import api, double_opt_in, records
from campaign_plus.sending import api as sending_api
from campaign_plus.sending import planner
from campaign_plus.utils.signing import make_token
from tests.integration.helpers import (
	enroll,
	freeze_time,
	make_campaign,
	make_lead,
	make_template,
	make_user,
	use_outgoing_account,
)
from tests.integration.test_sending import queue_rows

START = dt.date(2027, 3, 1)
CONSENT = "Campaign Consent"


@pytest.fixture
def french(monkeypatch):
	"""French from this checkout's fr.po, over the bench's compiled catalogue (which the last
	migrate of any checkout wrote): the tests see the messages of the code they test."""
	import frappe.translate

	from tools.i18n import APP, read_po

	ours = {k: v for k, v in read_po(APP / "locale" / "fr.po").items() if v}
	original = frappe.translate.get_all_translations
	monkeypatch.setattr(
		frappe.translate,
		"get_all_translations",
		lambda lang: {**original(lang), **ours} if (lang or "").startswith("fr") else original(lang),
	)


def day(n: int) -> str:
	return f"{START + dt.timedelta(days=n)} 10:00:00"


def record(email, status, on=None, **values):
	"""A consent record made at ``on`` (default: now)."""
	doc = {"doctype": CONSENT, "email": email, "status": status, **values}
	if not on:
		return frappe.get_doc(doc).insert()
	with freeze_time(on):
		return frappe.get_doc(doc).insert()


def history(email: str) -> list[dict]:
	return frappe.get_all(
		CONSENT,
		filters={"email": email},
		fields=["name", "status", "source", "campaign", "party_type", "party", "request", "recorded_by"],
		order_by="consent_date asc, creation asc",
	)


def consent_field(doctype: str, name: str):
	return frappe.db.get_value(doctype, name, "cp_marketing_consent")


def campaign_with_leads(rule: str, leads, steps=((0, None),)):
	use_outgoing_account()
	template = make_template()
	campaign = make_campaign(
		cp_opt_in_rule=rule,
		campaign_schedules=[
			{"email_template": template.name, "send_after_days": days, "cp_date_formula": formula}
			for days, formula in steps
		],
	)
	enroll(campaign.name, [lead.name for lead in leads], START)
	return campaign


def sent_to(campaign: str) -> list[str]:
	return [row.recipient for row in queue_rows(campaign)]


def log(campaign: str) -> dict[str, tuple]:
	rows = frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign},
		fields=["party", "schedule_row", "status", "reason"],
		order_by="due_date asc",
	)
	return {row.party: (row.status, row.reason) for row in rows}


def confirmation_emails(request_names) -> list[dict]:
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": CONSENT, "reference_name": ("in", list(request_names))},
		fields=["name", "message", "reference_name"],
	)


def html_of(message: str) -> str:
	"""The HTML part of a queued MIME message, decoded."""
	parsed = email_parser.message_from_string(message)
	for part in parsed.walk():
		if part.get_content_type() == "text/html":
			return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
	return ""


def link_token(message: str) -> str:
	"""The token of the confirmation link in a queued email."""
	text = html_of(message)
	url = re.search(r'href="([^"]*campaign_plus\.consent\.api\.confirm[^"]*)"', text).group(1)
	return parse_qs(urlparse(url.replace("&amp;", "&")).query)["token"][0]


# --- records ------------------------------------------------------------------------------------


def test_records_are_insert_only_and_only_a_system_manager_deletes():
	sales_user = make_user(["Sales User"])
	manager = make_user(["Sales Manager"])
	frappe.set_user(sales_user)
	doc = frappe.get_doc(
		{"doctype": CONSENT, "email": "Insert.Only@Example.com", "status": "Granted"}
	).insert()
	assert (doc.email, doc.source, doc.recorded_by, doc.purpose) == (
		"insert.only@example.com",
		"By Hand",
		sales_user,
		"Campaign Email",
	)
	doc.status = "Refused"
	with pytest.raises(frappe.ValidationError):
		doc.save()
	frappe.set_user(manager)
	with pytest.raises(frappe.PermissionError):
		frappe.delete_doc(CONSENT, doc.name)
	with pytest.raises(frappe.PermissionError):  # even bypassing role permissions
		frappe.delete_doc(CONSENT, doc.name, ignore_permissions=True)
	frappe.set_user("Administrator")
	frappe.delete_doc(CONSENT, doc.name)
	assert not frappe.db.exists(CONSENT, doc.name)


def test_bad_records_are_refused():
	with pytest.raises(frappe.ValidationError, match="not a valid email"):
		frappe.get_doc({"doctype": CONSENT, "email": "nobody", "status": "Granted"}).insert()
	with pytest.raises(frappe.ValidationError, match="future"):
		frappe.get_doc(
			{"doctype": CONSENT, "email": "a@example.com", "status": "Granted", "consent_date": "2999-01-01"}
		).insert()
	with pytest.raises(frappe.ValidationError, match="Lead, a Contact or a Customer"):
		frappe.get_doc(
			{
				"doctype": CONSENT,
				"email": "a@example.com",
				"status": "Granted",
				"party_type": "User",
				"party": "Administrator",
			}
		).insert()


def test_lead_and_contact_show_the_current_consent_of_their_address():
	lead = make_lead()
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Cp consent",
			"email_ids": [{"email_id": lead.email_id.upper(), "is_primary": 1}],
		}
	).insert()
	assert consent_field("Lead", lead.name) is None
	record(lead.email_id, "Granted", "2027-02-01 09:00:00", party_type="Lead", party=lead.name)
	assert consent_field("Lead", lead.name) == "Granted"
	assert consent_field("Contact", contact.name) == "Granted"
	record(lead.email_id, "Pending Confirmation", "2027-02-02 09:00:00")
	assert consent_field("Lead", lead.name) == "Granted"  # asking to confirm takes nothing away
	record(lead.email_id, "Withdrawn", "2027-02-03 09:00:00")
	assert consent_field("Lead", lead.name) == "Withdrawn"
	lead.reload()
	lead.email_id = f"other-{frappe.generate_hash(length=6)}@example.com"
	lead.save()
	assert consent_field("Lead", lead.name) in (None, "")
	assert consent_field("Contact", contact.name) == "Withdrawn"


def test_connections_show_the_consent_history():
	for data in (dashboard.get_lead_data(), dashboard.get_contact_data()):
		items = [item for group in data["transactions"] for item in group["items"]]
		assert {"Campaign Send Log", "Campaign Consent"} <= set(items)
		assert data["non_standard_fieldnames"]["Campaign Consent"] == "party"


# --- the campaign's rule ------------------------------------------------------------------------


def test_new_campaign_takes_the_rule_of_the_settings():
	frappe.db.set_single_value("Campaign Plus Settings", "opt_in_rule", "All Recipients")
	assert make_campaign().cp_opt_in_rule == "All Recipients"
	frappe.db.set_single_value("Campaign Plus Settings", "opt_in_rule", "Not Required")
	assert make_campaign().cp_opt_in_rule == "Not Required"
	assert make_campaign(cp_opt_in_rule="Private Persons").cp_opt_in_rule == "Private Persons"


def test_the_shipped_default_asks_private_persons_for_consent():
	from campaign_plus.consent.settings import get_consent_settings

	frappe.db.set_single_value("Campaign Plus Settings", "opt_in_rule", None)
	assert get_consent_settings().opt_in_rule == "Private Persons"
	meta = frappe.get_meta("Campaign Plus Settings")
	assert meta.get_field("opt_in_rule").default == "Private Persons"
	assert make_campaign().cp_opt_in_rule == "Private Persons"


def test_campaigns_made_before_the_rule_keep_sending_after_migrate():
	from campaign_plus.consent.rule import keep_existing_campaigns_sending

	old, chosen = make_campaign(), make_campaign(cp_opt_in_rule="All Recipients")
	frappe.db.set_value("Campaign", old.name, "cp_opt_in_rule", None)
	keep_existing_campaigns_sending()  # a step of install and of every migrate (setup.install.setup)
	assert frappe.db.get_value("Campaign", old.name, "cp_opt_in_rule") == "Not Required"
	assert frappe.db.get_value("Campaign", chosen.name, "cp_opt_in_rule") == "All Recipients"


def test_campaign_needing_opt_in_sends_only_to_granted_addresses_and_preview_counts_the_rest():
	granted, nothing, withdrawn, pending, refused = (make_lead() for _ in range(5))
	record(granted.email_id, "Granted")
	record(withdrawn.email_id, "Granted", "2027-01-01 09:00:00")
	record(withdrawn.email_id, "Withdrawn", "2027-01-05 09:00:00")
	record(pending.email_id, "Pending Confirmation")
	record(refused.email_id, "Refused")
	campaign = campaign_with_leads("All Recipients", [granted, nothing, withdrawn, pending, refused])

	with freeze_time(day(0)):
		preview = sending_api.preview_schedule(campaign.name, days=3)
		result = planner.plan_campaign(campaign.name)
	assert [(p["to_send"], p["excluded"]) for p in preview] == [(1, {"No Consent": 4})]
	assert (result.planned, result.reasons) == (1, {"No Consent": 4})
	assert sent_to(campaign.name) == [granted.email_id]
	assert log(campaign.name)[nothing.name] == ("Skipped", "No Consent")
	assert log(campaign.name)[granted.name] == ("Queued", None)


def test_private_persons_rule_spares_professionals():
	private = make_lead()
	professional = make_lead()
	frappe.db.set_value("Lead", professional.name, "company_name", "ACME SARL")
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"_Test CP consent {frappe.generate_hash(length=6)}",
			"customer_type": "Company",
		}
	).insert(ignore_permissions=True)
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Pro",
			"email_ids": [{"email_id": f"pro-{frappe.generate_hash(length=6)}@example.com", "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	person = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Person",
			"email_ids": [
				{"email_id": f"person-{frappe.generate_hash(length=6)}@example.com", "is_primary": 1}
			],
		}
	).insert()
	group = frappe.get_doc(
		{"doctype": "Email Group", "title": f"_Test CP {frappe.generate_hash(length=6)}"}
	).insert()
	member_email = f"member-{frappe.generate_hash(length=6)}@example.com"
	frappe.get_doc(
		{"doctype": "Email Group Member", "email_group": group.name, "email": member_email}
	).insert()

	campaign = campaign_with_leads("Private Persons", [private, professional])
	enroll(campaign.name, [contact.name, person.name], START, for_doctype="Contact")
	enroll(campaign.name, [group.name], START, for_doctype="Email Group")
	with freeze_time(day(0)):
		result = planner.plan_campaign(campaign.name)
	assert sorted(sent_to(campaign.name)) == sorted([professional.email_id, contact.email_id])
	assert (result.planned, result.reasons) == (2, {"No Consent": 3})  # the group member is asked too

	other = campaign_with_leads("Not Required", [private])
	with freeze_time(day(0)):
		assert planner.plan_campaign(other.name).planned == 1


# --- unsubscribes -------------------------------------------------------------------------------


def test_an_unsubscribe_withdraws_consent_and_the_next_step_skips_the_address():
	keeps, leaves = make_lead(), make_lead()
	for lead in (keeps, leaves):
		record(lead.email_id, "Granted", party_type="Lead", party=lead.name)
	campaign = campaign_with_leads("All Recipients", [keeps, leaves], steps=((0, None), (2, None), (4, None)))
	with freeze_time(day(0)):
		assert planner.plan_campaign(campaign.name).planned == 2
	with freeze_time(day(1)):
		unsubscribe = frappe.get_doc(
			{
				"doctype": "Email Unsubscribe",
				"email": leaves.email_id,
				"reference_doctype": "Campaign",
				"reference_name": campaign.name,
			}
		).insert(ignore_permissions=True)
	last = history(leaves.email_id)[-1]
	assert (last.status, last.source, last.campaign, last.party_type, last.party) == (
		"Withdrawn",
		"Unsubscribed",
		campaign.name,
		"Lead",
		leaves.name,
	)
	assert consent_field("Lead", leaves.name) == "Withdrawn"
	with freeze_time(day(2)):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.reasons) == (1, {"Unsubscribed": 1})
	# The withdrawal stands on its own: with the unsubscribe gone, consent still lacks.
	frappe.delete_doc("Email Unsubscribe", unsubscribe.name, ignore_permissions=True)
	with freeze_time(day(4)):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.reasons) == (1, {"No Consent": 1})
	assert sent_to(campaign.name).count(leaves.email_id) == 1
	assert sent_to(campaign.name).count(keeps.email_id) == 3


def test_unsubscribed_flag_and_group_member_withdraw_once():
	lead = make_lead()
	record(lead.email_id, "Granted")
	lead.reload()
	lead.unsubscribed = 1
	lead.save(ignore_permissions=True)
	assert [r.status for r in history(lead.email_id)] == ["Granted", "Withdrawn"]
	frappe.get_doc({"doctype": "Email Unsubscribe", "email": lead.email_id, "global_unsubscribe": 1}).insert(
		ignore_permissions=True
	)
	assert [r.status for r in history(lead.email_id)] == ["Granted", "Withdrawn"]  # once is enough

	group = frappe.get_doc(
		{"doctype": "Email Group", "title": f"_Test CP {frappe.generate_hash(length=6)}"}
	).insert()
	email = f"member-{frappe.generate_hash(length=6)}@example.com"
	member = frappe.get_doc(
		{"doctype": "Email Group Member", "email_group": group.name, "email": email}
	).insert()
	member.unsubscribed = 1
	member.save(ignore_permissions=True)
	assert [(r.status, r.source) for r in history(email)] == [("Withdrawn", "Unsubscribed")]

	# an unsubscribe from something that is not marketing (a document's conversation) is not one
	other = f"other-{frappe.generate_hash(length=6)}@example.com"
	frappe.get_doc(
		{
			"doctype": "Email Unsubscribe",
			"email": other,
			"reference_doctype": "Lead",
			"reference_name": lead.name,
		}
	).insert(ignore_permissions=True)
	assert history(other) == []


# --- double opt-in ------------------------------------------------------------------------------


def test_request_from_a_lead_emails_a_signed_link_in_its_language_once_per_period(french):
	use_outgoing_account()
	lead = make_lead()
	frappe.db.set_value("Lead", lead.name, "language", "fr")
	result = api.request_confirmation("Lead", lead.name)
	assert (result["requested"], result["skipped"]) == (1, {})
	[pending] = history(lead.email_id)
	assert (pending.status, pending.source, pending.party) == (
		"Pending Confirmation",
		"Double Opt-in",
		lead.name,
	)
	assert consent_field("Lead", lead.name) == "Pending Confirmation"
	[email] = confirmation_emails([pending.name])
	assert "Veuillez confirmer" in html_of(email.message)
	fields = double_opt_in.has_permission_to_confirm(link_token(email.message))
	assert fields == (pending.name, lead.email_id, "fr")

	again = api.request_confirmation("Lead", lead.name)
	assert (again["requested"], again["skipped"]) == (0, {"Recently Requested": 1})
	assert len(confirmation_emails([pending.name])) == 1

	assert double_opt_in.confirm(fields).outcome == double_opt_in.CONFIRMED
	assert double_opt_in.confirm(fields).outcome == double_opt_in.ALREADY_CONFIRMED
	assert [r.status for r in history(lead.email_id)] == ["Pending Confirmation", "Granted"]
	assert history(lead.email_id)[1].request == pending.name
	assert consent_field("Lead", lead.name) == "Granted"
	assert api.request_confirmation("Lead", lead.name)["skipped"] == {"Already Granted": 1}


def test_a_marketer_does_not_ask_again_someone_who_withdrew():
	use_outgoing_account()
	lead = make_lead()
	record(lead.email_id, "Withdrawn")
	assert api.request_confirmation("Lead", lead.name)["skipped"] == {"Refused or Withdrawn": 1}


def test_a_marketer_does_not_ask_a_party_marked_unsubscribed():
	use_outgoing_account()
	lead = make_lead()
	frappe.db.set_value("Lead", lead.name, "unsubscribed", 1)  # flagged without any record
	assert api.request_confirmation("Lead", lead.name)["skipped"] == {"Refused or Withdrawn": 1}
	assert history(lead.email_id) == []


def test_requests_need_permission():
	lead = make_lead()
	frappe.set_user(make_user(["Accounts User"]))
	with pytest.raises(frappe.PermissionError):
		api.request_confirmation("Lead", lead.name)
	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError):
		api.request_confirmation("Customer", "x")


def test_segment_request_runs_in_the_background_when_large(monkeypatch):
	use_outgoing_account()
	leads = [make_lead() for _ in range(3)]
	record(leads[0].email_id, "Granted")
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "Consent", "campaign": make_campaign().name}
	).insert()
	for lead in leads:
		frappe.get_doc(
			{
				"doctype": "Campaign Segment Member",
				"segment": segment.name,
				"party_type": "Lead",
				"party": lead.name,
				"email": lead.email_id,
			}
		).db_insert()
	monkeypatch.setattr(double_opt_in, "BACKGROUND_ABOVE", 1)
	enqueued = []
	real_enqueue = frappe.enqueue
	monkeypatch.setattr(frappe, "enqueue", lambda *a, **kw: enqueued.append(kw) or real_enqueue(*a, **kw))
	result = api.request_confirmation("Campaign Segment", segment.name)
	assert result["queued"] and result["requested"] == 3
	assert enqueued[0]["job_id"] == f"campaign_plus:opt-in:{segment.name}" and enqueued[0]["deduplicate"]
	statuses = {lead.name: [r.status for r in history(lead.email_id)] for lead in leads}
	assert statuses[leads[0].name] == ["Granted"]
	assert statuses[leads[1].name] == ["Pending Confirmation"] == statuses[leads[2].name]
	[pending] = history(leads[1].email_id)
	assert pending.campaign == segment.campaign


def test_website_request_answers_the_same_whatever_the_address():
	use_outgoing_account()
	known = make_lead()
	record(known.email_id, "Granted")
	unknown = f"web-{frappe.generate_hash(length=8)}@example.com"
	answers = {api.request_opt_in(email) for email in (known.email_id, unknown, unknown)}
	assert len(answers) == 1
	assert [r.status for r in history(unknown)] == ["Pending Confirmation"]  # once per period
	assert history(unknown)[0].source == "Form"
	assert [r.status for r in history(known.email_id)] == ["Granted"]
	with pytest.raises(frappe.ValidationError):
		api.request_opt_in("not an address")
	frappe.db.set_single_value("Campaign Plus Settings", "accept_website_requests", 0)
	with pytest.raises(frappe.PermissionError):
		api.request_opt_in(f"web-{frappe.generate_hash(length=8)}@example.com")


def test_bad_links_record_nothing():
	lead = make_lead()
	[name] = records.insert([records.NewRecord(lead.email_id, "Pending Confirmation", "Double Opt-in")])
	good = make_token("consent", name, lead.email_id, "en", valid_for_seconds=3600)
	for token in (
		good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # tampered
		make_token("open", name, lead.email_id, "en"),  # another purpose
		make_token("consent", name, "someone.else@example.com", "en"),  # another address
		make_token("consent", "not-a-request", lead.email_id, "en"),
		None,
		"",
	):
		fields = double_opt_in.has_permission_to_confirm(token)
		assert double_opt_in.confirm(fields).outcome == double_opt_in.INVALID
	assert [r.status for r in history(lead.email_id)] == ["Pending Confirmation"]


# --- access -------------------------------------------------------------------------------------


def test_export_lists_the_history_and_the_campaign_emails_of_one_address(french):
	lead = make_lead()
	record(lead.email_id, "Pending Confirmation", "2027-01-01 09:00:00", party_type="Lead", party=lead.name)
	record(lead.email_id, "Granted", "2027-01-02 09:00:00", source="Double Opt-in")
	campaign = campaign_with_leads("All Recipients", [lead], steps=((0, None), (2, None)))
	with freeze_time(day(0)):
		planner.plan_campaign(campaign.name)
	with freeze_time(day(1)):
		record(lead.email_id, "Withdrawn", day(1), source="Unsubscribed")
	with freeze_time(day(2)):
		planner.plan_campaign(campaign.name)

	api.export_consent(lead.email_id.upper(), "JSON")
	assert frappe.response["type"] == "download"
	data = json.loads(frappe.response["filecontent"])
	assert data["email"] == lead.email_id
	assert [r["status"] for r in data["consent_history"]] == ["Pending Confirmation", "Granted", "Withdrawn"]
	assert data["current_consent"]["Campaign Email"]["status"] == "Withdrawn"
	assert [(r["step"], r["status"], r["reason"]) for r in data["campaign_emails"]] == [
		(1, "Queued", None),
		(2, "Skipped", "No Consent"),
	]
	assert data["campaign_emails"][0]["campaign"] == campaign.name

	frappe.local.lang = "fr"
	api.export_consent(lead.email_id, "CSV")
	text = frappe.response["filecontent"].decode("utf-8-sig")
	lines = text.strip().splitlines()
	assert lines[0].startswith("Enregistrement;Date;Statut;Source ou raison;Finalité;Campagne;")
	assert len(lines) == 1 + 3 + 2
	assert [line.split(";")[2] for line in lines[1:]] == [
		"En attente de confirmation",
		"Accordé",
		frappe._("Queued"),
		"Retiré",
		"Ignoré",
	]
	assert frappe.response["filename"].endswith(".csv")
	assert frappe.get_all(
		"Access Log",
		filters={"export_from": CONSENT, "filters": ("like", f"%{lead.email_id}%"), "file_type": "CSV"},
	)

	frappe.local.lang = "en"
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		api.export_consent(lead.email_id, "CSV")
