# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Is a webhook request really from the email service? One check per provider.

- **Amazon SES through SNS**: an RSA signature (``SignatureVersion`` 1: SHA1, 2: SHA256, PKCS#1
  v1.5) over the message's fields in a fixed order (:func:`sns_string_to_sign`), checked with the
  certificate at ``SigningCertURL`` — fetched only from ``https://sns.<region>.amazonaws.com/…``
  (:func:`sns_certificate_url_ok`).
- **SendGrid**: ECDSA (P-256, SHA-256) over ``timestamp + raw body`` with the account's
  verification key (base64 DER, as SendGrid shows it, or PEM).
- **Mailgun**: HMAC-SHA256 of ``timestamp + token`` with the signing key, hex.
- **Postmark, Brevo**: no signature; a secret in the URL or a bearer token (:func:`same_secret`); basic
  auth is Frappe's own API key check, before any app code runs.

Replays: a signed timestamp older (or further ahead) than the allowed window is refused
(:func:`fresh`); the same event posted again within it is applied once (its key, see
:mod:`campaign_plus.engine.providers`). Every function answers False for bad input, never raises.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
from urllib.parse import urlsplit

# Seconds a signed timestamp may be away from now.
REPLAY_WINDOW = 15 * 60
SNS_REPLAY_WINDOW = 60 * 60  # SNS retries a notification (same Timestamp) for a while
SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
_NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
_SUBSCRIPTION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
SNS_TYPES = ("Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation")


def _bytes(value: str | bytes) -> bytes:
	return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _b64decode(value) -> bytes | None:
	if not isinstance(value, str | bytes) or not value:
		return None
	try:
		return base64.b64decode(value, validate=True)
	except (binascii.Error, ValueError):
		return None


def fresh(timestamp: float | None, now: float, window: float = REPLAY_WINDOW) -> bool:
	"""A signed moment (Unix seconds) close enough to ``now``."""
	return timestamp is not None and abs(now - timestamp) <= window


def unix_time(value) -> float | None:
	"""Unix seconds from a number, a numeric string or an ISO 8601 moment ("…Z"); None otherwise."""
	if isinstance(value, bool):
		return None
	if isinstance(value, int | float):
		return float(value)
	if not isinstance(value, str) or not value.strip() or len(value) > 64:
		return None
	text = value.strip()
	try:
		return float(text)
	except ValueError:
		pass
	try:
		moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
	except ValueError:
		return None
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=dt.timezone.utc)
	return moment.timestamp()


# --- Amazon SNS --------------------------------------------------------------------------------


def sns_string_to_sign(message: dict) -> bytes | None:
	"""What SNS signs, for a Notification or a (Un)SubscriptionConfirmation; None if malformed."""
	if not isinstance(message, dict) or message.get("Type") not in SNS_TYPES:
		return None
	names = _NOTIFICATION_FIELDS if message["Type"] == "Notification" else _SUBSCRIPTION_FIELDS
	lines = []
	for name in names:
		value = message.get(name)
		if value is None:
			if name == "Subject":  # optional in a Notification
				continue
			return None
		if not isinstance(value, str):
			return None
		lines.append(f"{name}\n{value}\n")
	return "".join(lines).encode("utf-8")


def sns_certificate_url_ok(url, host_pattern: re.Pattern | None = None) -> bool:
	"""An HTTPS URL on an SNS host (``sns.<region>.amazonaws.com``), default port, no user,
	a ``.pem`` path. ``host_pattern`` replaces the host rule (tests only)."""
	if not isinstance(url, str) or len(url) > 2048:
		return False
	try:
		parts = urlsplit(url)
		port = parts.port
	except ValueError:
		return False
	if parts.scheme != "https" or parts.username or parts.password or parts.query or parts.fragment:
		return False
	host = (parts.hostname or "").lower()
	if host_pattern is None:
		if port not in (None, 443) or not SNS_HOST.fullmatch(host):
			return False
	elif not host_pattern.fullmatch(f"{host}:{port}" if port else host):
		return False
	return parts.path.endswith(".pem")


