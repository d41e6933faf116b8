# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign forms over real HTTP: the site served on 127.0.0.1 (tests/e2e/serve.py, this
checkout's code). The page and its headers, embedding refused on unlisted domains, the submission
as a browser posts it, spam and forged / replayed / oversized / GET requests, the per-IP rate
limit. What the server must see is committed; everything is deleted in a finally."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import frappe
import pytest

from campaign_plus.forms.page import TOKEN_PURPOSE
from campaign_plus.utils.signing import make_token
from tests.integration.conftest import BENCH, SITE
from tests.integration.helpers import make_campaign, use_outgoing_account
from tests.served import served_site

SUBMIT = "/api/method/campaign_plus.forms.api.submit"
VIEW = "/api/method/campaign_plus.forms.api.view"
PARTNER = "http://127.0.0.1:8123"

pytestmark = pytest.mark.commits  # the served site sees committed data: deleted afterwards


@pytest.fixture(scope="module")
def base_url():
	with served_site(BENCH, SITE) as url:
		yield url


def request(url: str, data: dict | None = None, headers: dict | None = None, method: str | None = None):
	body = urllib.parse.urlencode(data).encode() if data is not None else None
	opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
	try:
		with opener.open(
			urllib.request.Request(url, data=body, headers=headers or {}, method=method), timeout=60
		) as r:
			return r.status, dict(r.headers), r.read().decode()
	except urllib.error.HTTPError as error:
		return error.code, dict(error.headers), error.read().decode()


def hidden(page: str) -> dict:
	return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


@pytest.fixture
def form():
	"""A committed form of a committed campaign and segment; deleted afterwards with all it made."""
	frappe.db.rollback()
	accounts = dict(frappe.get_all("Email Account", fields=["name", "default_outgoing"], as_list=True))
	use_outgoing_account()
	campaign = make_campaign()
	segment = frappe.get_doc(
		{
			"doctype": "Campaign Segment",
			"segment_name": f"_Test CP {campaign.name}",
			"campaign": campaign.name,
		}
	).insert()
	doc = frappe.get_doc(
		{
			"doctype": "Campaign Form",
			"form_title": f"_Test CP http {frappe.generate_hash(length=6)}",
			"campaign": campaign.name,
			"segment": segment.name,
			"consent_checkbox": "Required",
			"consent_text": "Yes, send me news.",
			"double_opt_in": 1,
			"min_fill_seconds": 3,
			"allowed_domains": PARTNER,
			"form_fields": [{"fieldname": "email_id", "required": 1}, {"fieldname": "first_name"}],
		}
	).insert()
	frappe.db.commit()
	frappe.cache.delete_keys("rl:campaign_plus.forms.api")
	tag = frappe._dict(form=doc, campaign=campaign.name, segment=segment.name, emails=[], accounts=accounts)
	try:
		yield tag
	finally:
		frappe.db.rollback()
		cleanup(tag)
		frappe.cache.delete_keys("rl:campaign_plus.forms.api")


def cleanup(tag) -> None:
	submissions = frappe.get_all(
		"Campaign Form Submission", filters={"form": tag.form.name}, fields=["name", "party_type", "party"]
	)
	emails = set(tag.emails) | set(
		frappe.get_all("Campaign Form Submission", filters={"form": tag.form.name}, pluck="email")
	)
	consents = frappe.get_all(
		"Campaign Consent", filters={"email": ("in", list(emails) or [""])}, pluck="name"
	)
	if consents:
		queue = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Campaign Consent", "reference_name": ("in", consents)},
			pluck="name",
		)
		if queue:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queue)})
			frappe.db.delete("Email Queue", {"name": ("in", queue)})
		frappe.db.delete("Campaign Consent", {"name": ("in", consents)})
	frappe.db.delete("Campaign Form Submission", {"form": tag.form.name})
	frappe.db.delete("Campaign Form View", {"form": tag.form.name})
	frappe.db.delete("Campaign Segment Member", {"segment": tag.segment})
	frappe.db.delete("Campaign Segment Step", {"segment": tag.segment})
	frappe.db.delete("Campaign Segment Change", {"segment": tag.segment})
	for row in submissions:
		if frappe.db.exists(row.party_type, row.party):
			frappe.delete_doc(row.party_type, row.party, force=True, ignore_permissions=True)
	frappe.delete_doc("Campaign Form", tag.form.name, force=True, ignore_permissions=True)
	frappe.delete_doc("Campaign Segment", tag.segment, force=True, ignore_permissions=True)
	frappe.delete_doc("Campaign", tag.campaign, force=True, ignore_permissions=True)
	# the Email Account made or made the default outgoing one: as it was
	for name, default in frappe.get_all("Email Account", fields=["name", "default_outgoing"], as_list=True):
		if name not in tag.accounts:
			frappe.delete_doc("Email Account", name, force=True, ignore_permissions=True)
		elif default != tag.accounts[name]:
			frappe.db.set_value("Email Account", name, "default_outgoing", tag.accounts[name])
	frappe.db.commit()


