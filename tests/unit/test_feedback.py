# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""ARF reports (RFC 5965): what identifies the complained-about send, whatever the loop redacts."""

import datetime as dt
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import feedback

TOKEN = "AR9jcGxlYXNl.c2lnbmF0dXJlLXRlc3Q"


def original(token=TOKEN, message_id="<abc123@mail.example.com>", to="jane@example.org") -> EmailMessage:
	message = EmailMessage()
	message["From"] = "news@shop.example.com"
	if to:
		message["To"] = to
	message["Subject"] = "Our offer"
	if message_id:
		message["Message-ID"] = message_id
	if token:
		message[feedback.SEND_HEADER] = token
	message.set_content("Hello")
	return message


def arf(
	fields: str | None = None,
	original_message: EmailMessage | None = None,
	headers_only: bool = False,
	report_type: str = "feedback-report",
	outer: str = "report",
) -> bytes:
	report = MIMEMultipart(outer, **({"report-type": report_type} if outer == "report" else {}))
	report["From"] = "feedback@yahoo.example"
	report["To"] = "fbl@shop.example.com"
	report["Subject"] = "FW: Our offer"
	report.attach(MIMEText("This is an email abuse report for an email message received from IP 192.0.2.1"))
	if fields is None:
		fields = (
			"Feedback-Type: abuse\r\nUser-Agent: YahooFBL/1.0\r\nVersion: 1\r\n"
			"Original-Mail-From: <bounce@shop.example.com>\r\nOriginal-Rcpt-To: <Jane@Example.org>\r\n"
			"Arrival-Date: Thu, 08 Mar 2026 14:00:00 +0100\r\nReporting-MTA: dns; mta.yahoo.example\r\n"
			"Source-IP: 192.0.2.1\r\n"
		)
	part = MIMEBase("message", "feedback-report")
	part.set_payload(fields)
	report.attach(part)
	if original_message is not None:
		if headers_only:
			headers = MIMEText("", "rfc822-headers")
			headers.set_payload("".join(f"{k}: {v}\r\n" for k, v in original_message.items()), charset=None)
			report.attach(headers)
		else:
			report.attach(MIMEMessage(original_message))
	return report.as_bytes()


def test_a_complete_report_names_the_send_the_message_and_the_recipient():
	report = feedback.parse_arf(arf(original_message=original()))
	assert report.is_complaint and report.feedback_type == "abuse"
	assert report.send_token == TOKEN
	assert report.original_message_id == "abc123@mail.example.com"
	assert report.recipient == "jane@example.org"
	assert report.arrival_date == dt.datetime(2026, 3, 8, 13, 0, tzinfo=dt.timezone.utc)
	assert report.user_agent == "YahooFBL/1.0" and report.source_ip == "192.0.2.1"
	assert "Feedback-Type: abuse" in report.summary


def test_headers_only_reports_and_redacted_recipients_still_carry_the_send_header():
	fields = "Feedback-Type: abuse\r\nUser-Agent: JMRP\r\nVersion: 1\r\n"
	report = feedback.parse_arf(arf(fields, original(to="redacted"), headers_only=True))
	assert report.send_token == TOKEN
	assert report.recipient is None
	assert report.original_message_id == "abc123@mail.example.com"


def test_without_an_original_the_recipient_comes_from_original_rcpt_to():
	report = feedback.parse_arf(arf())
	assert report.send_token is None and report.original_message_id is None
	assert report.recipient == "jane@example.org"


def test_a_report_wrapped_in_multipart_mixed_is_read_too():
	report = feedback.parse_arf(arf(original_message=original(), outer="mixed"))
	assert report is not None and report.send_token == TOKEN


def test_not_spam_and_dmarc_failure_reports_are_not_complaints():
	for kind in ("not-spam", "auth-failure"):
		report = feedback.parse_arf(arf(f"Feedback-Type: {kind}\r\nVersion: 1\r\n", original()))
		assert report is not None and not report.is_complaint
	for kind in ("abuse", "fraud", "virus", "other"):
		assert feedback.parse_arf(arf(f"Feedback-Type: {kind}\r\n", original())).is_complaint


def test_delivery_reports_and_ordinary_mail_are_not_feedback_reports():
	assert feedback.parse_arf(arf(report_type="delivery-status")) is None
	assert feedback.parse_arf(original().as_bytes()) is None
	assert feedback.parse_arf(b"") is None
	assert feedback.parse_arf("not an email at all") is None


@given(st.binary(max_size=2000))
def test_garbage_never_raises(raw):
	feedback.parse_arf(raw)


@given(
	token=st.text(alphabet="ABCDEFGHIJabcdefghij0123456789-_.", min_size=1, max_size=80),
	rcpt=st.from_regex(r"[a-z]{1,10}@[a-z]{1,10}\.(com|org|fr)", fullmatch=True),
	headers_only=st.booleans(),
)
def test_the_send_header_and_recipient_survive_any_value(token, rcpt, headers_only):
	fields = f"Feedback-Type: abuse\r\nOriginal-Rcpt-To: {rcpt.upper()}\r\n"
	report = feedback.parse_arf(arf(fields, original(token=token), headers_only=headers_only))
	assert report.send_token == token.strip()
	assert report.recipient == rcpt
