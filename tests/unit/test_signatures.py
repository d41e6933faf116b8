# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Webhook authenticity (engine.signatures): keys made here, payloads signed here."""

import base64
import datetime as dt
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import signatures as s

NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture(scope="module")
def sns_key():
	key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
	name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
	certificate = (
		x509.CertificateBuilder()
		.subject_name(name)
		.issuer_name(name)
		.public_key(key.public_key())
		.serial_number(x509.random_serial_number())
		.not_valid_before(NOW - dt.timedelta(days=1))
		.not_valid_after(NOW + dt.timedelta(days=1))
		.sign(key, hashes.SHA256())
	)
	return key, certificate.public_bytes(serialization.Encoding.PEM)


def signed(key, message: dict, version: str = "2") -> dict:
	message = {**message, "SignatureVersion": version}
	algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
	signature = key.sign(s.sns_string_to_sign(message), padding.PKCS1v15(), algorithm)
	return {**message, "Signature": base64.b64encode(signature).decode()}


NOTIFICATION = {
	"Type": "Notification",
	"MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
	"TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-events",
	"Subject": "Amazon SES Email Event Notification",
	"Message": '{"eventType":"Bounce"}',
	"Timestamp": "2026-03-01T10:00:00.000Z",
}
CONFIRMATION = {
	"Type": "SubscriptionConfirmation",
	"MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
	"Token": "2336412f37",
	"TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-events",
	"Message": "You have chosen to subscribe to the topic",
	"SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37",
	"Timestamp": "2026-03-01T10:00:00.000Z",
}


def test_sns_string_to_sign_follows_amazons_order():
	assert s.sns_string_to_sign(NOTIFICATION) == (
		b'Message\n{"eventType":"Bounce"}\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n'
		b"Subject\nAmazon SES Email Event Notification\nTimestamp\n2026-03-01T10:00:00.000Z\n"
		b"TopicArn\narn:aws:sns:eu-west-1:123456789012:ses-events\nType\nNotification\n"
	)
	without_subject = {k: v for k, v in NOTIFICATION.items() if k != "Subject"}
	assert b"Subject" not in s.sns_string_to_sign(without_subject)
	assert b"SubscribeURL\nhttps://sns" in s.sns_string_to_sign(CONFIRMATION)
	assert s.sns_string_to_sign({**NOTIFICATION, "Type": "Other"}) is None
	assert s.sns_string_to_sign({k: v for k, v in NOTIFICATION.items() if k != "Message"}) is None


def test_sns_signatures_v1_and_v2_verify_and_tampering_fails(sns_key):
	key, pem = sns_key
	for version in ("1", "2"):
		for message in (NOTIFICATION, CONFIRMATION):
			good = signed(key, message, version)
			assert s.sns_verify(good, pem)
			assert not s.sns_verify({**good, "Message": good["Message"] + " "}, pem)
			assert not s.sns_verify({**good, "SignatureVersion": "3"}, pem)
			assert not s.sns_verify({**good, "Signature": "not base64!"}, pem)
	other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
	assert not s.sns_verify(signed(other, NOTIFICATION), pem)
	assert not s.sns_verify(signed(key, NOTIFICATION), b"not a certificate")
	assert not s.sns_verify(signed(key, NOTIFICATION), pem, now=NOW + dt.timedelta(days=3))  # expired


def test_the_certificate_comes_only_from_an_sns_host_over_https():
	good = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem"
	assert s.sns_certificate_url_ok(good)
	assert s.sns_certificate_url_ok("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-a.pem")
	for bad in (
		"http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem",
		"https://sns.eu-west-1.amazonaws.com.evil.example/x.pem",
		"https://evil.example/sns.eu-west-1.amazonaws.com/x.pem",
		"https://sns.eu-west-1.amazonaws.com@evil.example/x.pem",
		"https://user@sns.eu-west-1.amazonaws.com/x.pem",
		"https://sns.eu-west-1.amazonaws.com:8443/x.pem",
		"https://sns.eu-west-1.amazonaws.com/x.pem?x=1",
		"https://sns.eu-west-1.amazonaws.com/x.txt",
		"https://s3.amazonaws.com/x.pem",
		"https://127.0.0.1/x.pem",
		"file:///etc/passwd.pem",
		"",
		None,
	):
		assert not s.sns_certificate_url_ok(bad), bad
	# a test may allow its own server, and only that one
	local = re.compile(r"127\.0\.0\.1:4443")
	assert s.sns_certificate_url_ok("https://127.0.0.1:4443/cert.pem", local)
	assert not s.sns_certificate_url_ok("https://127.0.0.1:4444/cert.pem", local)
	assert not s.sns_certificate_url_ok("http://127.0.0.1:4443/cert.pem", local)


