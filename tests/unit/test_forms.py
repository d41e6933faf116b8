# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine import forms as f

LEAD_FIELDS = {
	"email_id": f.FieldMeta("Data", "Email"),
	"first_name": f.FieldMeta("Data"),
	"company_name": f.FieldMeta("Data"),
	"mobile_no": f.FieldMeta("Data", "Phone"),
	"no_of_employees": f.FieldMeta("Select", "\n1-10\n11-50\n51-200"),
	"annual_revenue": f.FieldMeta("Currency"),
	"country": f.FieldMeta("Link", "Country"),
	"lead_owner": f.FieldMeta("Link", "User"),
	"customer": f.FieldMeta("Link", "Customer"),
	"cp_lead_score": f.FieldMeta("Float", read_only=True),
	"notes": f.FieldMeta("Table", "CRM Note"),
	"territory": f.FieldMeta("Link", "Territory"),
	"title": f.FieldMeta("Data", read_only=True),
}


def check(rows, consent=f.CONSENT_REQUIRED, text="I agree", seconds=3, url=None, doctype="Lead"):
	f.check_definition(doctype, rows, LEAD_FIELDS, consent, text, seconds, url)


def test_a_good_form():
	check([(1, "email_id", True), (2, "first_name", False), (3, "country", False), (4, "mobile_no", False)])
	check([(1, "email_id", True)], consent=f.CONSENT_OFF, text="", url="https://example.com/thanks")


@pytest.mark.parametrize(
	"rows, kwargs, message",
	[
		([(1, "first_name", True)], {}, "needs the email"),
		([(1, "email_id", False)], {}, "must be a required"),
		([(1, "email_id", True), (2, "email_id", False)], {}, "twice"),
		([(1, "email_id", True), (2, "nope", False)], {}, "has no field"),
		([(1, "email_id", True), (2, "lead_owner", False)], {}, "managed by the application"),
		([(1, "email_id", True), (2, "customer", False)], {}, "managed by the application"),
		([(1, "email_id", True), (2, "cp_lead_score", False)], {}, "managed by the application"),
		([(1, "email_id", True), (2, "title", False)], {}, "managed by the application"),
		([(1, "email_id", True), (2, "notes", False)], {}, "cannot be on a form"),
		([(1, "email_id", True), (2, "annual_revenue", False)], {}, "cannot be on a form"),
		([(1, "email_id", True), (2, "", False)], {}, "choose the field"),
		([(1, "email_id", True)], {"text": " "}, "consent checkbox"),
		([(1, "email_id", True)], {"seconds": -1}, "minimum fill time"),
		([(1, "email_id", True)], {"url": "javascript:alert(1)"}, "thank-you page"),
		([(1, "email_id", True)], {"doctype": "Customer"}, "Lead or a Contact"),
	],
)
def test_bad_forms_are_refused(rows, kwargs, message):
	with pytest.raises(RuleError, match=message):
		check(rows, **kwargs)


def test_link_to_a_private_list_is_refused():
	fields = {**LEAD_FIELDS, "x": f.FieldMeta("Link", "Supplier")}
	with pytest.raises(RuleError, match="cannot be shown"):
		f.check_definition("Lead", [(1, "email_id", True), (2, "x", False)], fields, f.CONSENT_OFF, "", 3)


FIELDS = [
	f.FormField("email_id", "Email", "Data", True),
	f.FormField("first_name", "First Name", "Data", False),
	f.FormField("mobile_no", "Mobile", "Phone", False),
	f.FormField("no_of_employees", "Employees", "Select", False, ("1-10", "11-50")),
	f.FormField("age", "Age", "Int", False),
	f.FormField("budget", "Budget", "Float", False),
	f.FormField("since", "Since", "Date", False),
	f.FormField("terms", "Terms", "Check", True),
	f.FormField("about", "About", "Small Text", False),
]


def test_clean_submission():
	result = f.clean_submission(
		FIELDS,
		{
			"email_id": " Ann@Example.COM ",
			"first_name": "  Ann   Lee ",
			"mobile_no": "+33 6 12 34 56 78",
			"no_of_employees": "11-50",
			"age": "42",
			"budget": "12,5",
			"since": "2025-02-03",
			"terms": "on",
			"about": "line one\r\nline two  \n",
			"unknown": "ignored",
		},
	)
	assert result.ok
	assert result.values == {
		"email_id": "ann@example.com",
		"first_name": "Ann Lee",
		"mobile_no": "+33 6 12 34 56 78",
		"no_of_employees": "11-50",
		"age": 42,
		"budget": 12.5,
		"since": "2025-02-03",
		"terms": 1,
		"about": "line one\nline two",
	}


