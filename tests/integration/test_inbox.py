# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Inbox-ready campaign email on a real site, in this process: the per-message headers in both send
paths (the delivery job's and Frappe's own send), the headers hook, DKIM, the footer, the
unsubscribe primitives and the page's actions. Over HTTP: test_inbox_http.py; with Postfix and a
DNS server: test_inbox_postfix.py."""

import email
import subprocess
import sys
from email import policy

import dkim
import frappe
import pytest

from campaign_plus.consent import unsubscribe as service
from campaign_plus.deliverability import dkim as signing
from campaign_plus.deliverability import outgoing
from campaign_plus.delivery import job
from campaign_plus.engine import mailheaders
from campaign_plus.engine.consent import ONE_CLICK, UNSUBSCRIBE_PAGE
from campaign_plus.optout import actions
from campaign_plus.utils import send_id, unsubscribe_links
from tests.integration.helpers import make_campaign, make_template
from tests.integration.test_delivery import (
	clear_delivery_keys,
	commits_rolled_back,
	make_account,
	queued_campaign,
	unique,
)
from tests.smtp_server import MailServer


@pytest.fixture(scope="module")
def mail_server():
	server = MailServer(python=sys.executable, store=True).start()
	yield server
	server.cleanup()


@pytest.fixture
def delivering(mail_server):
	"""As test_delivery's: the test mail server is the default outgoing account; rolled back."""
	frappe.flags.testing_email = True
	clear_delivery_keys()
	with commits_rolled_back():
		try:
			yield mail_server
		finally:
			frappe.flags.testing_email = False
			frappe.db.rollback()
			clear_delivery_keys()


def parsed(raw: bytes):
	return email.message_from_bytes(raw, policy=policy.SMTP)


def resend_with_frappe(names: list[str]) -> None:
	"""What Frappe's flush does with each row (the safety net once a lease runs out)."""
	frappe.db.set_value("Email Queue", {"name": ("in", names)}, {"status": "Not Sent", "send_after": None})
	frappe.db.set_value("Email Queue Recipient", {"parent": ("in", names)}, "status", "Not Sent")
	for name in names:
		frappe.get_doc("Email Queue", name).send()


def list_headers_of(message) -> dict:
	return {
		"send": send_id.read(str(message[send_id.HEADER])),
		"uris": mailheaders.list_unsubscribe_uris(str(message["List-Unsubscribe"])),
		"post": str(message["List-Unsubscribe-Post"]),
		"feedback": str(message["Feedback-ID"]),
	}


def test_every_campaign_email_carries_its_headers_in_both_send_paths(delivering):
	account = make_account(delivering)
	campaign, names = queued_campaign(unique("headers", 2))
	start = len(delivering.messages())
	job.deliver_names(names, account, campaign)
	fast = [parsed(raw) for raw in delivering.messages()[start:]]
	resend_with_frappe(names)
	frappes = [parsed(raw) for raw in delivering.messages()[start + 2 :]]
	assert len(fast) == len(frappes) == 2
	by_row = {}
	for message in fast + frappes:
		headers = list_headers_of(message)
		assert headers["send"] in names  # the signed send id names its Send Log row
		one_click, *_rest = headers["uris"]
		assert one_click.startswith(frappe.utils.get_url() + unsubscribe_links.ONE_CLICK_METHOD + "?t=")
		assert unsubscribe_links.read_token(one_click.split("?t=")[1]) == headers["send"]
		assert headers["post"] == "List-Unsubscribe=One-Click"
		parts = headers["feedback"].split(":")
		assert len(parts) == 4 and parts[1] == "step1" and 5 <= len(parts[3]) <= 15
		assert "=?utf-8?" not in str(message["List-Unsubscribe"])
		by_row.setdefault(headers["send"], []).append(headers)
	assert all(first == second for first, second in by_row.values())  # both paths alike
	# the footer: the unsubscribe page of the row, the sender's name, no "Sent via"
	html = fast[0].get_body(("html",)).get_content()
	text = fast[0].get_body(("plain",)).get_content()
	assert unsubscribe_links.PAGE_METHOD in html and unsubscribe_links.PAGE_METHOD in text
	assert "Sent via" not in html and "ERPNext" not in html
	assert "frappe.email.queue.unsubscribe" not in html


