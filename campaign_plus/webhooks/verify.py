# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Is this request really from the email service the account is configured with? Then, its events.

Each ``<provider>(config, request)`` checks the request (the engine's
:mod:`~campaign_plus.engine.signatures`) and returns the provider's events (engine
:class:`~campaign_plus.engine.providers.Event`), or raises :class:`Refused` with the HTTP status
to answer — before anything is written. Amazon SES arrives through SNS: its signing certificate
is fetched only from an ``https://sns.<region>.amazonaws.com`` URL (cached a day per URL), and a
``SubscriptionConfirmation`` is confirmed by visiting its SubscribeURL (on an SNS host too).
"""

import hashlib
import os
import re
import ssl
import time
import urllib.request
from urllib.parse import urlsplit

import frappe

from campaign_plus.engine import providers, signatures
from campaign_plus.webhooks.settings import WebhookConfig

CERTIFICATE_TTL = 24 * 3600
MAX_CERTIFICATE = 64 * 1024
FETCH_TIMEOUT = 10
# Tests only: an SNS "host" served by the test itself, honoured only on a site that allows tests.
TEST_HOST_ENV = "CAMPAIGN_PLUS_TEST_SNS_HOST"
TEST_CA_ENV = "CAMPAIGN_PLUS_TEST_SNS_CA"


class Refused(Exception):
	def __init__(self, status: int, message: str):
		super().__init__(message)
		self.status, self.message = status, message


class Subscription(Exception):
	"""An SNS subscription (un)confirmation was handled: nothing else to do."""


def _header(request, name: str) -> str | None:
	value = request.headers.get(name)
	return value.strip() if isinstance(value, str) else None


def _json(body: bytes):
	try:
		return providers.loads(body)
	except providers.PayloadError as error:
		raise Refused(400, str(error)) from None


def _events(reader, *args):
	try:
		return reader(*args)
	except providers.PayloadError as error:
		raise Refused(400, str(error)) from None


# --- Amazon SES through SNS ---------------------------------------------------------------------


def _test_host() -> re.Pattern | None:
	host = os.environ.get(TEST_HOST_ENV)
	if host and frappe.conf.get("allow_tests"):
		return re.compile(re.escape(host))
	return None


def _ssl_context() -> ssl.SSLContext:
	context = ssl.create_default_context()
	ca = os.environ.get(TEST_CA_ENV)
	if ca and _test_host() is not None:
		context.load_verify_locations(cafile=ca)
	return context


def _fetch(url: str, limit: int) -> bytes:
	request = urllib.request.Request(url, headers={"User-Agent": "campaign_plus"})
	opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_ssl_context()), _NoRedirect)
	with opener.open(request, timeout=FETCH_TIMEOUT) as response:
		data = response.read(limit + 1)
	if len(data) > limit:
		raise Refused(400, "the certificate is too large")
	return data


class _NoRedirect(urllib.request.HTTPRedirectHandler):
	def redirect_request(self, *args, **kwargs):  # a redirect could lead off the SNS host
		return None


def sns_certificate(url: str) -> bytes:
	if not signatures.sns_certificate_url_ok(url, _test_host()):
		raise Refused(403, "the signing certificate is not on an SNS host")
	key = f"campaign_plus:sns-certificate:{url}"
	cached = frappe.cache.get_value(key)
	if cached:
		return cached.encode() if isinstance(cached, str) else cached
	try:
		pem = _fetch(url, MAX_CERTIFICATE)
	except Refused:
		raise
	except Exception:
		raise Refused(403, "the signing certificate could not be fetched") from None
	frappe.cache.set_value(key, pem.decode("ascii", "replace"), expires_in_sec=CERTIFICATE_TTL)
	return pem


def _subscribe_url_ok(url) -> bool:
	if not isinstance(url, str):
		return False
	parts = urlsplit(url)
	host = parts.hostname or ""
	test = _test_host()
	if test is not None and test.fullmatch(f"{host}:{parts.port}" if parts.port else host):
		return parts.scheme == "https"
	return parts.scheme == "https" and parts.port in (None, 443) and bool(signatures.SNS_HOST.fullmatch(host))


def ses(config: WebhookConfig, request, body: bytes) -> list[providers.Event]:
	message = _json(body)
	if not isinstance(message, dict) or message.get("Type") not in signatures.SNS_TYPES:
		raise Refused(400, "not an SNS message")
	if message.get("TopicArn") != config.topic_arn:
		raise Refused(403, "the message is not from the configured SNS topic")
	timestamp = signatures.unix_time(message.get("Timestamp"))
	if not signatures.fresh(timestamp, time.time(), signatures.SNS_REPLAY_WINDOW):
		raise Refused(400, "the message is too old (or from the future): refused as a replay")
	certificate = sns_certificate(message.get("SigningCertURL") or message.get("SigningCertUrl"))
	if not signatures.sns_verify(message, certificate):
		raise Refused(403, "bad signature")
	if message["Type"] == "SubscriptionConfirmation":
		if not _subscribe_url_ok(message.get("SubscribeURL")):
			raise Refused(403, "the subscription URL is not on an SNS host")
		try:
			_fetch(message["SubscribeURL"], 64 * 1024)
		except Exception:
			raise Refused(502, "the subscription could not be confirmed") from None
		raise Subscription("confirmed")
	if message["Type"] == "UnsubscribeConfirmation":
		raise Subscription("unsubscribed")
	notification = _json(message.get("Message") or "")
	return _events(providers.ses, notification, message.get("MessageId") or "")


# --- SendGrid ------------------------------------------------------------------------------------


def sendgrid(config: WebhookConfig, request, body: bytes) -> list[providers.Event]:
	signature = _header(request, "X-Twilio-Email-Event-Webhook-Signature")
	timestamp = _header(request, "X-Twilio-Email-Event-Webhook-Timestamp")
	if not signature or not timestamp:
		raise Refused(401, "the request is not signed")
	if not signatures.fresh(signatures.unix_time(timestamp), time.time()):
		raise Refused(400, "the signature is too old (or from the future): refused as a replay")
	if not signatures.sendgrid_verify(config.verification_key, signature, timestamp, body):
		raise Refused(403, "bad signature")
	return _events(providers.sendgrid, _json(body))


# --- Mailgun ---------------------------------------------------------------------------------------


def mailgun(config: WebhookConfig, request, body: bytes) -> list[providers.Event]:
	payload = _json(body)
	signature = payload.get("signature") if isinstance(payload, dict) else None
	if not isinstance(signature, dict):
		raise Refused(401, "the request is not signed")
	timestamp, token, value = signature.get("timestamp"), signature.get("token"), signature.get("signature")
	timestamp = str(timestamp) if isinstance(timestamp, int | str) else None
	if not signatures.fresh(signatures.unix_time(timestamp), time.time()):
		raise Refused(400, "the signature is too old (or from the future): refused as a replay")
	if not signatures.mailgun_verify(config.secret, timestamp, token, value):
		raise Refused(403, "bad signature")
	# Mailgun signs the timestamp and a token, not the body: a token is good for one body only.
	digest = hashlib.sha256(body).hexdigest()
	key = f"campaign_plus:mailgun-token:{config.name}:{token}"
	seen = frappe.cache.get_value(key)
	if seen and seen != digest:
		raise Refused(400, "this signature was used for another request: refused as a replay")
	frappe.cache.set_value(key, digest, expires_in_sec=signatures.REPLAY_WINDOW * 2)
	return _events(providers.mailgun, payload)


# --- Postmark and Brevo: a shared secret, or Frappe's basic auth --------------------------------------


def _check_secret(config: WebhookConfig, request) -> None:
	"""The secret in the URL; or basic auth — Frappe checks an API key and secret (and refuses a
	bad one, as it refuses any unknown bearer token) before any app code runs: a request it
	authenticated as the row's user is accepted."""
	if config.auth_user and frappe.session.user == config.auth_user:
		return
	given = request.args.get("secret")
	if not given:
		raise Refused(401, "no secret given")
	if not signatures.same_secret(given, config.secret):
		raise Refused(403, "bad secret")


def postmark(config: WebhookConfig, request, body: bytes) -> list[providers.Event]:
	_check_secret(config, request)
	return _events(providers.postmark, _json(body))


def brevo(config: WebhookConfig, request, body: bytes) -> list[providers.Event]:
	_check_secret(config, request)
	return _events(providers.brevo, _json(body))


READERS = {
	providers.SES: ses,
	providers.SENDGRID: sendgrid,
	providers.MAILGUN: mailgun,
	providers.POSTMARK: postmark,
	providers.BREVO: brevo,
}