@given(st.from_regex(r"[a-z0-9.-]{1,40}", fullmatch=True), st.sampled_from(["http", "https", "ftp"]))
def test_no_other_host_is_ever_accepted(host, scheme):
	url = f"{scheme}://{host}/cert.pem"
	accepted = s.sns_certificate_url_ok(url)
	assert accepted == (scheme == "https" and bool(s.SNS_HOST.fullmatch(host)))


def test_sendgrid_ecdsa():
	key = ec.generate_private_key(ec.SECP256R1())
	public = base64.b64encode(
		key.public_key().public_bytes(
			serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
		)
	).decode()
	pem = key.public_key().public_bytes(
		serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
	)
	body, timestamp = b'[{"event":"delivered"}]', "1772359200"
	signature = base64.b64encode(key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
	assert s.sendgrid_verify(public, signature, timestamp, body)
	assert s.sendgrid_verify(pem, signature, timestamp, body)
	assert not s.sendgrid_verify(public, signature, timestamp, body + b" ")
	assert not s.sendgrid_verify(public, signature, "1772359201", body)
	assert not s.sendgrid_verify(public, "garbage", timestamp, body)
	assert not s.sendgrid_verify("not a key", signature, timestamp, body)
	assert not s.sendgrid_verify(public, signature, None, body)
	rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
	rsa_public = base64.b64encode(
		rsa_key.public_key().public_bytes(
			serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
		)
	).decode()
	assert not s.sendgrid_verify(rsa_public, signature, timestamp, body)


def test_mailgun_hmac():
	signature = s.mailgun_signature("key-123", "1772359200", "abcdef")
	assert s.mailgun_verify("key-123", "1772359200", "abcdef", signature)
	assert s.mailgun_verify("key-123", "1772359200", "abcdef", signature.upper())
	assert not s.mailgun_verify("key-124", "1772359200", "abcdef", signature)
	assert not s.mailgun_verify("key-123", "1772359201", "abcdef", signature)
	assert not s.mailgun_verify("", "1772359200", "abcdef", signature)
	assert not s.mailgun_verify("key-123", None, "abcdef", signature)


def test_freshness_and_secrets():
	assert s.fresh(1000.0, 1000.0 + s.REPLAY_WINDOW)
	assert not s.fresh(1000.0, 1001.0 + s.REPLAY_WINDOW)
	assert not s.fresh(1001.0 + s.REPLAY_WINDOW, 1000.0)  # from the future
	assert not s.fresh(None, 1000.0)
	assert (
		s.unix_time("2026-03-01T10:00:00.000Z")
		== dt.datetime(2026, 3, 1, 10, tzinfo=dt.timezone.utc).timestamp()
	)
	assert (
		s.unix_time("1772359200") == 1772359200.0 and s.unix_time(True) is None and s.unix_time("x") is None
	)
	assert s.same_secret("s3cret", "s3cret") and not s.same_secret("s3cre", "s3cret")
	assert not s.same_secret("", "") and not s.same_secret(None, "s3cret") and not s.same_secret("x", None)


@given(st.binary(max_size=64), st.text(max_size=40), st.text(max_size=40))
def test_garbage_never_verifies_and_never_raises(blob, text, other):
	assert not s.sendgrid_verify(text, other, text, blob)
	assert (
		not s.mailgun_verify(text, other, text, other)
		or s.mailgun_signature(text, other, text) == other.lower()
	)
	assert not s.sns_verify({"Type": "Notification", "Signature": text, "SignatureVersion": "2"}, blob)
	s.unix_time(text)