def test_the_headers_hook_adds_headers_and_cannot_replace_the_messages_own(delivering, monkeypatch):
	account = make_account(delivering)
	calls = []

	def provider_tags(campaign, rows):
		calls.append([row.name for row in rows])
		return {
			row.name: {"X-SES-MESSAGE-TAGS": f"row={row.name}", "From": "evil@example.com"} for row in rows
		}

	frappe.provider_tags_for_test = provider_tags
	hooks = frappe.get_hooks

	def with_test_hook(hook=None, *args, **kwargs):
		found = hooks(hook, *args, **kwargs)
		if hook == "campaign_plus_message_headers":
			return [*found, "frappe.provider_tags_for_test"]
		return found

	monkeypatch.setattr(frappe, "get_hooks", with_test_hook)
	try:
		campaign, names = queued_campaign(unique("hook", 2))
	finally:
		del frappe.provider_tags_for_test
	assert len(calls) == 1 and sorted(calls[0]) == sorted(names)  # once per batch
	start = len(delivering.messages())
	job.deliver_names(names, account, campaign)
	for raw in delivering.messages()[start:]:
		message = parsed(raw)
		row = send_id.read(str(message[send_id.HEADER]))
		assert str(message["X-SES-MESSAGE-TAGS"]) == f"row={row}"
		assert "evil" not in str(message["From"]) and len(message.get_all("From")) == 1
	assert frappe.db.exists("Error Log", {"method": "Campaign Plus: campaign email headers refused"})


def dkim_account(account: str, domain="campaign-plus.test", selector="cp2026") -> signing.Signer:
	doc = frappe.get_doc("Email Account", account)
	doc.update({"cp_dkim_enabled": 1, "cp_dkim_domain": domain, "cp_dkim_selector": selector})
	doc.save(ignore_permissions=True)
	assert doc.cp_dkim_dns_record.startswith(f'{selector}._domainkey.{domain}. TXT "v=DKIM1; k=rsa; p=')
	return signing.signer_for(frappe.get_doc("Email Account", account))


def verifies(raw: bytes, signer: signing.Signer) -> bool:
	record = signer.dns_txt()
	return bool(
		dkim.verify(
			raw.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n"), dnsfunc=lambda name, timeout=5: record
		)
	)


def test_dkim_signs_last_in_both_paths_covering_the_list_headers(delivering):
	account = make_account(delivering)
	signer = dkim_account(account)
	campaign, names = queued_campaign(unique("dkim", 2), subject="Offre spéciale ✓ pour {{ doc.first_name }}")
	start = len(delivering.messages())
	job.deliver_names(names, account, campaign)
	resend_with_frappe(names)
	raws = delivering.messages()[start:]
	assert len(raws) == 4
	for raw in raws:
		assert raw.startswith(b"DKIM-Signature:")
		signature = dkim.util.parse_tag_value(parsed(raw)["DKIM-Signature"].encode())
		signed = set(signature[b"h"].replace(b" ", b"").lower().split(b":"))
		assert {
			b"from",
			b"to",
			b"subject",
			b"date",
			b"message-id",
			b"mime-version",
			b"content-type",
		} <= signed
		assert {b"list-unsubscribe", b"list-unsubscribe-post", b"feedback-id"} <= signed
		assert verifies(raw, signer)
		tampered = raw.replace(
			b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: x"
		)
		assert tampered != raw and not verifies(tampered, signer)


def test_a_bad_dkim_key_is_refused_and_a_small_one_too(delivering):
	account = make_account(delivering)
	doc = frappe.get_doc("Email Account", account)
	doc.update({"cp_dkim_enabled": 1, "cp_dkim_domain": "example.com", "cp_dkim_selector": "s1"})
	doc.cp_dkim_private_key = "not a key"
	with pytest.raises(frappe.ValidationError):
		doc.save(ignore_permissions=True)
	doc = frappe.get_doc("Email Account", account)
	doc.update({"cp_dkim_enabled": 1, "cp_dkim_domain": "example.com", "cp_dkim_selector": "s1"})
	small = subprocess.run(["openssl", "genrsa", "768"], capture_output=True, text=True, check=True).stdout
	doc.cp_dkim_private_key = small
	with pytest.raises(frappe.ValidationError, match="768"):
		doc.save(ignore_permissions=True)
	doc = frappe.get_doc("Email Account", account)
	doc.update({"cp_dkim_enabled": 1, "cp_dkim_domain": "example.com", "cp_dkim_selector": "bad_selector!"})
	with pytest.raises(frappe.ValidationError):
		doc.save(ignore_permissions=True)


