# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The guest endpoints email services post their events to: one per provider, POST only (a GET
is answered 405 and does nothing).

``/api/method/campaign_plus.webhooks.api.<ses|sendgrid|mailgun|postmark|brevo>?account=<Email
Account>``. A guest has no permission of its own: the account must have a row for that provider
in Campaign Plus Settings, and the request must prove itself as that provider's row says
(:mod:`campaign_plus.webhooks.verify`). Anything else — an unknown account, a bad signature or
secret, a replay, a body that is not the provider's — is answered with a plain 4xx, before
anything is written, and never with a traceback. Accepted events are applied once each, set-based
(:mod:`campaign_plus.feedback.pipeline`): a batch of 1,000 is a few statements per kind.
"""

import json

import frappe
from frappe.rate_limiter import rate_limit
from werkzeug.wrappers import Response

from campaign_plus.engine import providers
from campaign_plus.engine import suppression as rules
from campaign_plus.feedback import pipeline
from campaign_plus.webhooks import settings, verify

MAX_BODY = 10 * 1024 * 1024
# Per IP and endpoint: generous (SES posts one event per request), it only stops a flood.
RATE_LIMIT, RATE_SECONDS = 6000, 60
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _answer(status: int, message: str) -> Response:
	return Response(message + "\n", status=status, mimetype="text/plain", headers=HEADERS)


def _json(status: int, data: dict) -> Response:
	return Response(json.dumps(data), status=status, mimetype="application/json", headers=HEADERS)


def verify_request(provider: str) -> tuple:
	"""A guest's only permission: the request proves it comes from ``provider`` for an account
	configured with it. (config, events), or (None, the refusal to answer)."""
	request = frappe.request
	if request.method != "POST":  # a GET never changes anything: plain 405, not Frappe's error page
		return None, Response(
			"Method Not Allowed\n", status=405, mimetype="text/plain", headers={**HEADERS, "Allow": "POST"}
		)
	if request.content_length and request.content_length > MAX_BODY:
		return None, _answer(413, "Request too large.")
	config = settings.config_for(provider, request.args.get("account"))
	if config is None:
		return None, _answer(404, "Unknown account.")
	body = request.get_data(cache=True) or b""
	if len(body) > MAX_BODY:
		return None, _answer(413, "Request too large.")
	try:
		return config, verify.READERS[provider](config, request, body)
	except verify.Subscription as done:
		return None, _answer(200, f"Subscription {done}.")
	except verify.Refused as refused:
		return None, _answer(refused.status, f"Refused: {refused.message}.")


def receive(provider: str, config, events) -> Response:
	frappe.db.savepoint("campaign_plus_webhook")
	try:
		result = pipeline.process(provider, events, source=rules.PROVIDER, email_account=config.email_account)
	except Exception:
		frappe.db.rollback(save_point="campaign_plus_webhook")
		frappe.log_error(title=f"Campaign Plus: {provider} webhook events not recorded")
		return _answer(500, "The events could not be recorded; send them again later.")
	return _json(200, result.as_dict())


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=RATE_LIMIT, seconds=RATE_SECONDS)
def ses() -> Response:
	"""Amazon SES events through an SNS topic subscription (HTTPS)."""
	config, events = verify_request(providers.SES)
	return receive(providers.SES, config, events) if config else events


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=RATE_LIMIT, seconds=RATE_SECONDS)
def sendgrid() -> Response:
	"""SendGrid's signed Event Webhook."""
	config, events = verify_request(providers.SENDGRID)
	return receive(providers.SENDGRID, config, events) if config else events


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=RATE_LIMIT, seconds=RATE_SECONDS)
def mailgun() -> Response:
	"""Mailgun's webhooks (JSON, signed with the webhook signing key)."""
	config, events = verify_request(providers.MAILGUN)
	return receive(providers.MAILGUN, config, events) if config else events


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=RATE_LIMIT, seconds=RATE_SECONDS)
def postmark() -> Response:
	"""Postmark's webhooks (the secret in the URL, or basic auth with an API key of the row's user)."""
	config, events = verify_request(providers.POSTMARK)
	return receive(providers.POSTMARK, config, events) if config else events


@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
@rate_limit(limit=RATE_LIMIT, seconds=RATE_SECONDS)
def brevo() -> Response:
	"""Brevo's transactional webhooks (the secret in the URL, or basic auth with an API key)."""
	config, events = verify_request(providers.BREVO)
	return receive(providers.BREVO, config, events) if config else events
