# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Email services' webhook payloads read into one shape (engine.providers)."""

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import providers as p

TOKEN = "AR9jcGxl.c2lnbmF0dXJl"


def ses_message(kind: str, **extra) -> dict:
	mail = {
		"timestamp": "2026-03-01T10:00:00.000Z",
		"messageId": "0100018e-ses-id",
		"destination": ["jane@example.org"],
		"headers": [
			{"name": "Message-ID", "value": "<abc@mail.example.com>"},
			{"name": "X-Campaign-Plus-Send", "value": "header-token"},
		],
		"commonHeaders": {"messageId": "<abc@mail.example.com>"},
		"tags": {p.TAG: [TOKEN]},
	}
	return {"eventType": kind, "mail": mail, **extra}


def test_ses_bounces_complaints_deliveries_and_unsubscribes():
	hard = p.ses(
		ses_message(
			"Bounce",
			bounce={
				"bounceType": "Permanent",
				"timestamp": "2026-03-01T10:00:05.000Z",
				"bouncedRecipients": [
					{
						"emailAddress": "Jane@Example.org",
						"status": "5.1.1",
						"diagnosticCode": "smtp; 550 5.1.1 no",
					},
					{"emailAddress": "john@example.org", "status": "5.1.1"},
				],
			},
		),
		"sns-1",
	)
	assert [(e.kind, e.email, e.status) for e in hard] == [
		(p.HARD_BOUNCE, "jane@example.org", "5.1.1"),
		(p.HARD_BOUNCE, "john@example.org", "5.1.1"),
	]
	assert hard[0].token == TOKEN and hard[0].message_id == "abc@mail.example.com"
	assert hard[0].occurred_at == dt.datetime(2026, 3, 1, 10, 0, 5, tzinfo=dt.timezone.utc)
	assert len({e.key for e in hard}) == 2
	soft = p.ses(ses_message("Bounce", bounce={"bounceType": "Transient", "bouncedRecipients": [
		{"emailAddress": "jane@example.org"}]}), "sns-2")  # fmt: skip
	assert soft[0].kind == p.SOFT_BOUNCE
	complaint = p.ses(
		ses_message("Complaint", complaint={"complainedRecipients": [{"emailAddress": "jane@example.org"}],
			"complaintFeedbackType": "abuse"}), "sns-3")  # fmt: skip
	assert complaint[0].kind == p.COMPLAINT and complaint[0].detail == "abuse"
	suppressed = ses_message("Complaint", complaint={"complaintSubType": "OnAccountSuppressionList",
		"complainedRecipients": [{"emailAddress": "jane@example.org"}]})  # fmt: skip
	assert p.ses(suppressed, "sns-4") == []
	delivered = p.ses(ses_message("Delivery", delivery={"recipients": ["jane@example.org"]}), "sns-5")
	assert delivered[0].kind == p.DELIVERED
	unsubscribed = p.ses(
		ses_message("Subscription", subscription={"newTopicPreferences": {"unsubscribeAll": True}}), "sns-6"
	)
	assert unsubscribed[0].kind == p.UNSUBSCRIBE and unsubscribed[0].email == "jane@example.org"
	assert p.ses(ses_message("Open"), "sns-7") == []
	# identity notifications (notificationType) read the same; the header when tags are absent
	legacy = ses_message(
		"", bounce={"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "a@b.fr"}]}
	)
	legacy.pop("eventType")
	legacy["notificationType"] = "Bounce"
	legacy["mail"].pop("tags")
	assert p.ses(legacy, "sns-8")[0].token == "header-token"


def test_sendgrid_events():
	events = p.sendgrid(
		[
			{"event": "delivered", "email": "a@example.org", "sg_event_id": "e1", "timestamp": 1772359200,
			 "smtp-id": "<abc@mail.example.com>", p.TAG: TOKEN},
			{"event": "bounce", "type": "bounce", "email": "b@example.org", "sg_event_id": "e2",
			 "status": "5.1.1", "reason": "550 5.1.1 unknown"},
			{"event": "bounce", "type": "blocked", "email": "c@example.org", "sg_event_id": "e3"},
			{"event": "spamreport", "email": "d@example.org", "sg_event_id": "e4"},
			{"event": "group_unsubscribe", "email": "e@example.org", "sg_event_id": "e5"},
			{"event": "open", "email": "f@example.org", "sg_event_id": "e6"},
			{"event": "processed", "email": "g@example.org", "sg_event_id": "e7"},
		]
	)  # fmt: skip
	assert [(e.key, e.kind) for e in events] == [
		("e1", p.DELIVERED),
		("e2", p.HARD_BOUNCE),
		("e3", p.SOFT_BOUNCE),
		("e4", p.COMPLAINT),
		("e5", p.UNSUBSCRIBE),
	]
	assert events[0].token == TOKEN and events[0].message_id == "abc@mail.example.com"
	assert events[0].occurred_at == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone.utc)
	assert events[1].status == "5.1.1"


def test_mailgun_events():
	def body(**data):
		return {"signature": {}, "event-data": {"id": "mg-1", "timestamp": 1772359200.5, **data}}

	hard = p.mailgun(body(event="failed", severity="permanent", recipient="a@example.org",
		**{"user-variables": {p.TAG: TOKEN}, "message": {"headers": {"message-id": "abc@mail.example.com"}},
		   "delivery-status": {"code": 550, "message": "mailbox unavailable"}}))  # fmt: skip
	assert hard[0].kind == p.HARD_BOUNCE and hard[0].token == TOKEN and hard[0].status == "5.0.0"
	assert hard[0].message_id == "abc@mail.example.com" and hard[0].key == "mg-1"
	assert p.mailgun(body(event="failed", severity="temporary"))[0].kind == p.SOFT_BOUNCE
	assert p.mailgun(body(event="complained"))[0].kind == p.COMPLAINT
	assert p.mailgun(body(event="unsubscribed"))[0].kind == p.UNSUBSCRIBE
	assert p.mailgun(body(event="delivered"))[0].kind == p.DELIVERED
	assert p.mailgun(body(event="opened")) == []
	with pytest.raises(p.PayloadError):
		p.mailgun({"signature": {}})


