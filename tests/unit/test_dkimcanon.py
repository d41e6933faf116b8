# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The one-pass relaxed canonicalization gives what dkimpy hashes for the same header block."""

import hashlib

import dkim
from dkim.canonicalization import CanonicalizationPolicy
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import dkimcanon

NAMES = [b"From", b"To", b"Subject", b"subject", b"Date", b"Message-ID", b"List-Unsubscribe", b"X-Other"]
VALUE = st.text(alphabet=" \tabcXYZ<>@.:;=-01", max_size=30).map(str.encode)
FIELD = st.tuples(
	st.sampled_from(NAMES),
	st.lists(VALUE, min_size=1, max_size=3),  # the value's lines: folded when more than one
	st.sampled_from([b"", b" ", b"  ", b"\t"]),
	st.sampled_from([b" ", b"\t", b"  "]),
)


def block(fields) -> bytes:
	"""A header block: each field ``name:`` + white space + its value's lines, folded with ``fold``."""
	return b"\r\n".join(
		name + b":" + space + (b"\r\n" + fold).join(lines) for name, lines, space, fold in fields
	)


def dkimpy_input(head: bytes, include: list[bytes], sig_value: bytes) -> bytes:
	class Recorder:
		data = b""

		def update(self, chunk):
			self.data += chunk

	policy = CanonicalizationPolicy.from_c_value(b"relaxed/simple")
	headers = dkim.rfc822_parse(head + b"\r\n\r\n")[0]
	recorder = Recorder()
	dkim.hash_headers(
		recorder, policy, policy.canonicalize_headers(headers), include, (b"DKIM-Signature", sig_value), {}
	)
	return recorder.data


@given(
	st.lists(FIELD, min_size=1, max_size=10), st.sampled_from([b" v=1; h=from;\r\n b=", b" a=b;  c=d\t; b="])
)
def test_relaxed_fields_hash_as_dkimpy(fields, sig_value):
	head = block(fields)
	canonical = dkimcanon.relaxed_fields(head)
	assert canonical is not None
	include = sorted({field[0].lower() for field in fields})
	mine = (
		b"".join(canonical[name] for name in include)
		+ dkimcanon.relaxed(b"DKIM-Signature", sig_value).rstrip()
	)
	assert hashlib.sha256(mine).digest() == hashlib.sha256(dkimpy_input(head, include, sig_value)).digest()


def test_a_block_that_is_not_plain_is_left_to_dkimpy():
	assert dkimcanon.relaxed_fields(b"From: a@b.c\nTo: d@e.f") is None  # bare line feed
	assert dkimcanon.relaxed_fields(b" continued: x") is None  # a continuation first
	assert dkimcanon.relaxed_fields(b"No colon here") is None
	assert dkimcanon.relaxed_fields(b"From: a\r\nSubject:  Hi \r\n  there ") == {
		b"from": b"from:a\r\n",
		b"subject": b"subject:Hi there\r\n",
	}
