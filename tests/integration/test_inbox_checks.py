# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Check Deliverability against a DNS server on 127.0.0.1 (dnslib) with good, missing and wrong
records, and a 120 KB template: each finding shown; the optional block on errors. Rolled back."""

import frappe
import pytest

from campaign_plus.deliverability import api, checks, gate
from campaign_plus.deliverability import dkim as signing
from campaign_plus.sending import planner
from tests.dns_server import DnsServer
from tests.integration.helpers import make_campaign, make_template

DOMAIN, SELECTOR = "good-sender.test", "s1"


@pytest.fixture
def dns_server():
	with DnsServer() as server:
		conf = frappe.local.conf
		previous = conf.get("campaign_plus_nameservers")
		conf["campaign_plus_nameservers"] = server.site_config()
		try:
			yield server
		finally:
			conf["campaign_plus_nameservers"] = previous
			frappe.cache().delete_keys("campaign_plus:deliverability:")


@pytest.fixture
def account():
	name = f"_Test CP Checks {frappe.generate_hash(length=6)}"
	doc = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": name,
			"email_id": f"news@{DOMAIN}",
			"enable_outgoing": 1,
			"smtp_server": "smtp.sendgrid.net",
			"smtp_port": 587,
			"use_tls": 1,
			"no_smtp_authentication": 1,
			"cp_dkim_enabled": 1,
			"cp_dkim_domain": DOMAIN,
			"cp_dkim_selector": SELECTOR,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_single_value("Campaign Plus Settings", "email_account", name)
	frappe.local.outgoing_email_account = {}
	return doc


def good_records(server: DnsServer, account) -> None:
	server.records.clear()
	server.records.update(
		{
			DOMAIN: ["v=spf1 include:sendgrid.net -all", "google-site-verification=abc"],
			f"{SELECTOR}._domainkey.{DOMAIN}": [account.cp_dkim_dns_record.split(" TXT ", 1)[1].strip('"')],
			f"_dmarc.{DOMAIN}": [f"v=DMARC1; p=none; rua=mailto:dmarc@{DOMAIN}"],
		}
	)


def campaign_with_big_step() -> str:
	small = make_template(
		subject="Hello {{ doc.first_name }}", body='<p>Hi</p><a href="https://shop.example/x">x</a>'
	)
	big = make_template(subject="Catalogue", body="<p>" + ("Lorem ipsum dolor sit amet. " * 4400) + "</p>")
	return make_campaign(
		campaign_schedules=[
			{"email_template": small.name, "send_after_days": 0},
			{"email_template": big.name, "send_after_days": 2},
		]
	).name


def found(campaign: str) -> dict[str, list]:
	frappe.cache().delete_keys("campaign_plus:deliverability:")
	result = {}
	for finding in checks.run(campaign):
		result.setdefault(finding.check, []).append(finding)
	return result


def test_good_records_and_a_120_kb_template(dns_server, account):
	good_records(dns_server, account)
	campaign = campaign_with_big_step()
	findings = found(campaign)
	for check in ("spf.ok", "dkim.ok", "dmarc.monitoring", "alignment.ok", "volume.ok"):
		assert check in findings, (check, sorted(findings))
	clipped = findings["message.clipped"]
	assert len(clipped) == 1 and clipped[0].step.startswith("Step 2") and clipped[0].args[0] >= 120
	errors = [f.check for fs in findings.values() for f in fs if f.level == "error"]
	assert errors == ["message.clipped"]
	# the site here is served over http: said once, its own links not counted as the template's
	assert "site.http" in findings and "message.http_links" not in findings


def test_missing_records(dns_server, account):
	dns_server.records.clear()
	findings = found(campaign_with_big_step())
	for check in ("spf.missing", "dkim.missing", "dmarc.missing"):
		assert findings[check][0].level == "error", check
	assert findings["spf.missing"][0].fix_args == (DOMAIN, "v=spf1 include:sendgrid.net ~all")
	assert findings["dkim.missing"][0].fix_args == (account.cp_dkim_dns_record,)


def test_wrong_records(dns_server, account):
	good_records(dns_server, account)
	dns_server.records[DOMAIN] = ["v=spf1 +all"]
	dns_server.records[f"{SELECTOR}._domainkey.{DOMAIN}"] = [
		signing.dns_record_value(signing.generate_private_key())
	]
	dns_server.records[f"_dmarc.{DOMAIN}"] = ["v=DMARC1; p=maybe"]
	findings = found(campaign_with_big_step())
	for check in ("spf.open", "dkim.mismatch", "dmarc.invalid"):
		assert findings[check][0].level == "error", (check, sorted(findings))
	dns_server.records[DOMAIN] = ["v=spf1 mx -all", "v=spf1 a -all"]
	assert "spf.several" in found(campaign_with_big_step())


def test_the_api_gives_each_finding_in_french_with_its_fix(dns_server, account):
	dns_server.records.clear()
	campaign = campaign_with_big_step()
	frappe.local.lang = "fr"
	try:
		result = api.check_deliverability(campaign)
	finally:
		frappe.local.lang = "en"
	assert result["errors"] >= 4 and result["worst"] == "error"
	levels = [f["level"] for f in result["findings"]]
	assert levels == sorted(levels, key=["error", "warning", "info", "ok"].index)
	by_check = {f["check"]: f for f in result["findings"]}
	assert by_check["spf.missing"]["message"].startswith(f"{DOMAIN} ne publie aucun enregistrement SPF")
	assert by_check["spf.missing"]["fix"].startswith(f"Publiez un enregistrement TXT sur {DOMAIN}")
	assert "tronque après 102 Ko" in by_check["message.clipped"]["message"]


def test_blocking_holds_a_steps_first_send_until_the_check_is_clean(dns_server, account):
	frappe.db.set_single_value(
		"Campaign Plus Settings", {"block_on_deliverability_errors": 1, "opt_in_rule": "Not Required"}
	)
	dns_server.records.clear()
	template = make_template(subject="Hi")
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": "Gate",
			"email_id": f"gate-{frappe.generate_hash(length=6)}@example.com",
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{"doctype": "Email Campaign", "campaign_name": campaign.name, "email_campaign_for": "Lead",
		 "recipient": lead.name, "start_date": frappe.utils.today(), "sender": "Administrator"}
	).insert(ignore_permissions=True)  # fmt: skip
	planner.plan_campaigns([campaign.name], enqueue=False)
	row = frappe.get_all(
		"Campaign Send Log", filters={"campaign": campaign.name}, fields=["status", "reason"]
	)
	assert [(r.status, r.reason) for r in row] == [("Deferred", gate.REASON)]
	good_records(dns_server, account)
	frappe.cache().delete_keys("campaign_plus:deliverability:")
	errors = [f.check for f in checks.run(campaign.name) if f.level == "error"]
	assert not errors, errors
	planner.plan_campaigns([campaign.name], enqueue=False)
	row = frappe.get_all(
		"Campaign Send Log", filters={"campaign": campaign.name}, fields=["status", "reason"]
	)
	assert row[0].status == "Planned", row


def test_a_site_without_an_outgoing_account_is_told_so_not_refused(monkeypatch):
	"""A new site: Check Deliverability answers with one finding that says what to set up, instead
	of Frappe's error (the dialog, and the first-send gate, show it)."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	def none(*args, **kwargs):
		frappe.throw("no account", frappe.OutgoingEmailError)

	from campaign_plus.sending import sender

	monkeypatch.setattr(EmailAccount, "find_outgoing", none)
	monkeypatch.setattr(sender, "get_sending_settings", lambda: frappe._dict(email_account=None))
	campaign = make_campaign(
		campaign_schedules=[{"email_template": make_template().name, "send_after_days": 0}]
	)
	result = api.check_deliverability(campaign.name)
	assert result["worst"] == "error"
	assert [f["check"] for f in result["findings"]] == ["account.missing"]
	assert result["findings"][0]["fix"]
	assert not frappe.message_log
