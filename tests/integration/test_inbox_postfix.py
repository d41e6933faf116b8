# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A real MTA receives signed campaign email: Debian's Postfix on 127.0.0.1 (tests/postfix.py),
the DKIM key published by a DNS server on 127.0.0.1 (tests/dns_server.py, dnslib). Each message,
sent by the delivery job's fast path and by Frappe's own send (the safety net), arrives with both
list headers and a DKIM signature that dkimpy verifies with the key it reads from that DNS
server; changing List-Unsubscribe-Post after signing makes verification fail. In this process,
rolled back (Frappe's commits made no-ops)."""

import email
from email import policy

import dkim
import frappe
import pytest

from campaign_plus.deliverability import dkim as signing
from campaign_plus.delivery import job
from campaign_plus.engine import mailheaders
from campaign_plus.utils import send_id
from tests import postfix
from tests.dns_server import DnsServer
from tests.integration.test_delivery import clear_delivery_keys, commits_rolled_back, queued_campaign, unique
from tests.workers import add_sending_limit

pytestmark = pytest.mark.skipif(bool(postfix.available()), reason=postfix.available() or "")
DOMAIN, SELECTOR = "campaign-plus.test", "cp2026"


@pytest.fixture(scope="module")
def mta():
	with postfix.Postfix(refuse=None) as server:
		yield server


@pytest.fixture
def signed_account(mta):
	"""An outgoing account sending to Postfix, signing with DKIM, its key served by a DNS server."""
	frappe.flags.testing_email = True
	clear_delivery_keys()
	with commits_rolled_back(), DnsServer() as dns_server:
		try:
			name = f"_Test CP Postfix {frappe.generate_hash(length=6)}"
			account = frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": name,
					"email_id": f"news-{frappe.generate_hash(length=6)}@{DOMAIN}",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": mta.host,
					"smtp_port": mta.port,
					"use_tls": 0,
					"use_ssl_for_outgoing": 0,
					"no_smtp_authentication": 1,
					"cp_dkim_enabled": 1,
					"cp_dkim_domain": DOMAIN,
					"cp_dkim_selector": SELECTOR,
				}
			).insert(ignore_permissions=True)
			frappe.db.set_single_value("Campaign Plus Settings", {"email_account": name, "paced_delivery": 1})
			add_sending_limit(name, (0, 0, 0))
			frappe.local.outgoing_email_account = {}
			record = account.cp_dkim_dns_record
			assert record.startswith(f"{SELECTOR}._domainkey.{DOMAIN}. TXT ")
			dns_server.records[f"{SELECTOR}._domainkey.{DOMAIN}"] = [record.split(" TXT ", 1)[1].strip('"')]
			yield name, dns_server
		finally:
			frappe.flags.testing_email = False
			frappe.db.rollback()
			clear_delivery_keys()


def received(mta, addresses: list[str]) -> list[bytes]:
	mta.flush()
	return [raw for address in addresses for raw in mta.raw(address.lower())]


def test_postfix_receives_signed_campaign_email_that_verifies_with_the_published_key(mta, signed_account):
	account, dns_server = signed_account
	addresses = unique("signed", 2)
	campaign, names = queued_campaign(addresses, subject="Offre spéciale ✓ pour {{ doc.first_name }}")
	job.deliver_names(names, account, campaign)  # the delivery job's fast path
	fast = received(mta, addresses)
	assert len(fast) == 2
	# Frappe's own send, the safety net once a lease runs out
	frappe.db.set_value("Email Queue", {"name": ("in", names)}, {"status": "Not Sent", "send_after": None})
	frappe.db.set_value("Email Queue Recipient", {"parent": ("in", names)}, "status", "Not Sent")
	for name in names:
		frappe.get_doc("Email Queue", name).send()
	both = received(mta, addresses)
	assert len(both) == 4
	lookup = dns_server.dnsfunc()
	for raw in both:
		message = email.message_from_bytes(raw, policy=policy.default)
		assert message["Delivered-To"]  # delivered by Postfix
		assert send_id.read(str(message[send_id.HEADER])) in names
		uris = mailheaders.list_unsubscribe_uris(str(message["List-Unsubscribe"]))
		assert "optout.api.one_click?t=" in uris[0]
		assert str(message["List-Unsubscribe-Post"]) == mailheaders.ONE_CLICK
		assert dkim.verify(raw, dnsfunc=lookup), "dkimpy verifies the signature with the DNS key"
		tampered = raw.replace(
			b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
			b"List-Unsubscribe-Post: List-Unsubscribe=Two",
		)
		assert tampered != raw
		assert not dkim.verify(tampered, dnsfunc=lookup), "an altered List-Unsubscribe-Post fails"
	# with another key published (a wrong record), nothing verifies
	dns_server.records[f"{SELECTOR}._domainkey.{DOMAIN}"] = [
		signing.dns_record_value(signing.generate_private_key())
	]
	assert not dkim.verify(both[0], dnsfunc=dns_server.dnsfunc())