def test_the_footer_speaks_the_recipients_language_and_names_the_company(delivering):
	account = make_account(delivering)
	company = frappe.db.get_single_value("Global Defaults", "default_company")
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": "Siège",
			"address_type": "Billing",
			"address_line1": "12 rue de la Paix",
			"city": "Paris",
			"pincode": "75002",
			"country": "France",
			"is_your_company_address": 1,
			"is_primary_address": 1,
			"links": [{"link_doctype": "Company", "link_name": company}],
		}
	).insert(ignore_permissions=True)
	_campaign, row, _address, _lead = sent_row(language="fr")
	start = len(delivering.messages())
	job.deliver_names([row], account)
	message = parsed(delivering.messages()[start])
	html = message.get_body(("html",)).get_content()
	text = message.get_body(("plain",)).get_content()
	name = frappe.db.get_value("Company", company, "company_name")
	for body in (html, text):
		assert "Se désinscrire de ces e-mails" in body
		assert "Vous recevez cet e-mail car vous êtes en relation avec" in body
		assert name in body
		assert "12 rue de la Paix, 75002 Paris, France" in body
	assert "Unsubscribe from this campaign" not in html and "Sent via" not in html


# --- unsubscribing -----------------------------------------------------------------------------------
def sent_row(address: str | None = None, language: str | None = None):
	"""A campaign with two steps for one lead: the first queued (its Send Log row), the second later."""
	template = make_template(subject="One")
	later = make_template(subject="Two")
	campaign = make_campaign(
		campaign_schedules=[
			{"email_template": template.name, "send_after_days": 0},
			{"email_template": later.name, "send_after_days": 3},
		]
	)
	address = address or unique("optout", 1)[0]
	lead = frappe.get_doc(
		{"doctype": "Lead", "first_name": "Opt", "email_id": address, "language": language}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Email Campaign",
			"campaign_name": campaign.name,
			"email_campaign_for": "Lead",
			"recipient": lead.name,
			"start_date": frappe.utils.today(),
			"sender": "Administrator",
		}
	).insert(ignore_permissions=True)
	from campaign_plus.sending import planner

	planner.plan_campaign(campaign.name)
	(row,) = frappe.get_all("Campaign Send Log", filters={"campaign": campaign.name}, pluck="name")
	return campaign.name, row, address, lead.name


def consent_of(address: str) -> list[tuple[str, str]]:
	return [
		(r.status, r.source)
		for r in frappe.get_all(
			"Campaign Consent",
			filters={"email": address},
			fields=["status", "source"],
			order_by="consent_date asc, creation asc",
		)
	]


def unsubscribes(address: str) -> list[tuple]:
	return sorted(
		(r.reference_name or "", r.global_unsubscribe)
		for r in frappe.get_all(
			"Email Unsubscribe", filters={"email": address}, fields=["reference_name", "global_unsubscribe"]
		)
	)


def test_one_click_unsubscribes_from_the_campaign_once_and_bad_tokens_write_nothing(delivering):
	make_account(delivering)
	campaign, row, address, lead = sent_row()
	token = unsubscribe_links.token_signer()(row)
	for bad in (None, "", token[:-2] + "xx", token + "x", "a.b", unsubscribe_links.token_signer()(row + "x")):
		assert actions.one_click(bad) is None
	assert unsubscribes(address) == [] and consent_of(address) == []
	assert actions.one_click(token).email == address
	assert actions.one_click(token).email == address  # a provider's retry
	assert unsubscribes(address) == [(campaign, 0)]
	assert consent_of(address) == [("Withdrawn", ONE_CLICK)]
	assert frappe.db.get_value("Lead", lead, "cp_marketing_consent") == "Withdrawn"


