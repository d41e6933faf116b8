# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Each email service's webhook over real HTTP, on the site served on 127.0.0.1 with this checkout's
code: a payload signed here (with keys made here) is applied once; a tampered one, a replay, an
unknown account, a GET, an oversized body — and for Amazon SES a certificate from anywhere but the
allowed host — write nothing, and never answer a traceback.

Amazon SES signs through SNS with a certificate fetched from ``https://sns.<region>.amazonaws.com``:
here the certificate is made by the test and served over HTTPS on 127.0.0.1, and the served site
is told (an environment variable honoured only on a site that allows tests) to accept that one
host and port instead of SNS's.

The data must be committed for the served site to see it: everything is deleted in a finally."""

import base64
import datetime as dt
import http.server
import json
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import frappe
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from frappe.utils.password import set_encrypted_password

from campaign_plus.engine import signatures
from campaign_plus.utils import send_id
from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names
from tests import signed_webhooks
from tests.integration.conftest import BENCH, SITE
from tests.served import served_site
from tests.site_cleanup import delete_for_good, delete_user_for_good
from tests.smtp_server import free_port, make_certificate

SETTINGS = "Campaign Plus Settings"
ROWS = 12
pytestmark = pytest.mark.commits
TOPIC = "arn:aws:sns:eu-west-1:123456789012:campaign-plus-test"


class CertificateServer:
	"""HTTPS on 127.0.0.1: the SNS signing certificate at /cert.pem, and /subscribe (recorded)."""

	def __init__(self, pem: bytes):
		self.directory = Path(tempfile.mkdtemp(prefix="campaign_plus_sns_"))
		self.tls_cert, self.tls_key = make_certificate(self.directory)
		self.port = free_port()
		self.subscribed: list[str] = []
		server = self

		class Handler(http.server.BaseHTTPRequestHandler):
			def do_GET(self):
				if self.path == "/cert.pem":
					body, status = pem, 200
				elif self.path.startswith("/subscribe"):
					server.subscribed.append(self.path)
					body, status = b"<ConfirmSubscriptionResponse/>", 200
				else:
					body, status = b"not found", 404
				self.send_response(status)
				self.send_header("Content-Length", str(len(body)))
				self.end_headers()
				self.wfile.write(body)

			def log_message(self, *args):
				pass

		self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
		context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
		context.load_cert_chain(self.tls_cert, self.tls_key)
		self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
		self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

	def __enter__(self):
		self.thread.start()
		return self

	def __exit__(self, *exc):
		self.httpd.shutdown()
		self.httpd.server_close()

	@property
	def base(self) -> str:
		return f"https://127.0.0.1:{self.port}"


def sns_signing_key():
	key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
	name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
	now = dt.datetime.now(dt.timezone.utc)
	certificate = (
		x509.CertificateBuilder()
		.subject_name(name)
		.issuer_name(name)
		.public_key(key.public_key())
		.serial_number(x509.random_serial_number())
		.not_valid_before(now - dt.timedelta(hours=1))
		.not_valid_after(now + dt.timedelta(days=1))
		.sign(key, hashes.SHA256())
	)
	return key, certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def rig(site):
	"""Committed: an Email Account with a webhook row per provider (keys and secrets made here), a
	campaign with ROWS sent Send Log rows per provider, the certificate server and the served site."""
	frappe.db.rollback()
	tag = frappe.generate_hash(length=6)
	made = frappe._dict(tag=tag, rows={}, webhook_rows=[], emails=[])
	sns_key, sns_pem = sns_signing_key()
	sendgrid_key = signed_webhooks.sendgrid_key()
	secrets = {
		"Mailgun": f"key-{frappe.generate_hash(length=24)}",
		"Postmark": frappe.generate_hash(length=24),
		"Brevo": frappe.generate_hash(length=24),
	}
	try:
		made.account = (
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": f"_CP Webhooks {tag}",
					"email_id": f"webhooks-{tag}@example.com",
					"enable_outgoing": 1,
					"smtp_server": "127.0.0.1",
					"no_smtp_authentication": 1,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		made.campaign = (
			frappe.get_doc({"doctype": "Campaign", "campaign_name": f"_CP Webhooks {tag}"})
			.insert(ignore_permissions=True)
			.name
		)
		# Postmark and Brevo with basic auth: Frappe checks an API key and secret of this user
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": f"webhooks-{tag}@example.com",
				"first_name": "Webhooks",
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
		made.user = user.name
		made.api_key, made.api_secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		frappe.db.set_value("User", user.name, "api_key", made.api_key)
		set_encrypted_password("User", user.name, made.api_secret, "api_secret")
		now = frappe.utils.now_datetime()
		for provider in ("Amazon SES", "SendGrid", "Mailgun", "Postmark", "Brevo"):
			emails = [
				f"wh-{provider[:4].lower().strip()}-{i}-{tag}@example.org".replace(" ", "")
				for i in range(ROWS)
			]
			names = ordered_names(ROWS)
			insert_many(
				"Campaign Send Log",
				(
					*STANDARD_COLUMNS,
					"campaign",
					"schedule_row",
					"step_idx",
					"party_type",
					"party",
					"email",
					"status",
					"due_date",
					"queued_on",
					"sent_on",
					"email_account",
				),
				[
					(
						name,
						now,
						now,
						"Administrator",
						"Administrator",
						0,
						made.campaign,
						f"step-{provider}",
						1,
						"Lead",
						f"CPW-{tag}-{name}",
						email,
						"Sent",
						now.date(),
						now,
						now,
						made.account,
					)
					for name, email in zip(names, emails, strict=True)
				],
			)
			made.rows[provider] = list(zip(names, emails, strict=True))
			made.emails += emails
		values = {
			"Amazon SES": {"topic_arn": TOPIC},
			"SendGrid": {
				"verification_key": base64.b64encode(
					sendgrid_key.public_key().public_bytes(
						serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
					)
				).decode()
			},
		}
		for idx, provider in enumerate(("Amazon SES", "SendGrid", "Mailgun", "Postmark", "Brevo"), start=1):
			row = frappe.get_doc(
				{
					"doctype": "Campaign Plus Webhook",
					"parent": SETTINGS,
					"parenttype": SETTINGS,
					"parentfield": "webhooks",
					"idx": 100 + idx,
					"email_account": made.account,
					"provider": provider,
					"auth_user": made.user if provider in ("Postmark", "Brevo") else None,
					**values.get(provider, {}),
				}
			)
			row.db_insert()
			made.webhook_rows.append(row.name)
			if provider in secrets:
				set_encrypted_password("Campaign Plus Webhook", row.name, secrets[provider], "secret")
		frappe.db.commit()
		with CertificateServer(sns_pem) as certificates:
			env = {
				"CAMPAIGN_PLUS_TEST_SNS_HOST": f"127.0.0.1:{certificates.port}",
				"CAMPAIGN_PLUS_TEST_SNS_CA": certificates.tls_cert,
			}
			with served_site(BENCH, SITE, env=env) as url:
				yield frappe._dict(
					made, url=url, sns_key=sns_key, certificates=certificates, sendgrid_key=sendgrid_key,
					secrets=secrets,
				)  # fmt: skip
	finally:
		frappe.db.rollback()
		campaign = made.get("campaign")
		emails = tuple(made.emails) or ("",)
		if campaign:
			for doctype in (
				"Campaign Send Log",
				"Campaign Bounce",
				"Campaign Feedback Event",
				"Campaign Reputation Pause",
			):
				frappe.db.delete(doctype, {"campaign": campaign})
			frappe.db.delete("Campaign", {"name": campaign})
		if made.get("account"):
			frappe.db.delete("Campaign Feedback Event", {"email_account": made.account})
			frappe.db.delete("Campaign Reputation Pause", {"email_account": made.account})
		for doctype in ("Campaign Suppression", "Campaign Consent", "Email Unsubscribe", "Campaign Bounce"):
			frappe.db.delete(doctype, {"email": ("in", emails)})
		for name in made.webhook_rows:
			frappe.db.delete("Campaign Plus Webhook", {"name": name})
			frappe.db.delete("__Auth", {"doctype": "Campaign Plus Webhook", "name": name})
		if made.get("account"):
			delete_for_good("Email Account", made.account)
		if made.get("user"):
			frappe.db.delete("__Auth", {"doctype": "User", "name": made.user})
			delete_user_for_good(made.user)
		for name in made.webhook_rows:  # what the served site cached: a certificate, Mailgun's tokens
			frappe.cache.delete_keys(f"campaign_plus:mailgun-token:{name}:")
		frappe.cache.delete_keys("campaign_plus:sns-certificate:https://127.0.0.1:")
		frappe.db.commit()


def post(
	rig, endpoint: str, body: bytes, headers: dict | None = None, account: str | None = None, query: str = ""
):
	url = f"{rig.url}/api/method/campaign_plus.webhooks.api.{endpoint}?account={quote(account or rig.account)}{query}"
	request = urllib.request.Request(
		url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
	)
	try:
		response = urllib.request.urlopen(request, timeout=60)
		return response.status, response.read().decode()
	except urllib.error.HTTPError as error:
		return error.code, error.read().decode()


def get(rig, endpoint: str):
	try:
		response = urllib.request.urlopen(
			f"{rig.url}/api/method/campaign_plus.webhooks.api.{endpoint}?account={quote(rig.account)}",
			timeout=30,
		)
		return response.status, response.read().decode()
	except urllib.error.HTTPError as error:
		return error.code, error.read().decode()


def written(rig) -> tuple:
	"""What a request could have written: events, row statuses, bounces, suppressions, consents."""
	frappe.db.rollback()
	emails = tuple(rig.emails)
	return (
		frappe.db.count("Campaign Feedback Event", {"email_account": rig.account}),
		tuple(
			frappe.get_all(
				"Campaign Send Log", filters={"campaign": rig.campaign}, pluck="status", order_by="name"
			)
		),
		tuple(
			frappe.get_all(
				"Campaign Send Log", filters={"campaign": rig.campaign}, pluck="soft_bounces", order_by="name"
			)
		),
		frappe.db.count("Campaign Bounce", {"email": ("in", emails)}),
		frappe.db.count("Campaign Suppression", {"email": ("in", emails)}),
		frappe.db.count("Campaign Consent", {"email": ("in", emails)}),
		frappe.db.count("Email Unsubscribe", {"email": ("in", emails)}),
	)


def status_of(name: str) -> frappe._dict:
	frappe.db.rollback()
	return frappe.db.get_value(
		"Campaign Send Log", name, ["status", "soft_bounces", "complained_on", "delivered_on"], as_dict=True
	)


def assert_refused(rig, answer, status: int, before, frappes_own: bool = False):
	"""Refused with ``status``, nothing written, no traceback. ``frappes_own``: Frappe refused it
	before any app code ran (a bad API key): its answer follows System Settings → Allow Error
	Traceback, and names no code of the app."""
	code, text = answer
	assert code == status, (code, text)
	if frappes_own:
		assert "campaign_plus" not in text, text
	else:
		assert "Traceback" not in text and 'File "' not in text, text
	assert written(rig) == before


def assert_applied_once(rig, send, expected_applied: int):
	code, text = send()
	assert code == 200, text
	assert json.loads(text)["applied"] == expected_applied
	before = written(rig)
	code, text = send()  # the same events again: counted once
	assert code == 200, text
	assert json.loads(text) == {**json.loads(text), "applied": 0, "duplicates": expected_applied}
	assert written(rig) == before


def suppressed(email: str) -> set[str]:
	frappe.db.rollback()
	return set(frappe.get_all("Campaign Suppression", filters={"email": email, "active": 1}, pluck="reason"))


# --- SendGrid ----------------------------------------------------------------------------------


def sendgrid_headers(rig, body: bytes, timestamp: str | None = None, key=None) -> dict:
	return signed_webhooks.sendgrid_headers(key or rig.sendgrid_key, body, timestamp)


def test_sendgrid(rig):
	(delivered, d_email), (hard, h_email), (spam, s_email), (gone, g_email), (soft, _) = rig.rows["SendGrid"][
		:5
	]
	events = [
		{"event": "delivered", "email": d_email, "sg_event_id": f"sg-d-{rig.tag}", "timestamp": int(time.time()),
			"cp_send": send_id.make(delivered)},
		{"event": "bounce", "type": "bounce", "email": h_email, "sg_event_id": f"sg-h-{rig.tag}",
			"status": "5.1.1", "reason": "550 5.1.1 unknown", "cp_send": send_id.make(hard)},
		{"event": "spamreport", "email": s_email, "sg_event_id": f"sg-s-{rig.tag}", "cp_send": send_id.make(spam)},
		{"event": "unsubscribe", "email": g_email, "sg_event_id": f"sg-u-{rig.tag}", "cp_send": send_id.make(gone)},
		{"event": "deferred", "email": "x", "sg_event_id": f"sg-f-{rig.tag}", "cp_send": send_id.make(soft)},
		{"event": "open", "email": d_email, "sg_event_id": f"sg-o-{rig.tag}"},
	]  # fmt: skip
	body = json.dumps(events).encode()
	before = written(rig)
	# tampered (a byte changed after signing), replayed (signed an hour ago), forged key, unsigned
	headers = sendgrid_headers(rig, body)
	assert_refused(rig, post(rig, "sendgrid", body.replace(b"5.1.1", b"5.1.2"), headers), 403, before)
	old = str(int(time.time()) - 3600)
	assert_refused(rig, post(rig, "sendgrid", body, sendgrid_headers(rig, body, old)), 400, before)
	other = signed_webhooks.sendgrid_key()
	assert_refused(rig, post(rig, "sendgrid", body, sendgrid_headers(rig, body, key=other)), 403, before)
	assert_refused(rig, post(rig, "sendgrid", body), 401, before)
	assert_refused(rig, post(rig, "sendgrid", body, headers, account="_CP No Such Account"), 404, before)
	assert_refused(rig, get(rig, "sendgrid"), 405, before)

	assert_applied_once(rig, lambda: post(rig, "sendgrid", body, sendgrid_headers(rig, body)), 5)
	assert status_of(delivered).status == "Sent" and status_of(delivered).delivered_on
	assert status_of(hard).status == "Bounced" and suppressed(h_email) == {"Hard Bounce"}
	assert status_of(spam).status == "Complained" and suppressed(s_email) == {"Spam Complaint"}
	assert suppressed(g_email) == {"Unsubscribed"}
	assert status_of(soft).soft_bounces == 1


# --- Mailgun -------------------------------------------------------------------------------------


def mailgun_body(
	rig, data: dict, timestamp: int | None = None, token: str | None = None, key: str | None = None
) -> bytes:
	timestamp = str(timestamp or int(time.time()))
	token = token or frappe.generate_hash(length=50)
	signature = signatures.mailgun_signature(key or rig.secrets["Mailgun"], timestamp, token)
	return json.dumps(
		{"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": data}
	).encode()


def test_mailgun(rig):
	(row, email) = rig.rows["Mailgun"][0]
	data = {"id": f"mg-{rig.tag}", "event": "failed", "severity": "permanent", "recipient": email,
		"timestamp": time.time(), "user-variables": {"cp_send": send_id.make(row)},
		"delivery-status": {"code": 550, "message": "5.1.1 mailbox unavailable"}}  # fmt: skip
	before = written(rig)
	body = mailgun_body(rig, data)
	tampered = body.replace(b'"permanent"', b'"temporary"')  # the signature covers no body: the token does
	token = json.loads(body)["signature"]["token"]
	assert_refused(rig, post(rig, "mailgun", mailgun_body(rig, data, key="key-wrong")), 403, before)
	assert_refused(
		rig, post(rig, "mailgun", mailgun_body(rig, data, timestamp=int(time.time()) - 3600)), 400, before
	)
	assert_applied_once(rig, lambda: post(rig, "mailgun", body), 1)
	after = written(rig)
	assert_refused(rig, post(rig, "mailgun", tampered), 400, after)  # its token, another body: a replay
	assert json.loads(tampered)["signature"]["token"] == token
	assert status_of(row).status == "Bounced" and suppressed(email) == {"Hard Bounce"}


# --- Postmark and Brevo: a secret ------------------------------------------------------------------


def test_postmark_with_the_secret_in_the_url_or_basic_auth(rig):
	(complained, c_email), (bounced, b_email) = rig.rows["Postmark"][:2]
	complaint = json.dumps({"RecordType": "SpamComplaint", "ID": int(time.time()), "Type": "SpamComplaint",
		"Email": c_email, "BouncedAt": "2027-03-01T10:00:00Z", "Metadata": {"cp_send": send_id.make(complained)}}).encode()  # fmt: skip
	bounce = json.dumps({"RecordType": "Bounce", "ID": int(time.time()) + 1, "Type": "HardBounce", "Email": b_email,
		"Details": "smtp;550 5.1.1 unknown", "Metadata": {"cp_send": send_id.make(bounced)}}).encode()  # fmt: skip
	before = written(rig)
	assert_refused(rig, post(rig, "postmark", complaint), 401, before)
	assert_refused(rig, post(rig, "postmark", complaint, query="&secret=wrong"), 403, before)
	# basic auth is Frappe's API key check: a wrong secret never reaches the endpoint
	wrong = "Basic " + base64.b64encode(f"{rig.api_key}:{rig.api_secret}x".encode()).decode()
	assert_refused(
		rig, post(rig, "postmark", complaint, {"Authorization": wrong}), 401, before, frappes_own=True
	)
	assert_applied_once(
		rig, lambda: post(rig, "postmark", complaint, query=f"&secret={rig.secrets['Postmark']}"), 1
	)
	basic = "Basic " + base64.b64encode(f"{rig.api_key}:{rig.api_secret}".encode()).decode()
	assert_applied_once(rig, lambda: post(rig, "postmark", bounce, {"Authorization": basic}), 1)
	assert status_of(complained).status == "Complained"
	assert status_of(bounced).status == "Bounced"
	frappe.db.rollback()
	assert frappe.db.get_value("Campaign Consent", {"email": c_email}, "source") == "Spam Complaint"


def test_brevo_batch_with_basic_auth(rig):
	rows = rig.rows["Brevo"][:3]
	events = [
		{"event": kind, "email": email, "message-id": f"<{name}@example.com>", "ts_epoch": int(time.time() * 1000),
			"X-Mailin-custom": send_id.make(name)}
		for kind, (name, email) in zip(("delivered", "soft_bounce", "spam"), rows, strict=True)
	]  # fmt: skip
	body = json.dumps(events).encode()
	before = written(rig)
	assert_refused(
		rig, post(rig, "brevo", body, {"Authorization": "Bearer nope"}), 401, before, frappes_own=True
	)
	assert_refused(rig, post(rig, "brevo", b"{not json", query=f"&secret={rig.secrets['Brevo']}",
		headers={"Content-Type": "text/plain"}), 400, before)  # fmt: skip
	basic = {
		"Authorization": "Basic " + base64.b64encode(f"{rig.api_key}:{rig.api_secret}".encode()).decode()
	}
	assert_applied_once(rig, lambda: post(rig, "brevo", body, basic), 3)
	assert status_of(rows[0][0]).delivered_on and status_of(rows[1][0]).soft_bounces == 1
	assert status_of(rows[2][0]).status == "Complained"


def test_an_oversized_body_is_refused(rig):
	before = written(rig)
	body = b"[" + b" " * (11 * 1024 * 1024) + b"]"
	code, text = post(
		rig, "brevo", body, {"Content-Type": "text/plain"}, query=f"&secret={rig.secrets['Brevo']}"
	)
	assert code == 413 and "Traceback" not in text
	assert written(rig) == before


# --- Amazon SES through SNS ------------------------------------------------------------------------


def sns(rig, message: dict, *, key=None, cert_url: str | None = None, version: str = "2", when=None) -> bytes:
	moment = when or dt.datetime.now(dt.timezone.utc)
	data = {
		"TopicArn": TOPIC,
		"Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
		"SignatureVersion": version,
		"SigningCertURL": cert_url or f"{rig.certificates.base}/cert.pem",
		**message,
	}
	algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
	signature = (key or rig.sns_key).sign(signatures.sns_string_to_sign(data), padding.PKCS1v15(), algorithm)
	return json.dumps({**data, "Signature": base64.b64encode(signature).decode()}).encode()


def ses_notification(rig, name: str, email: str, kind: str = "Bounce") -> dict:
	event = {
		"eventType": kind,
		"mail": {
			"messageId": f"ses-{name}",
			"destination": [email],
			"tags": {"cp_send": [send_id.make(name)]},
		},
	}
	if kind == "Bounce":
		event["bounce"] = {
			"bounceType": "Permanent",
			"bouncedRecipients": [{"emailAddress": email, "status": "5.1.1"}],
		}
	else:
		event["complaint"] = {
			"complainedRecipients": [{"emailAddress": email}],
			"complaintFeedbackType": "abuse",
		}
	return {"Type": "Notification", "MessageId": f"sns-{name}-{kind}", "Message": json.dumps(event),
		"Subject": "Amazon SES Email Event Notification"}  # fmt: skip


def post_sns(rig, body: bytes, **kwargs):
	headers = {"Content-Type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification"}
	return post(rig, "ses", body, headers, **kwargs)


def test_amazon_ses_through_sns(rig):
	(bounced, b_email), (complained, c_email) = rig.rows["Amazon SES"][:2]
	before = written(rig)
	good = sns(rig, ses_notification(rig, bounced, b_email))
	# forged certificate URLs: another port of the same host, plain HTTP, a look-alike SNS host
	for url in (
		f"https://127.0.0.1:{free_port()}/cert.pem",
		f"http://127.0.0.1:{rig.certificates.port}/cert.pem",
		"https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem",
		f"https://127.0.0.1:{rig.certificates.port}/other.txt",
	):
		assert_refused(
			rig, post_sns(rig, sns(rig, ses_notification(rig, bounced, b_email), cert_url=url)), 403, before
		)
	# signed by another key with our certificate, tampered, replayed, another topic
	other, _pem = sns_signing_key()
	assert_refused(
		rig, post_sns(rig, sns(rig, ses_notification(rig, bounced, b_email), key=other)), 403, before
	)
	assert_refused(rig, post_sns(rig, good.replace(b"5.1.1", b"5.1.2")), 403, before)
	old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
	assert_refused(
		rig, post_sns(rig, sns(rig, ses_notification(rig, bounced, b_email), when=old)), 400, before
	)
	foreign = json.loads(good)
	foreign["TopicArn"] = "arn:aws:sns:eu-west-1:999999999999:theirs"
	assert_refused(rig, post_sns(rig, json.dumps(foreign).encode()), 403, before)
	assert_refused(rig, post_sns(rig, good, account="_CP No Such Account"), 404, before)

	assert_applied_once(rig, lambda: post_sns(rig, good), 1)
	assert status_of(bounced).status == "Bounced" and suppressed(b_email) == {"Hard Bounce"}
	v1 = sns(rig, ses_notification(rig, complained, c_email, kind="Complaint"), version="1")
	assert_applied_once(rig, lambda: post_sns(rig, v1), 1)
	assert status_of(complained).status == "Complained"


def test_sns_subscription_confirmation_visits_its_url_once_checked(rig):
	before = written(rig)
	confirmation = {
		"Type": "SubscriptionConfirmation",
		"MessageId": f"sub-{rig.tag}",
		"Token": "2336412f37",
		"Message": "You have chosen to subscribe to the topic",
		"SubscribeURL": f"{rig.certificates.base}/subscribe?Token=2336412f37",
	}
	code, text = post_sns(rig, sns(rig, confirmation))
	assert code == 200, text
	assert rig.certificates.subscribed == ["/subscribe?Token=2336412f37"]
	elsewhere = {**confirmation, "SubscribeURL": "https://evil.example/subscribe?Token=1"}
	assert_refused(rig, post_sns(rig, sns(rig, elsewhere)), 403, before)
	assert rig.certificates.subscribed == ["/subscribe?Token=2336412f37"]
	assert written(rig) == before
