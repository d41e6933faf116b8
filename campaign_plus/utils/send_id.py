# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The identifier every campaign email carries, so that a report about it finds its Send Log row.

A bounce, a spam complaint (ARF) or an email service's event may hide the message's Message-ID
or come from a system that rewrote it; the ``X-Campaign-Plus-Send`` header travels with the
message (ARF reports quote the original headers, providers echo custom headers). Its value is a
token signed under the site's secret that names the Send Log row: a report cannot be forged to
act on another recipient, and nothing about the recipient shows in it.
"""

from campaign_plus.utils.signing import read_token, signer

HEADER = "X-Campaign-Plus-Send"
PURPOSE = "campaign_plus:send"


def sign_many():
	"""A function ledger row name -> header value, for many rows (the secret derived once)."""
	return signer(PURPOSE)


def make(ledger_name: str) -> str:
	"""The header value for one Send Log row."""
	return sign_many()(ledger_name)


def read(value: object) -> str | None:
	"""The Send Log row a header value names; None for anything forged, foreign or malformed."""
	if not isinstance(value, str):
		return None
	fields = read_token(PURPOSE, value.strip())
	return fields[0] if fields and len(fields) == 1 and fields[0] else None
