# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Email services' event webhooks, read into one shape: :class:`Event`.

Amazon SES (through SNS), SendGrid, Mailgun, Postmark and Brevo each post their own JSON. Each
reader here turns a payload into the events campaign_plus acts on — delivered, hard bounce, soft
bounce, complaint, unsubscribe — and leaves the others (opens, clicks, "processed", …: the app
tracks those itself) out. Each event carries:

- ``key``: the provider's own identity of the event (the same event posted twice has the same
  key: it is applied once);
- ``token``: the value of the per-message metadata campaign_plus gave the message (see
  :func:`message_headers`: SES message tags, SendGrid unique arguments, Mailgun variables,
  Postmark metadata, Brevo's ``X-Mailin-custom``), which names the Send Log row even when the
  provider replaced the Message-ID;
- ``message_id``: the original Message-ID when the provider reports it; ``email``: the recipient.

A payload that is not of the provider's shape raises :class:`PayloadError` (the endpoint answers
400 and writes nothing); an event of a kind not listed above is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

DELIVERED = "Delivered"
HARD_BOUNCE = "Hard Bounce"
SOFT_BOUNCE = "Soft Bounce"
COMPLAINT = "Complaint"
UNSUBSCRIBE = "Unsubscribe"
KINDS = (DELIVERED, HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT, UNSUBSCRIBE)

SES = "Amazon SES"
SENDGRID = "SendGrid"
MAILGUN = "Mailgun"
POSTMARK = "Postmark"
BREVO = "Brevo"
PROVIDERS = (SES, SENDGRID, MAILGUN, POSTMARK, BREVO)

# The name campaign_plus gives its per-message metadata at every provider.
TAG = "cp_send"
KEY_LENGTH = 140  # the event log's key column
MAX_EVENTS = 10_000  # events in one request, at most
_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class PayloadError(ValueError):
	"""The body is not what the provider posts."""


@dataclass(frozen=True)
class Event:
	key: str
	kind: str
	email: str | None
	token: str | None = None
	message_id: str | None = None
	occurred_at: dt.datetime | None = None  # aware, UTC
	status: str | None = None  # an enhanced status code (5.1.1) when the provider gives one
	detail: str = ""


def message_headers(provider: str | None, token: str) -> dict[str, str]:
	"""The headers that make ``provider`` echo ``token`` in its events about the message."""
	if provider == SES:
		return {"X-SES-MESSAGE-TAGS": f"{TAG}={token}"}
	if provider == SENDGRID:
		return {"X-SMTPAPI": json.dumps({"unique_args": {TAG: token}}, separators=(",", ":"))}
	if provider == MAILGUN:
		return {"X-Mailgun-Variables": json.dumps({TAG: token}, separators=(",", ":"))}
	if provider == POSTMARK:
		return {f"X-PM-Metadata-{TAG}": token}
	if provider == BREVO:
		return {"X-Mailin-custom": token}
	return {}


# --- small readers ----------------------------------------------------------------------------


def _text(value, limit: int = 1000) -> str:
	if value is None or isinstance(value, dict | list):
		return ""
	return " ".join(str(value).split())[:limit]


def _object(mapping: dict, key: str) -> dict:
	"""``mapping[key]`` when it is a JSON object, else an empty one (a payload trusts nothing)."""
	value = mapping.get(key)
	return value if isinstance(value, dict) else {}


def _email(value) -> str | None:
	match = _ADDRESS.search(_text(value))
	return match.group(0).lower() if match else None


def _message_id(value) -> str | None:
	value = _text(value, 998).strip("<>").strip()
	return value or None


def _token(value) -> str | None:
	if isinstance(value, list):
		value = value[0] if value else None
	value = _text(value, 2048)
	return value or None


def _status(*texts) -> str | None:
	for text in texts:
		match = _STATUS.search(_text(text))
		if match:
			return match.group(0)
	return None


def _class_status(code) -> str | None:
	"""An SMTP reply code (550) as the class of an enhanced status (5.0.0)."""
	code = _text(code, 8)
	return f"{code[0]}.0.0" if code[:1] in ("4", "5") else None


def event_key(*parts) -> str:
	key = ":".join(_text(part, 400) for part in parts)
	if len(key) > KEY_LENGTH:
		key = key[: KEY_LENGTH - 41] + "#" + hashlib.sha1(key.encode()).hexdigest()
	return key


def _id_key(value, event: dict) -> str:
	"""The provider's event id, else a digest of the whole event."""
	return event_key(value) if _text(value, 400) else _fallback_key(event)


def _fallback_key(event: dict) -> str:
	return "sha1:" + hashlib.sha1(json.dumps(event, sort_keys=True, default=str).encode()).hexdigest()


def _epoch(value) -> dt.datetime | None:
	try:
		seconds = float(value)
	except (TypeError, ValueError):
		return None
	if seconds > 1e11:  # milliseconds
		seconds /= 1000
	try:
		return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
	except (OverflowError, OSError, ValueError):
		return None


