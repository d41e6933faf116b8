# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Spam complaints by email: Abuse Reporting Format reports (RFC 5965, RFC 6650).

Mailbox providers' feedback loops (Yahoo's Complaint Feedback Loop, Microsoft's JMRP, most
others) send, for each message a user marked as spam, a ``multipart/report;
report-type=feedback-report``: a human part, a ``message/feedback-report`` part (``Feedback-Type:
abuse``, ``Original-Rcpt-To``, ``Arrival-Date``, …) and the original message or its headers.
:func:`parse_arf` reads one. What matches the report to a send, in order: the original's
``X-Campaign-Plus-Send`` header (kept even when the provider redacts the recipient), its
Message-ID, then ``Original-Rcpt-To`` (or the original's ``To``).

Feedback types: ``abuse``, ``fraud``, ``virus`` and ``other`` are complaints; ``not-spam`` (the user
took it *out* of the spam folder) and ``auth-failure`` (DMARC / DKIM failure reports, RFC 6591)
are not.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import re
from dataclasses import dataclass

SEND_HEADER = "X-Campaign-Plus-Send"
REPORT_TYPE = "feedback-report"
COMPLAINT_TYPES = frozenset({"abuse", "fraud", "virus", "other"})
NOT_COMPLAINTS = frozenset({"not-spam", "auth-failure"})
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class FeedbackReport:
	feedback_type: str  # lower case; "abuse" when the report does not say
	recipient: str | None  # Original-Rcpt-To, else the original's To (lower case)
	send_token: str | None  # the original's X-Campaign-Plus-Send header value
	original_message_id: str | None  # without angle brackets
	arrival_date: dt.datetime | None  # aware
	user_agent: str | None
	reporting_mta: str | None
	source_ip: str | None

	@property
	def is_complaint(self) -> bool:
		return self.feedback_type not in NOT_COMPLAINTS

	@property
	def summary(self) -> str:
		"""One line for a log: who reported what."""
		parts = [f"Feedback-Type: {self.feedback_type}"]
		if self.user_agent:
			parts.append(f"User-Agent: {self.user_agent}")
		if self.reporting_mta:
			parts.append(f"Reporting-MTA: {self.reporting_mta}")
		if self.arrival_date:
			parts.append(f"Arrival-Date: {self.arrival_date.isoformat()}")
		return "; ".join(parts)[:1000]


def _message(raw: bytes | str | email.message.Message) -> email.message.Message:
	if isinstance(raw, email.message.Message):
		return raw
	if isinstance(raw, bytes):
		return email.message_from_bytes(raw, policy=email.policy.compat32)
	return email.message_from_string(raw, policy=email.policy.compat32)


def is_feedback_report(message: email.message.Message) -> bool:
	"""An ARF report: ``multipart/report; report-type=feedback-report``, or any message carrying
	a ``message/feedback-report`` part (some loops wrap the report in ``multipart/mixed``)."""
	if message.get_content_type() == "multipart/report":
		return str(message.get_param("report-type") or "").strip().lower() == REPORT_TYPE
	return message.is_multipart() and any(
		part.get_content_type() == "message/feedback-report" for part in message.walk()
	)


def _fields(part: email.message.Message) -> email.message.Message | None:
	"""The report's fields as a header block (Python parses ``message/*`` parts as a message)."""
	payload = part.get_payload()
	if isinstance(payload, list):
		return payload[0] if payload and isinstance(payload[0], email.message.Message) else None
	if isinstance(payload, str):
		text = part.get_payload(decode=True) or payload.encode("utf-8", "replace")
		return email.message_from_bytes(text.lstrip(b"\r\n"), policy=email.policy.compat32)
	return None


def _original(message: email.message.Message) -> email.message.Message | None:
	for part in message.walk():
		content_type = part.get_content_type()
		if content_type == "message/rfc822":
			payload = part.get_payload()
			if isinstance(payload, list) and payload:
				return payload[0]
		elif content_type in ("text/rfc822-headers", "message/rfc822-headers"):
			payload = part.get_payload()
			if isinstance(payload, list) and payload:
				return payload[0]
			raw = part.get_payload(decode=True) or b""
			return email.message_from_bytes(raw.lstrip(b"\r\n"), policy=email.policy.compat32)
	return None


def _text(value) -> str:
	return " ".join(str(value or "").split())


def _address(value) -> str | None:
	match = _ADDRESS.search(_text(value))
	return match.group(0).lower() if match else None


def _message_id(value) -> str | None:
	value = _text(value).strip("<>").strip()
	return value or None


def _date(value) -> dt.datetime | None:
	value = _text(value)
	if not value:
		return None
	try:
		moment = email.utils.parsedate_to_datetime(value)
	except (TypeError, ValueError, IndexError):
		return None
	if moment is None:
		return None
	return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def parse_arf(raw: bytes | str | email.message.Message) -> FeedbackReport | None:
	"""The report in an ARF message; None when the message is not one. Never raises on bad input."""
	try:
		message = _message(raw)
		if not is_feedback_report(message):
			return None
		fields = None
		for part in message.walk():
			if part.get_content_type() == "message/feedback-report":
				fields = _fields(part)
				break
		fields = fields if fields is not None else email.message.Message()
		original = _original(message)
		original_get = original.get if original is not None else (lambda _name, _default=None: None)
		feedback_type = _text(fields.get("Feedback-Type")).lower() or "abuse"
		recipient = _address(fields.get("Original-Rcpt-To")) or _address(original_get("To"))
		token = _text(original_get(SEND_HEADER)) or None
		return FeedbackReport(
			feedback_type=feedback_type,
			recipient=recipient,
			send_token=token,
			original_message_id=_message_id(original_get("Message-ID")),
			arrival_date=_date(fields.get("Arrival-Date") or fields.get("Received-Date")),
			user_agent=_text(fields.get("User-Agent"))[:140] or None,
			reporting_mta=_text(fields.get("Reporting-MTA"))[:140] or None,
			source_ip=_text(fields.get("Source-IP"))[:64] or None,
		)
	except Exception:  # a malformed report is no report: it stays an ordinary received email
		return None