def test_an_expired_link_writes_nothing(delivering, monkeypatch):
	make_account(delivering)
	_campaign, row, address, _lead = sent_row()
	import time

	token = unsubscribe_links.token_signer()(row)
	real = time.time
	monkeypatch.setattr(time, "time", lambda: real() + (unsubscribe_links.DEFAULT_VALID_DAYS + 1) * 86400)
	assert actions.one_click(token) is None and actions.choose(token, actions.ALL) == (None, None)
	monkeypatch.setattr(time, "time", real)
	assert unsubscribes(address) == [] and consent_of(address) == []


def test_the_unsubscribe_function_skips_later_rows_at_once(delivering):
	from campaign_plus.sending import ledger

	make_account(delivering)
	campaign, row, address, _lead = sent_row()
	ledger.set_status([row], "Planned")  # as if not queued yet
	result = service.unsubscribe(address, campaign=campaign, source=ONE_CLICK)
	assert result.skipped == 1 and result.email_unsubscribe and result.consent
	assert frappe.db.get_value("Campaign Send Log", row, ["status", "reason"]) == ("Skipped", "Unsubscribed")
	again = service.unsubscribe(address, campaign=campaign, source=ONE_CLICK)
	assert not again.changed


def test_the_pages_choices_and_the_change_of_mind_are_each_recorded_once(delivering):
	make_account(delivering)
	campaign, row, address, _lead = sent_row()
	token = unsubscribe_links.token_signer()(row)
	assert actions.choose(token, actions.CAMPAIGN)[1] == actions.UNSUBSCRIBED_CAMPAIGN
	assert actions.choose(token, actions.CAMPAIGN)[1] == actions.UNSUBSCRIBED_CAMPAIGN
	assert unsubscribes(address) == [(campaign, 0)]
	assert actions.choose(token, actions.ALL)[1] == actions.UNSUBSCRIBED_ALL
	assert unsubscribes(address) == [("", 1), (campaign, 0)]
	assert consent_of(address) == [("Withdrawn", UNSUBSCRIBE_PAGE)]
	assert actions.choose(token, actions.RESUBSCRIBED)[1] == actions.RESUBSCRIBED
	assert actions.choose(token, actions.RESUBSCRIBED)[1] == actions.RESUBSCRIBED
	assert unsubscribes(address) == []
	assert consent_of(address) == [("Withdrawn", UNSUBSCRIBE_PAGE), ("Granted", UNSUBSCRIBE_PAGE)]
	assert actions.choose(token, "anything else")[1] is None


def test_an_unsubscribe_email_to_the_mailto_address_unsubscribes(delivering):
	make_account(delivering)
	campaign, row, address, _lead = sent_row()
	token = unsubscribe_links.token_signer()(row)
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": address,
			"subject": f"unsubscribe {token}",
			"content": "",
		}
	).insert(ignore_permissions=True)
	assert unsubscribes(address) == [(campaign, 0)]
	assert consent_of(address) == [("Withdrawn", "Unsubscribe Email")]


def test_the_mailto_form_is_offered_when_the_account_reads_its_mailbox(delivering):
	from campaign_plus.deliverability.headers import list_headers

	account = make_account(delivering)
	frappe.db.set_value("Email Account", account, "enable_incoming", 1)
	row = frappe._dict(name="row-x", step_idx=2, email_account=account)
	value = list_headers("C", [row])["row-x"]["List-Unsubscribe"]
	_one_click, mailto = mailheaders.list_unsubscribe_uris(value)
	address = frappe.db.get_value("Email Account", account, "email_id")
	assert mailto.startswith(f"mailto:{address}?subject=unsubscribe%20")
	assert unsubscribe_links.read_token(mailto.split("%20", 1)[1]) == "row-x"


def test_outgoing_finish_leaves_other_emails_alone():
	doc = frappe._dict(reference_doctype="ToDo", message="Subject: x\r\n\r\nbody", get=lambda k, d=None: None)
	assert outgoing.finish(frappe._dict(doc, get=dict(doc).get), b"Subject: x\r\n\r\nbody") == (
		b"Subject: x\r\n\r\nbody"
	)