def test_postmark_records():
	meta = {"Metadata": {p.TAG: TOKEN}}
	assert (
		p.postmark({"RecordType": "Delivery", "MessageID": "m1", "Recipient": "a@example.org", **meta})[
			0
		].kind
		== p.DELIVERED
	)
	hard = p.postmark({"RecordType": "Bounce", "ID": 42, "Type": "HardBounce", "Email": "a@example.org",
		"Details": "smtp;550 5.1.1 The email account does not exist", **meta})  # fmt: skip
	assert hard[0].kind == p.HARD_BOUNCE and hard[0].key == "Bounce:42" and hard[0].status == "5.1.1"
	assert hard[0].token == TOKEN
	assert (
		p.postmark({"RecordType": "Bounce", "ID": 43, "Type": "SoftBounce", "Email": "a@x.org"})[0].kind
		== p.SOFT_BOUNCE
	)
	assert (
		p.postmark({"RecordType": "SpamComplaint", "ID": 44, "Type": "SpamComplaint", "Email": "a@x.org"})[
			0
		].kind
		== p.COMPLAINT
	)
	assert p.postmark({"RecordType": "Bounce", "ID": 45, "Type": "AutoResponder", "Email": "a@x.org"}) == []
	unsubscribe = {"RecordType": "SubscriptionChange", "MessageID": "m1", "Recipient": "a@x.org",
		"SuppressSending": True, "SuppressionReason": "ManualSuppression", "ChangedAt": "2026-03-01T10:00:00Z"}  # fmt: skip
	assert p.postmark(unsubscribe)[0].kind == p.UNSUBSCRIBE
	assert p.postmark({**unsubscribe, "SuppressionReason": "HardBounce"}) == []
	assert p.postmark({"RecordType": "Open", "MessageID": "m1"}) == []


def test_brevo_events_one_or_a_batch():
	event = {"event": "hard_bounce", "email": "a@example.org", "message-id": "<abc@mail.example.com>",
		"ts_epoch": 1772359200000, "reason": "550 5.1.1 unknown user", "X-Mailin-custom": TOKEN}  # fmt: skip
	(one,) = p.brevo(event)
	assert one.kind == p.HARD_BOUNCE and one.token == TOKEN and one.status == "5.1.1"
	assert one.occurred_at == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone.utc)
	batch = p.brevo([event, {**event, "event": "spam"}, {**event, "event": "opened"}])
	assert [e.kind for e in batch] == [p.HARD_BOUNCE, p.COMPLAINT]
	assert batch[0].key != batch[1].key


def test_headers_name_the_send_for_every_provider():
	assert p.message_headers(p.SES, TOKEN) == {"X-SES-MESSAGE-TAGS": f"{p.TAG}={TOKEN}"}
	assert json.loads(p.message_headers(p.SENDGRID, TOKEN)["X-SMTPAPI"]) == {"unique_args": {p.TAG: TOKEN}}
	assert json.loads(p.message_headers(p.MAILGUN, TOKEN)["X-Mailgun-Variables"]) == {p.TAG: TOKEN}
	assert p.message_headers(p.POSTMARK, TOKEN) == {f"X-PM-Metadata-{p.TAG}": TOKEN}
	assert p.message_headers(p.BREVO, TOKEN) == {"X-Mailin-custom": TOKEN}
	assert p.message_headers(None, TOKEN) == {}


def test_shapes_that_are_not_a_providers_are_refused():
	for reader in (p.sendgrid, p.postmark, p.brevo):
		with pytest.raises(p.PayloadError):
			reader("text")
		with pytest.raises(p.PayloadError):
			reader([1, 2])
	with pytest.raises(p.PayloadError):
		p.sendgrid([{}] * (p.MAX_EVENTS + 1))
	with pytest.raises(p.PayloadError):
		p.loads(b"{not json")


JSONISH = st.recursive(
	st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
	lambda children: (
		st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
	),
	max_leaves=20,
)
EVENT_DICT = st.dictionaries(
	st.sampled_from(["event", "email", "sg_event_id", "type", "timestamp", "RecordType", "Type", "ID",
		"Email", "message-id", "ts_epoch", "reason", p.TAG, "Metadata", "X-Mailin-custom"]),
	JSONISH | st.sampled_from(["bounce", "delivered", "spamreport", "Bounce", "HardBounce", "hard_bounce"]),
)  # fmt: skip


@given(st.lists(EVENT_DICT, max_size=5))
def test_readers_never_raise_anything_but_payload_errors_and_keys_fit(events):
	for reader in (p.sendgrid, p.postmark, p.brevo):
		for event in reader(events):
			assert event.kind in p.KINDS and 0 < len(event.key) <= p.KEY_LENGTH


@given(JSONISH)
def test_any_json_is_read_or_refused(payload):
	for reader in (p.sendgrid, p.postmark, p.brevo, p.mailgun):
		try:
			reader(payload)
		except p.PayloadError:
			pass
	try:
		p.ses(payload, "id")
	except p.PayloadError:
		pass


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=3), st.text(max_size=500))
def test_keys_are_bounded_and_distinct_parts_give_distinct_keys(parts, long):
	key = p.event_key(*parts, long)
	assert 0 < len(key) <= p.KEY_LENGTH
