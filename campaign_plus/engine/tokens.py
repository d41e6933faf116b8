# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Short signed tokens for links that guests follow (tracking, consent confirmation, …).

A token is ``<payload>.<signature>`` in URL-safe base64 without padding. The signature is an
HMAC-SHA256 (truncated to 128 bits) of the purpose, the payload and the expiry, under a secret
the caller derives from the site's own secret: a token made for one purpose (say "open") never
verifies for another ("click"), nor on another site. :func:`verify` answers None for anything
tampered (any character changed: each token has one spelling), foreign, expired or malformed, and
never raises on bad input.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SIGNATURE_BYTES = 16
SEPARATOR = "."
# Payload fields are joined with this character: it cannot appear in a field (see :func:`make`).
FIELD_SEPARATOR = "\x1f"


def _b64(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
	"""The bytes of ``text``, only when ``text`` is exactly how :func:`_b64` writes them.

	A decoder alone would take several spellings of the same bytes (the unused low bits of a last
	character, characters outside the alphabet, which it skips): a token altered that way would
	still verify. Only the one spelling this module makes is taken.
	"""
	data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
	if _b64(data) != text:
		raise ValueError("not the canonical spelling")
	return data


def _mac(secret: bytes, purpose: str, body: bytes) -> bytes:
	message = purpose.encode() + b"\x00" + body
	return hmac.new(secret, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def make(secret: bytes, purpose: str, fields: tuple[str, ...] | list[str], expires: int | None = None) -> str:
	"""A token carrying ``fields`` (strings without the unit separator) for ``purpose``.

	``expires`` is a Unix time after which :func:`verify` refuses the token (None: never).
	"""
	fields = [str(field) for field in fields]
	if any(FIELD_SEPARATOR in field for field in fields):
		raise ValueError("a token field cannot contain the unit separator")
	parts = [str(int(expires)) if expires is not None else "", *fields]
	try:
		body = FIELD_SEPARATOR.join(parts).encode("utf-8")
	except UnicodeEncodeError:
		raise ValueError("a token field must be valid text (no lone surrogates)") from None
	return f"{_b64(body)}{SEPARATOR}{_b64(_mac(secret, purpose, body))}"


def verify(secret: bytes, purpose: str, token: object, now: float | None = None) -> tuple[str, ...] | None:
	"""The fields of a good ``token`` for ``purpose``; None when it is bad, foreign or expired."""
	if not isinstance(token, str) or token.count(SEPARATOR) != 1 or len(token) > 2048:
		return None
	encoded_body, encoded_signature = token.split(SEPARATOR)
	try:
		body = _unb64(encoded_body)
		signature = _unb64(encoded_signature)
	except (ValueError, TypeError):
		return None
	if not hmac.compare_digest(signature, _mac(secret, purpose, body)):
		return None
	try:
		expires, *fields = body.decode("utf-8").split(FIELD_SEPARATOR)
	except UnicodeDecodeError:
		return None
	if expires:
		if not expires.isdigit() or now is None or now > int(expires):
			return None
	return tuple(fields)


def derive_secret(site_secret: str | bytes, purpose: str) -> bytes:
	"""A secret of its own for one use of the site's secret (so one key never signs two things)."""
	key = site_secret.encode() if isinstance(site_secret, str) else site_secret
	return hmac.new(key, b"campaign_plus:" + purpose.encode(), hashlib.sha256).digest()
