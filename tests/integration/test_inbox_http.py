# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Unsubscribing over HTTP on the served site (tests/e2e/serve.py, this checkout's code): Gmail's
exact one-click POST, a link scanner's GETs (the List-Unsubscribe URL, the body's link, Frappe's
old link), forged, replayed and oversized requests. These tests commit what the server must see
and delete it all in a ``finally``."""

import datetime
import http.client
import urllib.parse

import frappe
import pytest

from campaign_plus.engine.consent import ONE_CLICK
from campaign_plus.sending import planner
from campaign_plus.utils import unsubscribe_links
from tests.integration.conftest import BENCH, SITE
from tests.served import served_site

pytestmark = pytest.mark.commits  # the served site sees committed data: deleted afterwards


@pytest.fixture(scope="module")
def base_url():
	with served_site(BENCH, SITE) as url:
		yield url


def request(base: str, method: str, url: str, body: bytes | None = None, headers: dict | None = None):
	"""(status, headers, text) of one request, no cookie, no redirect followed."""
	parts = urllib.parse.urlsplit(base)
	target = urllib.parse.urlsplit(url)
	path = f"{target.path}?{target.query}" if target.query else target.path
	connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
	try:
		connection.request(method, path, body=body, headers=headers or {})
		response = connection.getresponse()
		return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
	finally:
		connection.close()


def gmail_post(base: str, url: str, body: bytes = b"List-Unsubscribe=One-Click"):
	"""A POST as Gmail sends it (RFC 8058): form-urlencoded, no cookie, no CSRF token."""
	return request(
		base,
		"POST",
		url,
		body,
		{"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(body))},
	)


def fresh():
	frappe.db.rollback()  # a fresh snapshot: see what the server committed


def unsubscribes(emails: list[str]) -> list[tuple]:
	fresh()
	return sorted(
		(r.email, r.reference_name or "", r.global_unsubscribe)
		for r in frappe.get_all(
			"Email Unsubscribe",
			filters={"email": ("in", emails)},
			fields=["email", "reference_name", "global_unsubscribe"],
		)
	)


def consents(emails: list[str]) -> list[tuple]:
	fresh()
	return sorted(
		(r.email, r.status, r.source)
		for r in frappe.get_all(
			"Campaign Consent", filters={"email": ("in", emails)}, fields=["email", "status", "source"]
		)
	)


@pytest.fixture
def sent():
	"""A campaign of two steps (the second 3 days later) for two leads, its first step queued: all
	committed, deleted afterwards."""
	tag = frappe.generate_hash(length=8)
	emails = [f"oneclick{i}-{tag}@example.com" for i in range(2)]
	made = {"emails": emails}
	try:
		templates = [
			frappe.get_doc(
				{
					"doctype": "Email Template",
					"name": f"_CP One-click {tag} {i}",
					"subject": "S",
					"response": "B",
				}
			).insert(ignore_permissions=True)
			for i in range(2)
		]
		made["templates"] = [t.name for t in templates]
		campaign = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": f"_CP One-click {tag}",
				"cp_opt_in_rule": "Not Required",
				"campaign_schedules": [
					{"email_template": templates[0].name, "send_after_days": 0},
					{"email_template": templates[1].name, "send_after_days": 3},
				],
			}
		).insert(ignore_permissions=True)
		made["campaign"] = campaign.name
		made["leads"] = []
		for address in emails:
			lead = frappe.get_doc({"doctype": "Lead", "first_name": "One", "email_id": address}).insert(
				ignore_permissions=True
			)
			made["leads"].append(lead.name)
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
		planner.plan_campaigns([campaign.name], enqueue=False)
		made["rows"] = dict(
			frappe.get_all(
				"Campaign Send Log",
				filters={"campaign": campaign.name},
				fields=["email", "name"],
				as_list=True,
			)
		)
		frappe.db.commit()
		yield made
	finally:
		frappe.db.rollback()
		cleanup(made)


def cleanup(made: dict) -> None:
	emails = made["emails"]
	frappe.db.delete("Email Unsubscribe", {"email": ("in", emails)})
	frappe.db.delete("Campaign Consent", {"email": ("in", emails)})
	if made.get("campaign"):
		campaign = made["campaign"]
		queue = frappe.get_all("Email Queue", filters={"reference_name": campaign}, pluck="name")
		if queue:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queue)})
			frappe.db.delete("Email Queue", {"name": ("in", queue)})
		frappe.db.delete("Campaign Send Log", {"campaign": campaign})
		frappe.db.delete("Campaign Entry", {"campaign": campaign})
		frappe.db.delete("Email Campaign", {"campaign_name": campaign})
		frappe.delete_doc("Campaign", campaign, force=True, ignore_permissions=True)
	for lead in made.get("leads", []):
		frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
	for template in made.get("templates", []):
		frappe.delete_doc("Email Template", template, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_gmails_one_click_post_unsubscribes_that_recipient_only_and_a_get_changes_nothing(base_url, sent):
	campaign, emails = sent["campaign"], sent["emails"]
	row = sent["rows"][emails[0]]
	token = unsubscribe_links.token_signer()(row)
	one_click = unsubscribe_links.one_click_url(token, base_url)
	page = unsubscribe_links.page_url(token, base_url)
	# link scanners and previews: GETs of the header's URL and of the body's link show a page
	for url in (one_click, page):
		status, _headers, text = request(base_url, "GET", url)
		assert status == 200 and "cp-unsubscribe" in text
	status, _headers, _text = request(base_url, "HEAD", one_click)
	assert status in (200, 403, 405)  # a HEAD: a page at most, never an action
	# Frappe's own link of emails sent before: the same page, nothing done on GET
	from frappe.utils.verified_command import get_signed_params

	legacy = "/api/method/frappe.email.queue.unsubscribe?" + get_signed_params(
		{"email": emails[0], "doctype": "Campaign", "name": campaign}
	)
	status, _headers, text = request(base_url, "GET", base_url + legacy)
	assert status == 200 and "cp-unsubscribe" in text
	# forged, altered, oversized, and a POST without the one-click body
	for url, body in (
		(unsubscribe_links.one_click_url(token[:-3] + "abc", base_url), b"List-Unsubscribe=One-Click"),
		(unsubscribe_links.one_click_url("x" * 5000, base_url), b"List-Unsubscribe=One-Click"),
		(one_click, b""),
		(one_click, b"List-Unsubscribe=Yes"),
	):
		status, _headers, _text = gmail_post(base_url, url, body)
		assert status == 400
	assert unsubscribes(emails) == [] and consents(emails) == []

	status, headers, _text = gmail_post(base_url, one_click)
	assert status == 200 and "Location" not in headers  # answered at once, never redirected
	assert unsubscribes(emails) == [(emails[0], campaign, 0)]
	assert consents(emails) == [(emails[0], "Withdrawn", ONE_CLICK)]
	# a provider's retry, and a multipart POST: still success, nothing more recorded
	assert gmail_post(base_url, one_click)[0] == 200
	boundary = "cpboundary"
	multipart = (
		f'--{boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n'
		f"--{boundary}--\r\n"
	).encode()
	status, _headers, _text = request(
		base_url,
		"POST",
		one_click,
		multipart,
		{"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(multipart))},
	)
	assert status == 200
	assert unsubscribes(emails) == [(emails[0], campaign, 0)]
	assert consents(emails) == [(emails[0], "Withdrawn", ONE_CLICK)]

	# the next step skips them, and only them
	frappe.db.rollback()
	results = planner.plan_campaigns(
		[campaign], now=planner.now_utc() + datetime.timedelta(days=3), enqueue=False
	)
	assert results[campaign].running
	step_two = {
		row.email: (row.status, row.reason)
		for row in frappe.get_all(
			"Campaign Send Log",
			filters={"campaign": campaign, "step_idx": 2},
			fields=["email", "status", "reason"],
		)
	}
	assert step_two[emails[0]] == ("Skipped", "Unsubscribed")
	assert step_two[emails[1]][0] in ("Planned", "Deferred")
	frappe.db.rollback()


def test_the_page_acts_only_on_a_persons_post(base_url, sent):
	campaign, emails = sent["campaign"], sent["emails"]
	token = unsubscribe_links.token_signer()(sent["rows"][emails[1]])
	choose = base_url + "/api/method/campaign_plus.optout.api.choose"
	status, _h, _t = request(base_url, "GET", f"{choose}?t={urllib.parse.quote(token)}&choice=all")
	assert status != 200  # the form's action takes a POST only
	assert unsubscribes(emails) == []
	body = urllib.parse.urlencode({"t": token, "choice": "all"}).encode()
	status, _h, text = request(
		base_url, "POST", choose, body, {"Content-Type": "application/x-www-form-urlencoded"}
	)
	assert status == 200 and 'data-outcome="unsubscribed-all"' in text
	assert unsubscribes(emails) == [(emails[1], "", 1)]
	bad = urllib.parse.urlencode({"t": token + "x", "choice": "campaign"}).encode()
	status, _h, text = request(
		base_url, "POST", choose, bad, {"Content-Type": "application/x-www-form-urlencoded"}
	)
	assert status == 400
	assert unsubscribes(emails) == [(emails[1], "", 1)]
	assert campaign
