# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Double opt-in over HTTP: the site served on 127.0.0.1 (tests/e2e/serve.py, this checkout's
code), the confirmation link followed as a guest, the website's opt-in endpoint with its rate
limit. These tests commit what the server must see and delete it all in a ``finally``."""

import time
import urllib.error
import urllib.parse
import urllib.request

import frappe
import pytest

from campaign_plus.consent import double_opt_in, records
from campaign_plus.utils.signing import make_token
from tests.integration.conftest import BENCH, SITE
from tests.served import served_site
from tests.site_cleanup import delete_for_good

pytestmark = pytest.mark.commits  # real processes see committed data: deleted afterwards

CONSENT = "Campaign Consent"
OPT_IN = "/api/method/campaign_plus.consent.api.request_opt_in"


@pytest.fixture(scope="module")
def base_url():
	with served_site(BENCH, SITE) as url:
		yield url


def fetch(url: str, data: dict | None = None) -> tuple[int, str]:
	body = urllib.parse.urlencode(data).encode() if data is not None else None
	try:
		with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=60) as response:
			return response.status, response.read().decode()
	except urllib.error.HTTPError as error:
		return error.code, error.read().decode()


def history(email: str) -> list[dict]:
	frappe.db.rollback()  # a fresh snapshot: see what the server committed
	return frappe.get_all(
		CONSENT,
		filters={"email": email},
		fields=["name", "status", "source", "request", "ip_address", "recorded_by"],
		order_by="consent_date asc, creation asc",
	)


def cleanup(emails: list[str], doctype_names: list[tuple[str, str]] = ()) -> None:
	"""Delete what a test committed (and commit that)."""
	names = frappe.get_all(CONSENT, filters={"email": ("in", emails)}, pluck="name")
	if names:
		queue = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": CONSENT, "reference_name": ("in", names)},
			pluck="name",
		)
		if queue:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queue)})
			frappe.db.delete("Email Queue", {"name": ("in", queue)})
		frappe.db.delete(CONSENT, {"name": ("in", names)})
	for doctype, name in doctype_names:
		delete_for_good(doctype, name)
	frappe.db.commit()


def path_of(url: str) -> str:
	parts = urllib.parse.urlsplit(url)
	return f"{parts.path}?{parts.query}"


def test_the_confirmation_link_grants_once_and_bad_links_record_nothing(base_url):
	tag = frappe.generate_hash(length=8)
	email = f"optin-{tag}@example.com"
	lead = None
	try:
		lead = frappe.get_doc(
			{"doctype": "Lead", "first_name": f"Opt-in {tag}", "email_id": email, "language": "fr"}
		).insert(ignore_permissions=True)
		[request] = records.insert(
			[
				records.NewRecord(
					email, "Pending Confirmation", "Double Opt-in", party_type="Lead", party=lead.name
				)
			]
		)
		link = path_of(double_opt_in.confirmation_url(request, email, "fr", 7))
		expiring = make_token("consent", request, email, "fr", valid_for_seconds=1)
		frappe.db.commit()

		status, page = fetch(base_url + link)
		assert status == 200, page[:500]
		assert '<html lang="fr"' in page  # the page speaks the recipient's language
		assert email in page
		granted = [r for r in history(email) if r.status == "Granted"]
		assert len(granted) == 1
		assert (granted[0].source, granted[0].request, granted[0].recorded_by) == (
			"Double Opt-in",
			request,
			"Guest",
		)
		assert granted[0].ip_address == "127.0.0.1"
		assert frappe.db.get_value("Lead", lead.name, "cp_marketing_consent") == "Granted"

		status, page = fetch(base_url + link)  # a second click
		assert status == 200 and email in page
		assert [r.status for r in history(email)] == ["Pending Confirmation", "Granted"]

		token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
		body, signature = token.split(".")
		tampered = f"{body}.{signature[::-1]}"
		time.sleep(2)  # the one-second link has expired
		for bad in (tampered, expiring, "garbage", ""):
			status, page = fetch(f"{base_url}/api/method/campaign_plus.consent.api.confirm?token={bad}")
			assert status == 400, (bad, page[:300])
			assert "Traceback" not in page
		assert [r.status for r in history(email)] == ["Pending Confirmation", "Granted"]
	finally:
		frappe.db.rollback()
		cleanup([email], [("Lead", lead.name)] if lead else [])


def test_website_request_is_uniform_and_rate_limited(base_url):
	tag = frappe.generate_hash(length=8)
	known, unknown = f"known-{tag}@example.com", f"unknown-{tag}@example.com"
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": f"_Test CP consent {tag}",
			"email_id": f"consent-{tag}@example.com",
			"enable_outgoing": 1,
			"smtp_server": "127.0.0.1",
			"no_smtp_authentication": 1,
		}
	).insert(ignore_permissions=True)
	previous = frappe.db.get_single_value("Campaign Plus Settings", "email_account")
	frappe.db.set_single_value("Campaign Plus Settings", "email_account", account.name)
	frappe.get_doc({"doctype": CONSENT, "email": known, "status": "Granted"}).insert(ignore_permissions=True)
	frappe.db.commit()
	frappe.cache.delete_keys(f"rl:{OPT_IN[len('/api/method/') :]}")
	try:
		answers = [fetch(base_url + OPT_IN, {"email": email}) for email in (unknown, known, unknown)]
		assert {status for status, _body in answers} == {200}
		assert len({body for _status, body in answers}) == 1  # tells nothing about the address
		assert [(r.status, r.source, r.ip_address) for r in history(unknown)] == [
			("Pending Confirmation", "Form", "127.0.0.1")
		]  # one request per address per period
		assert [r.status for r in history(known)] == ["Granted"]
		status, _body = fetch(base_url + OPT_IN, {"email": "not an address"})
		assert status == 417
		status, _body = fetch(base_url + OPT_IN, {"email": f"fifth-{tag}@example.com"})
		assert status == 200
		status, _body = fetch(base_url + OPT_IN, {"email": f"sixth-{tag}@example.com"})
		assert status == 429  # five requests an hour from one address
		assert history(f"sixth-{tag}@example.com") == []
	finally:
		frappe.cache.delete_keys(f"rl:{OPT_IN[len('/api/method/') :]}")
		frappe.db.rollback()
		frappe.db.set_single_value("Campaign Plus Settings", "email_account", previous)
		cleanup([known, unknown, f"fifth-{tag}@example.com"], [("Email Account", account.name)])