def _iso(value) -> dt.datetime | None:
	text = _text(value, 64)
	if not text:
		return None
	try:
		moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
	except ValueError:
		return None
	return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)


def _events(payload, name: str) -> list[dict]:
	"""A list of event objects (a batch) or one object."""
	if isinstance(payload, dict):
		events = [payload]
	elif isinstance(payload, list):
		events = payload
	else:
		raise PayloadError(f"{name}: a JSON object or list was expected")
	if len(events) > MAX_EVENTS:
		raise PayloadError(f"{name}: more than {MAX_EVENTS} events in one request")
	if not all(isinstance(event, dict) for event in events):
		raise PayloadError(f"{name}: every event must be a JSON object")
	return events


def loads(body: bytes | str):
	"""JSON, or :class:`PayloadError`."""
	try:
		return json.loads(body)
	except (TypeError, ValueError, RecursionError) as error:
		raise PayloadError(f"the body is not JSON: {error}") from None


# --- Amazon SES (the Message of an SNS Notification) ---------------------------------------------


def _ses_header(mail: dict, name: str) -> str | None:
	for header in mail.get("headers") or []:
		if isinstance(header, dict) and _text(header.get("name"), 200).lower() == name.lower():
			return _text(header.get("value"), 2048) or None
	return None


def ses(message: dict, notification_id: str) -> list[Event]:
	"""The events of one SES notification (event publishing's ``eventType`` or the identity
	notifications' ``notificationType``); ``notification_id``: the SNS MessageId."""
	if not isinstance(message, dict):
		raise PayloadError("Amazon SES: the notification's Message must be a JSON object")
	kind = _text(message.get("eventType") or message.get("notificationType"), 40)
	mail = _object(message, "mail")
	tags = _object(mail, "tags")
	common = _object(mail, "commonHeaders")
	token = _token(tags.get(TAG)) or _ses_header(mail, "X-Campaign-Plus-Send")
	message_id = _message_id(_ses_header(mail, "Message-ID") or common.get("messageId"))

	def event(kind_: str, recipient, moment, status=None, detail="") -> Event:
		email = _email(recipient)
		return Event(event_key(notification_id, kind_, email), kind_, email, token, message_id,
			_iso(moment), status, _text(detail))  # fmt: skip

	events: list[Event] = []
	if kind == "Bounce":
		bounce = _object(message, "bounce")
		hard = _text(bounce.get("bounceType")) == "Permanent"
		for recipient in bounce.get("bouncedRecipients") or []:
			if isinstance(recipient, dict):
				status = _status(recipient.get("status"), recipient.get("diagnosticCode"))
				detail = recipient.get("diagnosticCode") or bounce.get("bounceSubType")
				events.append(event(HARD_BOUNCE if hard else SOFT_BOUNCE, recipient.get("emailAddress"),
					bounce.get("timestamp"), status, detail))  # fmt: skip
	elif kind == "Complaint":
		complaint = _object(message, "complaint")
		if _text(complaint.get("complaintSubType")) == "OnAccountSuppressionList":
			return []  # SES did not send it: the address complained before, nobody complained now
		detail = complaint.get("complaintFeedbackType") or "abuse"
		for recipient in complaint.get("complainedRecipients") or []:
			if isinstance(recipient, dict):
				events.append(event(COMPLAINT, recipient.get("emailAddress"), complaint.get("timestamp"),
					None, detail))  # fmt: skip
	elif kind == "Delivery":
		delivery = _object(message, "delivery")
		for recipient in delivery.get("recipients") or []:
			events.append(event(DELIVERED, recipient, delivery.get("timestamp"), None,
				delivery.get("smtpResponse")))  # fmt: skip
	elif kind == "DeliveryDelay":
		delay = _object(message, "deliveryDelay")
		for recipient in delay.get("delayedRecipients") or []:
			if isinstance(recipient, dict):
				status = _status(recipient.get("status"), recipient.get("diagnosticCode"))
				events.append(event(SOFT_BOUNCE, recipient.get("emailAddress"), delay.get("timestamp"),
					status, recipient.get("diagnosticCode") or delay.get("delayType")))  # fmt: skip
	elif kind == "Subscription":
		subscription = _object(message, "subscription")
		preferences = subscription.get("newTopicPreferences")
		if isinstance(preferences, dict) and preferences.get("unsubscribeAll"):
			for recipient in mail.get("destination") or []:
				events.append(event(UNSUBSCRIBE, recipient, subscription.get("timestamp")))
	return events


# --- SendGrid (a JSON list of events) ------------------------------------------------------------

_SENDGRID = {
	"delivered": DELIVERED,
	"deferred": SOFT_BOUNCE,
	"spamreport": COMPLAINT,
	"unsubscribe": UNSUBSCRIBE,
	"group_unsubscribe": UNSUBSCRIBE,
}