def leads(email: str) -> int:
	frappe.db.rollback()
	return frappe.db.count("Lead", {"email_id": email})


def written(tag) -> tuple[int, int]:
	frappe.db.rollback()
	return (
		frappe.db.count("Campaign Form Submission", {"form": tag.form.name}),
		frappe.db.count("Campaign Segment Member", {"segment": tag.segment}),
	)


def test_the_page_its_headers_and_embedding_on_listed_domains_only(base_url, form):
	page_url = f"{base_url}/campaign-form/{form.form.route}"
	status, headers, page = request(page_url + "?utm_source=news&utm_medium=email")
	assert status == 200, page[:300]
	assert headers["Content-Security-Policy"] == f"frame-ancestors 'self' {PARTNER}"
	assert "no-store" in headers["Cache-Control"]
	fields = hidden(page)
	assert fields["form"] == form.form.name and fields["cp_token"]
	assert (fields["utm_source"], fields["utm_medium"]) == ("news", "email")
	assert "Yes, send me news." in page and 'name="cp_hp"' in page

	framed = {"Sec-Fetch-Dest": "iframe"}
	status, _h, page = request(page_url, headers={**framed, "Referer": f"{PARTNER}/landing?utm_source=x"})
	assert status == 200
	status, headers, page = request(page_url, headers={**framed, "Referer": "http://127.0.0.1:8124/"})
	assert status == 403 and "cannot be shown on this website" in page and "cp_token" not in page
	status, _h, page = request(page_url + "?embed=1")  # framed by the script, no Referer: refused
	assert status == 403

	status, headers, script = request(page_url + ".js")
	assert status == 200 and headers["Content-Type"].startswith("application/javascript")
	assert (
		f"/campaign-form/{form.form.route}" in script and "encodeURIComponent(window.location.href)" in script
	)

	status, _h, page = request(f"{base_url}/campaign-form/no-such-form-{frappe.generate_hash(length=6)}")
	assert status == 404 and "Traceback" not in page
	assert written(form) == (0, 0)  # showing a page writes nothing


def page_fields(base_url, form, query: str = "") -> dict:
	_s, _h, page = request(f"{base_url}/campaign-form/{form.form.route}{query}")
	return hidden(page)


def test_a_submission_over_http_and_refusals_that_write_nothing(base_url, form):
	email = f"http-{frappe.generate_hash(length=8)}@example.com"
	form.emails.append(email)
	fields = page_fields(base_url, form, "?utm_source=news&utm_campaign=" + urllib.parse.quote(form.campaign))
	data = {**fields, "email_id": email, "first_name": "Zoé", "cp_consent": "1"}

	status, _h, body = request(base_url + SUBMIT, data)  # too fast: min 3 s
	assert status == 400 and "quick" in body and written(form) == (0, 0)
	time.sleep(3.2)
	status, _h, body = request(base_url + SUBMIT, {**data, "cp_hp": "http://spam.example"})  # honeypot
	assert status == 400 and written(form) == (0, 0)
	status, _h, body = request(
		base_url + SUBMIT, {**data, "cp_token": data["cp_token"][:-3] + "abc"}
	)  # forged
	assert status == 400 and written(form) == (0, 0)
	status, _h, body = request(base_url + SUBMIT + "?" + urllib.parse.urlencode(data))  # GET
	assert status in (403, 405) and written(form) == (0, 0)
	frappe.cache.delete_keys("rl:campaign_plus.forms.api")
	shown = str(int((time.time() - 5) * 1000))
	foreign = make_token(TOKEN_PURPOSE, form.form.name, shown, "https://evil.example", "en")
	status, _h, body = request(base_url + SUBMIT, {**data, "cp_token": foreign})  # unlisted website
	assert status == 400 and written(form) == (0, 0)
	status, _h, body = request(base_url + SUBMIT, {**data, "first_name": "x" * 5000, "email_id": "nope"})
	assert status == 400 and written(form) == (0, 0)
	answer = frappe.parse_json(body)["message"]
	assert answer["errors"] == {
		"email_id": "Enter a valid email address.",
		"first_name": "At most 140 characters.",
	}
	assert "Traceback" not in body

	status, _h, body = request(base_url + SUBMIT, data)
	assert status == 200, body[:500]
	assert frappe.parse_json(body)["message"]["ok"] is True
	assert leads(email) == 1 and written(form) == (1, 1)
	status, _h, body = request(base_url + SUBMIT, data)  # the same page sent again (replayed): an update
	assert status == 200 and leads(email) == 1 and written(form) == (2, 1)
	row = frappe.get_all(
		"Campaign Form Submission",
		filters={"form": form.form.name},
		fields=["utm_source", "utm_campaign", "campaign", "ip_address"],
		limit=1,
	)[0]
	assert (row.utm_source, row.utm_campaign, row.campaign, row.ip_address) == (
		"news",
		form.campaign,
		form.campaign,
		"127.0.0.1",
	)