def sns_verify(message: dict, certificate_pem: bytes, now: dt.datetime | None = None) -> bool:
	"""The message's signature is good under ``certificate_pem`` (valid at ``now``)."""
	from cryptography import x509
	from cryptography.exceptions import InvalidSignature
	from cryptography.hazmat.primitives import hashes
	from cryptography.hazmat.primitives.asymmetric import padding, rsa

	data = sns_string_to_sign(message)
	signature = _b64decode(message.get("Signature")) if isinstance(message, dict) else None
	if data is None or signature is None:
		return False
	version = str(message.get("SignatureVersion") or "")
	algorithm = {"1": hashes.SHA1, "2": hashes.SHA256}.get(version)
	if algorithm is None:
		return False
	try:
		certificate = x509.load_pem_x509_certificate(_bytes(certificate_pem))
	except (ValueError, TypeError):
		return False
	now = now or dt.datetime.now(dt.timezone.utc)
	before = getattr(certificate, "not_valid_before_utc", None) or certificate.not_valid_before.replace(
		tzinfo=dt.timezone.utc
	)
	after = getattr(certificate, "not_valid_after_utc", None) or certificate.not_valid_after.replace(
		tzinfo=dt.timezone.utc
	)
	if not before <= now <= after:
		return False
	key = certificate.public_key()
	if not isinstance(key, rsa.RSAPublicKey):
		return False
	try:
		key.verify(signature, data, padding.PKCS1v15(), algorithm())
	except InvalidSignature:
		return False
	return True


# --- SendGrid ------------------------------------------------------------------------------------


def _public_key(key: str | bytes):
	from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key

	raw = _bytes(key).strip()
	try:
		if raw.startswith(b"-----BEGIN"):
			return load_pem_public_key(raw)
		der = _b64decode(b"".join(raw.split()))
		return load_der_public_key(der) if der else None
	except (ValueError, TypeError):
		return None
	except Exception:  # unsupported key types
		return None


def sendgrid_verify(public_key: str | bytes, signature, timestamp, body: bytes) -> bool:
	"""SendGrid's signed event webhook: ECDSA / SHA-256 over ``timestamp + body``."""
	from cryptography.exceptions import InvalidSignature
	from cryptography.hazmat.primitives import hashes
	from cryptography.hazmat.primitives.asymmetric import ec

	key = _public_key(public_key) if public_key else None
	raw_signature = _b64decode(signature)
	if not isinstance(key, ec.EllipticCurvePublicKey) or raw_signature is None:
		return False
	if not isinstance(timestamp, str) or not timestamp or len(timestamp) > 32:
		return False
	try:
		key.verify(raw_signature, timestamp.encode() + _bytes(body), ec.ECDSA(hashes.SHA256()))
	except (InvalidSignature, ValueError):
		return False
	return True


# --- Mailgun -------------------------------------------------------------------------------------


def mailgun_signature(signing_key: str, timestamp: str, token: str) -> str:
	return hmac.new(_bytes(signing_key), _bytes(f"{timestamp}{token}"), hashlib.sha256).hexdigest()


def mailgun_verify(signing_key: str, timestamp, token, signature) -> bool:
	if not signing_key or not all(
		isinstance(v, str) and v and len(v) < 512 for v in (timestamp, token, signature)
	):
		return False
	expected = mailgun_signature(signing_key, timestamp, token).encode()
	return hmac.compare_digest(expected, signature.lower().encode("utf-8", "replace"))


# --- a shared secret -----------------------------------------------------------------------------


def same_secret(given, expected: str | None) -> bool:
	"""``given`` is the (non-empty) secret, compared in constant time."""
	if not expected or not isinstance(given, str) or not given:
		return False
	return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
