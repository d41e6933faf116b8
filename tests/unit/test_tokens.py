# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import tokens

SECRET = tokens.derive_secret("site secret", "test")
fields = st.lists(
	st.text(alphabet=st.characters(blacklist_characters="\x1f", blacklist_categories=("Cs",)), max_size=20),
	max_size=4,
)


@given(fields)
def test_round_trip(values):
	token = tokens.make(SECRET, "open", values)
	assert tokens.verify(SECRET, "open", token) == tuple(values)
	assert set(token) <= set(string.ascii_letters + string.digits + "-_.")


@given(fields, st.data())
def test_any_change_is_refused(values, data):
	token = tokens.make(SECRET, "open", values)
	position = data.draw(st.integers(0, len(token) - 1))
	replacement = data.draw(st.sampled_from(string.ascii_letters + string.digits + "-_."))
	tampered = token[:position] + replacement + token[position + 1 :]
	if tampered != token:
		# even where base64 would decode the same bytes (the unused low bits of a last character)
		assert tokens.verify(SECRET, "open", tampered) is None


@given(fields)
def test_another_spelling_of_the_same_bytes_is_refused(values):
	token = tokens.make(SECRET, "open", values)
	body, signature = token.split(".")
	alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
	# 16 bytes take 22 characters: the last one carries 2 bits and 4 unused ones
	last = alphabet.index(signature[-1])
	for unused in range(1, 16):
		respelled = signature[:-1] + alphabet[last ^ unused]
		assert tokens.verify(SECRET, "open", f"{body}.{respelled}") is None
	for inserted in ("=", "==", "!", " ", "\n"):
		assert tokens.verify(SECRET, "open", f"{body}.{signature[:5]}{inserted}{signature[5:]}") is None
	assert tokens.verify(SECRET, "open", token) == tuple(values)


def test_other_purpose_site_or_garbage_is_refused():
	token = tokens.make(SECRET, "open", ["row-1"])
	assert tokens.verify(SECRET, "click", token) is None
	assert tokens.verify(tokens.derive_secret("another site", "test"), "open", token) is None
	for garbage in (None, 42, "", ".", "a.b.c", "%%%.%%%", "' OR 1=1 --", "x" * 5000):
		assert tokens.verify(SECRET, "open", garbage) is None


def test_expiry():
	token = tokens.make(SECRET, "consent", ["a@example.com"], expires=1000)
	assert tokens.verify(SECRET, "consent", token, now=999) == ("a@example.com",)
	assert tokens.verify(SECRET, "consent", token, now=1001) is None
	assert tokens.verify(SECRET, "consent", token, now=None) is None  # an expiring token needs a clock


def test_derived_secrets_differ_per_purpose():
	assert tokens.derive_secret("k", "open") != tokens.derive_secret("k", "consent")


def test_fields_that_are_not_text_are_refused_when_signing():
	with pytest.raises(ValueError):
		tokens.make(SECRET, "x", ["a\x1fb"])
	with pytest.raises(ValueError):
		tokens.make(SECRET, "x", ["\ud800"])