def test_an_oversized_submission_is_refused_without_writing(base_url, form):
	"""A body over 64 KB (one huge field nobody asked for, or thousands of them): refused with a
	short answer, nothing written, no trace; the form still takes a normal submission after."""
	email = f"big-{frappe.generate_hash(length=8)}@example.com"
	form.emails.append(email)
	fields = page_fields(base_url, form)
	data = {**fields, "email_id": email, "first_name": "Zoé", "cp_consent": "1"}
	time.sleep(3.2)
	status, _h, body = request(base_url + SUBMIT, {**data, "notes": "x" * 200_000})
	assert status == 413, body[:300]
	assert frappe.parse_json(body)["message"]["ok"] is False
	assert "Traceback" not in body and written(form) == (0, 0) and leads(email) == 0
	status, _h, body = request(base_url + SUBMIT, {**data, **{f"f{i}": "y" * 40 for i in range(2000)}})
	assert status == 413, body[:300]  # many fields nobody asked for: the same
	assert "Traceback" not in body and written(form) == (0, 0) and leads(email) == 0
	status, _h, body = request(base_url + SUBMIT, data)
	assert status == 200, body[:500]
	assert leads(email) == 1 and written(form) == (1, 1)


def test_the_sixth_submission_from_one_address_in_a_minute_is_refused(base_url, form):
	fields = page_fields(base_url, form)
	time.sleep(3.2)
	emails = [f"rate-{i}-{frappe.generate_hash(length=6)}@example.com" for i in range(6)]
	form.emails.extend(emails)
	for email in emails[:5]:
		status, _h, body = request(base_url + SUBMIT, {**fields, "email_id": email, "cp_consent": "1"})
		assert status == 200, body[:300]
	status, _h, body = request(base_url + SUBMIT, {**fields, "email_id": emails[5], "cp_consent": "1"})
	assert status == 429, body[:300]
	assert "Traceback" not in body
	assert [leads(email) for email in emails] == [1, 1, 1, 1, 1, 0]
	assert written(form) == (5, 5)


def test_the_page_counts_its_views_by_post_only(base_url, form):
	_s, _h, page = request(f"{base_url}/campaign-form/{form.form.route}")
	token = hidden(page)["cp_token"]
	assert request(
		base_url + VIEW + "?" + urllib.parse.urlencode({"form": form.form.name, "cp_token": token})
	)[0] in (
		403,
		405,
	)
	assert request(base_url + VIEW, {"form": form.form.name, "cp_token": token})[0] == 200
	assert request(base_url + VIEW, {"form": form.form.name, "cp_token": "forged"})[0] == 200
	frappe.db.rollback()
	assert frappe.db.get_value("Campaign Form View", {"form": form.form.name}, "views") == 1


def test_a_disabled_form_is_not_shown_nor_accepted(base_url, form):
	_s, _h, page = request(f"{base_url}/campaign-form/{form.form.route}")
	fields = hidden(page)
	frappe.db.set_value("Campaign Form", form.form.name, "enabled", 0)
	frappe.db.commit()
	frappe.clear_document_cache("Campaign Form", form.form.name)
	assert request(f"{base_url}/campaign-form/{form.form.route}")[0] == 404
	time.sleep(3.2)
	status, _h, _b = request(
		base_url + SUBMIT, {**fields, "email_id": "disabled@example.com", "cp_consent": "1"}
	)
	assert status == 400 and written(form) == (0, 0)