def test_every_error_at_once_with_its_field():
	result = f.clean_submission(
		FIELDS,
		{
			"email_id": "not-an-address",
			"first_name": "x" * 141,
			"mobile_no": "call me",
			"no_of_employees": "1000",
			"age": "4.5",
			"budget": "lots",
			"since": "03/02/2025",
			"terms": "",
		},
	)
	assert not result.ok
	assert [e.fieldname for e in result.errors] == [
		"email_id", "first_name", "mobile_no", "no_of_employees", "age", "budget", "since", "terms",
	]  # fmt: skip
	assert result.errors[1].args == (140,)
	missing = f.clean_submission(FIELDS, {})
	assert {e.fieldname: e.message for e in missing.errors} == {
		"email_id": "This field is required.",
		"terms": "Tick this box to continue.",
	}


@given(
	st.dictionaries(
		st.sampled_from([x.fieldname for x in FIELDS]),
		st.one_of(st.text(max_size=200), st.integers(), st.none(), st.lists(st.text(), max_size=2)),
	)
)
def test_cleaning_never_raises_and_splits_fields(values):
	result = f.clean_submission(FIELDS, values)
	bad = {e.fieldname for e in result.errors}
	assert not bad & set(result.values)
	assert set(result.values) | bad <= {x.fieldname for x in FIELDS}
	for value in result.values.values():
		assert not isinstance(value, list)


def test_updates_never_erase():
	existing = {"first_name": "Ann", "company_name": "ACME", "email_id": "a@x.com", "mobile_no": None}
	assert f.updates_for(
		existing,
		{
			"email_id": "a@x.com",
			"first_name": "Ann",
			"company_name": "ACME Ltd",
			"mobile_no": "0123",
			"terms": 0,
		},
	) == {
		"company_name": "ACME Ltd",
		"mobile_no": "0123",
	}


def test_spam_reasons():
	ok = ("news", "1000000", "", "en")
	assert f.spam_reason(ok, "news", 1005, 3, "") is None
	assert f.spam_reason(ok, "news", 1005, 3, "http://spam") == f.HONEYPOT
	assert f.spam_reason(ok, "news", 1002, 3, None) == f.TOO_FAST
	assert f.spam_reason(ok, "other", 1005, 3, None) == f.OTHER_FORM
	assert f.spam_reason(None, "news", 1005, 3, None) == f.BAD_TOKEN
	assert f.spam_reason(("news", "x", "", "en"), "news", 1005, 3, None) == f.BAD_TOKEN
	assert f.spam_reason(("news", "1000500", "", "en"), "news", 1003.4, 3, None) == f.TOO_FAST
	assert f.spam_reason(ok, "news", 1000 + f.TOKEN_VALID_SECONDS + 1, 3, None) == f.EXPIRED
	assert f.spam_reason(ok, "news", 1000, 0, None) is None


@given(st.integers(0, 100), st.integers(0, 100))
def test_minimum_fill_time(min_seconds, elapsed):
	reason = f.spam_reason(("a", "1000000", "", "en"), "a", 1000 + elapsed, min_seconds, "")
	assert (reason == f.TOO_FAST) == (elapsed < min_seconds)


def test_embedding_sources_follow_frame_ancestors():
	sources = f.parse_sources(
		"example.com\n*.shop.fr, https://secure.example.net:8443\nhttp://127.0.0.1:8123"
	)
	assert f.frame_ancestors(sources) == (
		"frame-ancestors 'self' example.com *.shop.fr https://secure.example.net:8443 http://127.0.0.1:8123"
	)
	allowed = [
		"https://example.com", "http://example.com", "https://a.shop.fr", "https://b.c.shop.fr/page?x",
		"https://secure.example.net:8443", "http://127.0.0.1:8123", "https://127.0.0.1:8123",
	]  # fmt: skip
	refused = [
		"https://example.com:8080", "https://www.example.com", "https://shop.fr", "https://evilshop.fr",
		"http://secure.example.net:8443", "https://secure.example.net", "http://127.0.0.1:8124", None, "",
		"null", "file:///etc/passwd", "https://example.com.evil.org",
	]  # fmt: skip
	for origin in allowed:
		assert f.embedding_allowed(sources, origin), origin
	for origin in refused:
		assert not f.embedding_allowed(sources, origin), origin


@pytest.mark.parametrize("entry", ["ftp://x.com", "x.com/page", "x.com:99999", "bad_host", "a@b.com", "*"])
def test_bad_embedding_entries(entry):
	with pytest.raises(RuleError):
		f.parse_sources(entry)


def test_origin_of():
	assert f.origin_of("https://Example.com:443/a?b") == "https://example.com"
	assert f.origin_of("http://127.0.0.1:8000/x") == "http://127.0.0.1:8000"
	assert f.origin_of("javascript:alert(1)") is None


def test_routes():
	assert f.slug("Newsletter — Été 2026 !") == "newsletter-ete-2026"
	assert f.slug("!!!") == "form"
	f.check_route("spring-sale-2")
	for bad in ("Spring", "-a", "a_b", "a/b", ""):
		with pytest.raises(RuleError):
			f.check_route(bad)
