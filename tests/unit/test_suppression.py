# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The suppression list's reasons and its CSV import / export (engine.suppression)."""

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine import suppression as s
from campaign_plus.engine.schedule import BOUNCED_ADDRESS, REASONS, UNSUBSCRIBED


def test_every_reason_skips_with_a_planner_reason():
	assert set(s.SKIP_REASON) == set(s.REASONS)
	assert s.SKIP_REASON[s.HARD_BOUNCE] == BOUNCED_ADDRESS
	assert s.SKIP_REASON[s.UNSUBSCRIBE] == UNSUBSCRIBED
	assert set(s.SKIP_REASON.values()) <= set(REASONS)


def test_a_mailchimp_export():
	text = (
		"Email Address,First Name,MEMBER_RATING,UNSUB_TIME,REASON\n"
		"jane@example.org,Jane,2,2024-05-01 10:00:00,\n"
		"John@Example.org,John,1,2024-06-01 11:00:00,I no longer want these emails\n"
	)
	result = s.read_csv(text, default_reason=s.UNSUBSCRIBE)
	assert [(e.email, e.reason) for e in result.entries] == [
		("jane@example.org", s.UNSUBSCRIBE),
		("john@example.org", s.BY_HAND),
	]
	assert result.entries[0].since == dt.datetime(2024, 5, 1, 10, 0)


def test_a_french_semicolon_list_with_reasons_and_bad_rows():
	text = (
		"\ufeffCourriel;Motif;Date\n"
		"a@example.fr;Rebond définitif;01/02/2025\n"
		"b@example.fr;Plainte spam;\n"
		"c@example.fr;Désabonné;2025-03-04\n"
		"pas une adresse;;\n"
		"A@example.fr;autre;\n"
		"d@example.fr;;\n"
	)
	result = s.read_csv(text)
	assert [(e.email, e.reason) for e in result.entries] == [
		("a@example.fr", s.HARD_BOUNCE),
		("b@example.fr", s.SPAM_COMPLAINT),
		("c@example.fr", s.UNSUBSCRIBE),
		("d@example.fr", s.BY_HAND),
	]
	assert result.invalid == [(5, "pas une adresse")] and result.duplicates == 1
	assert result.entries[0].since == dt.datetime(2025, 2, 1)


def test_a_bare_list_of_addresses_without_heading():
	result = s.read_csv("a@example.org\nb@example.org\n")
	assert [e.email for e in result.entries] == ["a@example.org", "b@example.org"]


def test_files_without_addresses_are_refused():
	with pytest.raises(RuleError):
		s.read_csv("")
	with pytest.raises(RuleError):
		s.read_csv("name,city\nJane,Paris\n")


def test_export_is_safe_for_spreadsheets():
	text = s.write_csv([("=cmd@example.org", "By Hand", "2025-01-01", None, "By Hand", "+note")])
	rows = list(csv.reader(io.StringIO(text), delimiter=";"))
	assert rows[0] == ["email", "reason", "since", "campaign", "source", "note"]
	assert rows[1][0] == "'=cmd@example.org" and rows[1][5] == "'+note" and rows[1][3] == ""


ADDRESS = st.from_regex(r"[a-z][a-z0-9._-]{0,10}@[a-z]{1,10}\.(com|org|fr)", fullmatch=True)


@given(st.lists(ADDRESS, min_size=1, max_size=30), st.sampled_from([",", ";", "\t"]))
def test_export_then_import_gives_the_same_addresses_and_reasons(emails, delimiter):
	reasons = [s.REASONS[i % len(s.REASONS)] for i in range(len(emails))]
	text = s.write_csv(
		[(e, r, None, None, None, None) for e, r in zip(emails, reasons, strict=True)], delimiter
	)
	result = s.read_csv(text)
	expected = {}
	for email, reason in zip(emails, reasons, strict=True):
		expected.setdefault(email, reason)
	assert {(e.email, e.reason) for e in result.entries} == set(expected.items())
	assert result.duplicates == len(emails) - len(expected)


@given(st.text(max_size=300))
def test_garbage_is_read_or_refused_clearly(text):
	try:
		result = s.read_csv(text)
	except RuleError:
		return
	for entry in result.entries:
		assert entry.reason in s.REASONS and "@" in entry.email