def sendgrid(payload) -> list[Event]:
	events = []
	for item in _events(payload, SENDGRID):
		name = _text(item.get("event"), 40).lower()
		if name == "bounce":  # type "bounce": refused for good; "blocked": refused for now
			kind = SOFT_BOUNCE if _text(item.get("type")).lower() == "blocked" else HARD_BOUNCE
		else:
			kind = _SENDGRID.get(name)
		if not kind:
			continue
		events.append(
			Event(
				_id_key(item.get("sg_event_id"), item),
				kind,
				_email(item.get("email")),
				_token(item.get(TAG)),
				_message_id(item.get("smtp-id")),
				_epoch(item.get("timestamp")),
				_status(item.get("status"), item.get("reason")),
				_text(item.get("reason") or item.get("response")),
			)
		)
	return events


# --- Mailgun (one event per request, with its signature) -------------------------------------------


def mailgun(payload) -> list[Event]:
	if not isinstance(payload, dict) or not isinstance(payload.get("event-data"), dict):
		raise PayloadError("Mailgun: an object with event-data was expected")
	data = payload["event-data"]
	name = _text(data.get("event"), 40).lower()
	if name == "failed":
		kind = HARD_BOUNCE if _text(data.get("severity")).lower() == "permanent" else SOFT_BOUNCE
	else:
		kind = {"delivered": DELIVERED, "complained": COMPLAINT, "unsubscribed": UNSUBSCRIBE}.get(name)
	if not kind:
		return []
	variables = _object(data, "user-variables")
	message = _object(data, "message")
	headers = _object(message, "headers")
	status = _object(data, "delivery-status")
	detail = status.get("description") or status.get("message") or data.get("reason")
	return [
		Event(
			_id_key(data.get("id"), data),
			kind,
			_email(data.get("recipient")),
			_token(variables.get(TAG)),
			_message_id(headers.get("message-id")),
			_epoch(data.get("timestamp")),
			_status(status.get("enhanced-code"), status.get("message"), status.get("description"))
			or _class_status(status.get("code")),
			_text(detail),
		)
	]


# --- Postmark (one record per request) -------------------------------------------------------------

_POSTMARK_HARD = {"HardBounce", "BadEmailAddress"}
_POSTMARK_SOFT = {"SoftBounce", "Transient", "DnsError"}


def postmark(payload) -> list[Event]:
	events = []
	for item in _events(payload, POSTMARK):
		record = _text(item.get("RecordType"), 40)
		metadata = _object(item, "Metadata")
		token = _token(metadata.get(TAG))
		if record == "Delivery":
			kind, email, moment = DELIVERED, item.get("Recipient"), item.get("DeliveredAt")
			key = event_key(record, item.get("MessageID"), _email(email))
		elif record in ("Bounce", "SpamComplaint"):
			bounce_type = _text(item.get("Type"), 40)
			if record == "SpamComplaint" or bounce_type == "SpamComplaint":
				kind = COMPLAINT
			elif bounce_type in _POSTMARK_HARD:
				kind = HARD_BOUNCE
			elif bounce_type in _POSTMARK_SOFT:
				kind = SOFT_BOUNCE
			elif bounce_type == "Unsubscribe":
				kind = UNSUBSCRIBE
			else:
				continue
			email, moment = item.get("Email"), item.get("BouncedAt")
			key = event_key(record, item.get("ID")) if _text(item.get("ID")) else _fallback_key(item)
		elif record == "SubscriptionChange":
			# a recipient's own unsubscribe; suppressions for bounces and complaints come as those
			if not item.get("SuppressSending") or _text(item.get("SuppressionReason")) != "ManualSuppression":
				continue
			kind, email, moment = UNSUBSCRIBE, item.get("Recipient"), item.get("ChangedAt")
			key = event_key(record, item.get("MessageID"), _email(email), moment)
		else:
			continue
		events.append(
			Event(
				key,
				kind,
				_email(email),
				token,
				None,
				_iso(moment),
				_status(item.get("Details"), item.get("Description")),
				_text(item.get("Description") or item.get("Details")),
			)
		)
	return events


# --- Brevo (one event per request, or a batch) -------------------------------------------------------

_BREVO = {
	"delivered": DELIVERED,
	"hard_bounce": HARD_BOUNCE,
	"invalid_email": HARD_BOUNCE,
	"soft_bounce": SOFT_BOUNCE,
	"deferred": SOFT_BOUNCE,
	"spam": COMPLAINT,
	"complaint": COMPLAINT,
	"unsubscribed": UNSUBSCRIBE,
	"unsubscribe": UNSUBSCRIBE,
}


def brevo(payload) -> list[Event]:
	events = []
	for item in _events(payload, BREVO):
		name = _text(item.get("event"), 40).lower()
		kind = _BREVO.get(name)
		if not kind:
			continue
		email = _email(item.get("email"))
		moment = item.get("ts_epoch") or item.get("ts_event") or item.get("ts")
		events.append(
			Event(
				event_key(name, item.get("message-id"), email, moment),
				kind,
				email,
				_token(item.get("X-Mailin-custom")),
				_message_id(item.get("message-id")),
				_epoch(moment),
				_status(item.get("reason")),
				_text(item.get("reason")),
			)
		)
	return events
