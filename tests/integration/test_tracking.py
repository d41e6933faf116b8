# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Engagement tracking on a real site: tracked messages in both send paths, the guest endpoints
(called in-process here; over HTTP in test_tracking_http), consent, bounces fed through Frappe's
own receiver, replies and the statistics against a hand-computed fixture."""

import datetime as dt
import re
from urllib.parse import unquote

import frappe
import pytest

from campaign_plus.engine import tracking as engine
from campaign_plus.sending import planner, sender
from campaign_plus.stats import aggregate
from campaign_plus.tracking import api, bounces, buffer, hits, messages, statistics
from campaign_plus.utils.signing import read_token
from tests.integration.helpers import (
	enroll,
	freeze_time,
	make_campaign,
	make_lead,
	make_template,
	use_outgoing_account,
)

START = dt.date(2027, 3, 1)
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
BODY = (
	"<p>Hi {{ doc.first_name }},</p>"
	'<p><a href="https://shop.example.com/offer?id=1&amp;utm=cp">Our offer</a> '
	'<a href="mailto:sales@example.com">write to us</a> <a href="#top">top</a> '
	'<a href="https://example.com/unsubscribe?me=1">unsubscribe</a> '
	"<a href='https://docs.example.com/brochure.pdf'>brochure</a></p>"
)
LINKS = ["https://shop.example.com/offer?id=1&utm=cp", "https://docs.example.com/brochure.pdf"]


@pytest.fixture
def send(monkeypatch):
	"""send(leads=…, consent=…, **campaign values) → (campaign, leads, {email: html sent})."""
	use_outgoing_account()
	buffer.flush()  # hits an earlier test left waiting (their rows rolled back: they write nothing)

	def make(leads=2, consents=(), body=BODY, **campaign_values):
		template = make_template(body=body)
		campaign = make_campaign(
			campaign_schedules=[{"email_template": template.name, "send_after_days": 0}], **campaign_values
		)
		people = [make_lead() for _ in range(leads)]
		for lead, consent in zip(people, consents, strict=False):
			frappe.db.set_value("Lead", lead.name, "cp_tracking_consent", consent)
		enroll(campaign.name, [p.name for p in people], START)
		with freeze_time(f"{START} 10:00:00"):
			planner.plan_campaign(campaign.name)
		return campaign, people, sent_html(campaign.name)

	yield make
	frappe.local.flags.commit = False


def settings(**values):
	for field, value in values.items():
		frappe.db.set_single_value("Campaign Plus Settings", field, value)


def sent_html(campaign: str) -> dict[str, str]:
	rows = frappe.db.sql(
		"""SELECT r.recipient, q.message FROM `tabEmail Queue` q
		JOIN `tabEmail Queue Recipient` r ON r.parent = q.name
		WHERE q.reference_doctype = 'Campaign' AND q.reference_name = %s""",
		campaign,
	)
	return {recipient: sender._parts(message) for recipient, message in rows}


def tokens(html: str, kind: str) -> list[str]:
	return [unquote(t) for t in re.findall(rf"tracking\.api\.{kind}\?t=([A-Za-z0-9_.%-]+)", html)]


def flushed() -> dict:
	"""What the scheduler's minute does: the buffered hits written (in the test's transaction)."""
	return buffer.flush()


def row_of(campaign: str, lead) -> dict:
	return frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign, "party": lead.name},
		fields=["name", "tracking", "opens", "clicks", "first_opened_on", "first_clicked_on", "status"],
	)[0]


def events(campaign: str) -> int:
	return frappe.db.count("Campaign Engagement Event", {"campaign": campaign})


def test_links_and_pixel_are_tracked_in_the_sent_message(send, monkeypatch):
	built = []
	frappe_path = sender.build_queue_row
	monkeypatch.setattr(sender, "build_queue_row", lambda *a, **k: built.append(a) or frappe_path(*a, **k))
	campaign, leads, sent = send(leads=3)
	assert len(built) == 2, "Frappe's builder ran only for the skeleton and its check: the fast path sent"
	for lead in leads:
		_subject, text, html = sent[lead.email_id]
		assert len(tokens(html, "click")) == 2 and len(tokens(html, "open")) == 1
		assert "shop.example.com" not in html and "docs.example.com" not in html
		assert "mailto:sales@example.com" in html and "https://example.com/unsubscribe?me=1" in html
		assert "optout.api.page?t=" in html  # the unsubscribe page's link is never tracked
		assert "tracking.api.open" not in text  # the pixel stays out of the plain-text part
		assert row_of(campaign.name, lead).tracking == engine.INDIVIDUAL
	(link_set,) = frappe.get_all("Campaign Link Set", filters={"campaign": campaign.name}, fields=["links"])
	assert frappe.parse_json(link_set.links) == LINKS


def test_skeleton_is_checked_against_frappe_with_the_tracked_body():
	from frappe.email.doctype.email_account.email_account import EmailAccount

	use_outgoing_account()
	layout = sender.CampaignLayout(EmailAccount.find_outgoing(_raise_error=True))
	tracker = messages.BatchTracker("C", {})
	row = frappe._dict(name="row-1", schedule_row="s", step_idx=1)
	body, text = tracker.track(row, {}, BODY.replace("{{ doc.first_name }}", "Élodie"))
	skeleton = sender.MessageSkeleton("C", None, layout, ("a@example.com", "Offer", body, text))
	assert skeleton.usable(body), "the fast path stays in use with tracking on"
	fast = skeleton.fill("a@example.com", "Offer", body, text)
	slow = sender.build_queue_row("C", "a@example.com", "Offer", body, None, layout, text)
	assert sender._parts(fast["message"]) == sender._parts(slow["message"])
	_subject, plain, html = sender._parts(slow["message"])
	assert "tracking.api.open" in html and "tracking.api.open" not in plain
	assert len(tokens(plain, "click")) == 2 and "shop.example.com" not in plain  # text links tracked too
	assert tokens(plain, "click") == tokens(html, "click")


@pytest.mark.parametrize("where", ["campaign", "settings"])
def test_tracking_off_leaves_the_message_untouched(send, where):
	if where == "settings":
		settings(enable_tracking=0)
		campaign, leads, sent = send()
	else:
		campaign, leads, sent = send(cp_track_opens=0, cp_track_clicks=0)
	html = sent[leads[0].email_id][2]
	assert "tracking.api" not in html and "data-cp-pixel" not in html
	assert "https://shop.example.com/offer?id=1&amp;utm=cp" in html or LINKS[0] in html
	assert row_of(campaign.name, leads[0]).tracking in (None, "")


def test_opens_only_or_clicks_only(send):
	_campaign, leads, sent = send(cp_track_clicks=0)
	html = sent[leads[0].email_id][2]
	assert tokens(html, "open") and not tokens(html, "click")


def test_open_and_click_are_recorded_and_unique_counts_do_not_inflate(send, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	campaign, leads, sent = send()
	html = sent[leads[0].email_id][2]
	(pixel,) = tokens(html, "open")
	first, second = tokens(html, "click")

	response = api.open(t=pixel)
	assert (response.status_code, response.mimetype) == (200, "image/gif")
	assert response.data.startswith(b"GIF89a") and "no-store" in response.headers["Cache-Control"]
	api.open(t=pixel)
	response = api.click(t=second)
	assert response.status_code == 302 and response.headers["Location"] == LINKS[1]
	assert api.click(t=first).headers["Location"] == LINKS[0]
	row = row_of(campaign.name, leads[0])
	assert (row.opens, row.clicks, events(campaign.name)) == (0, 0, 0)  # waiting in the buffer

	assert flushed()["hits"] == 4
	row = row_of(campaign.name, leads[0])
	assert (row.opens, row.clicks) == (2, 2) and row.first_opened_on and row.first_clicked_on
	assert events(campaign.name) == 4
	kinds = frappe.get_all(
		"Campaign Engagement Event",
		filters={"send_log": row.name},
		fields=["kind", "link_index", "link_url", "user_agent_class"],
		order_by="kind asc, link_index asc",
	)
	assert [(k.kind, k.link_index, k.link_url) for k in kinds if k.kind == "Click"] == [
		("Click", 0, LINKS[0]),
		("Click", 1, LINKS[1]),
	]
	assert {k.user_agent_class for k in kinds} == {engine.DESKTOP}
	(step,) = statistics.steps(campaign.name)
	assert (step["figures"].unique_opens, step["figures"].unique_clicks) == (1, 1)
	assert step["links"] == {LINKS[0]: 1, LINKS[1]: 1}


def test_a_bot_hit_is_recorded_but_not_counted(send, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: "Barracuda Sentinel (EE)")
	campaign, leads, sent = send(leads=1)
	(first, _second) = tokens(sent[leads[0].email_id][2], "click")
	assert api.click(t=first).status_code == 302
	flushed()
	row = row_of(campaign.name, leads[0])
	assert (row.clicks, events(campaign.name)) == (0, 1)


def test_bad_tokens_are_refused_and_nothing_is_written(send):
	from campaign_plus.engine import tokens as token_engine
	from campaign_plus.utils.signing import make_token

	campaign, leads, sent = send(leads=1)
	html = sent[leads[0].email_id][2]
	(pixel,) = tokens(html, "open")
	click = tokens(html, "click")[0]
	row = row_of(campaign.name, leads[0])
	link_set = frappe.get_all("Campaign Link Set", filters={"campaign": campaign.name}, pluck="name")[0]
	foreign = token_engine.make(
		token_engine.derive_secret("another site's secret", messages.CLICK_PURPOSE),
		messages.CLICK_PURPOSE,
		("r", row.name, link_set, "0"),
	)
	bad = [
		None,
		"",
		pixel[:-2] + ("AA" if not pixel.endswith("AA") else "BB"),  # tampered signature
		click,  # a click token is not an open token (and the reverse below)
		foreign,
		make_token(messages.CLICK_PURPOSE, "r", row.name, link_set, "2"),  # index out of range
		make_token(messages.CLICK_PURPOSE, "r", row.name, link_set, "-1"),
		make_token(messages.CLICK_PURPOSE, "r", row.name, "no-such-link-set", "0"),
		"' OR 1=1 --",
		"x.y' UNION SELECT name FROM tabUser --",
	]
	for token in bad:
		for endpoint in (api.open, api.click):
			if endpoint is api.click and token == click:
				continue
			response = endpoint(t=token)
			assert response.status_code == 404, (endpoint, token)
			assert response.mimetype == "text/plain" and b"Traceback" not in response.data
	# well signed, naming a ledger row that is gone: the reader gets the pixel and the message's
	# own link; nothing is recorded
	assert api.open(t=make_token(messages.OPEN_PURPOSE, "r", "no-such-row")).status_code == 200
	gone = api.click(t=make_token(messages.CLICK_PURPOSE, "r", "no-such-row", link_set, "0"))
	assert (gone.status_code, gone.headers["Location"]) == (302, LINKS[0])
	assert flushed()["hits"] == 2
	row = row_of(campaign.name, leads[0])
	assert (row.opens, row.clicks, events(campaign.name)) == (0, 0, 0)
	assert not frappe.db.count("Campaign Step Engagement", {"campaign": campaign.name})


def test_with_consent_required_only_consenting_recipients_are_tracked_individually(send, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	settings(require_tracking_consent=1)
	campaign, (granted, unknown, refused), sent = send(leads=3, consents=("Granted", "Unknown", "Refused"))
	assert row_of(campaign.name, granted).tracking == engine.INDIVIDUAL
	for lead in (unknown, refused):
		html = sent[lead.email_id][2]
		assert row_of(campaign.name, lead).tracking == engine.AGGREGATE
		(pixel,) = tokens(html, "open")
		fields = read_token(messages.OPEN_PURPOSE, pixel)
		assert fields[0] == messages.STEP and row_of(campaign.name, lead).name not in fields
		assert api.open(t=pixel).status_code == 200
		assert api.open(t=pixel).status_code == 200
		assert api.click(t=tokens(html, "click")[1]).headers["Location"] == LINKS[1]
	flushed()
	for lead in (unknown, refused):
		row = row_of(campaign.name, lead)
		assert (row.opens, row.clicks, row.first_opened_on) == (0, 0, None)
		assert not frappe.db.count("Campaign Engagement Event", {"send_log": row.name})
	counters = frappe.get_all(
		"Campaign Step Engagement", filters={"campaign": campaign.name}, fields=["kind", "hits", "link_url"]
	)
	assert sorted((c.kind, c.hits, c.link_url) for c in counters) == [
		("Click", 2, LINKS[1]),
		("Open", 4, None),
	]
	(step,) = statistics.steps(campaign.name)
	assert (step["figures"].aggregate_opens, step["figures"].aggregate_clicks) == (4, 2)


def dsn(recipient: str, message_id: str | None, status: str = "5.1.1") -> bytes:
	original = f"From: campaign-plus@example.com\nTo: {recipient}\nSubject: Hello\n"
	if message_id:
		original += f"Message-ID: <{message_id}>\n"
	return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: campaign-plus@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <{frappe.generate_hash(length=10)}@mx.example.net>
Date: Mon, 1 Mar 2027 11:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {recipient}
Action: {"failed" if status.startswith("5") else "delayed"}
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected

--B
Content-Type: text/rfc822-headers

{original}
--B--
""".encode()


def receive(raw: bytes):
	"""Hand the raw email to Frappe's own receiver, as EmailAccount.receive does for each mail."""
	from frappe.email.receive import InboundMail

	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": f"_Test CP Inbox {frappe.generate_hash(length=6)}",
			"email_id": f"inbox-{frappe.generate_hash(length=6)}@example.com",
			"enable_incoming": 0,
		}
	).insert(ignore_permissions=True)
	return InboundMail(raw, account).process()


def test_a_hard_bounce_dsn_marks_the_row_and_later_campaigns_skip_the_address(send):
	campaign, (gone, kept), _sent = send()
	queue = frappe.db.get_value(
		"Email Queue", row_of(campaign.name, gone).name, ["name", "message_id"], as_dict=True
	)
	communication = receive(dsn(gone.email_id, queue.message_id))
	row = row_of(campaign.name, gone)
	assert row.status == "Bounced"
	assert row_of(campaign.name, kept).status == "Queued"
	bounce = frappe.get_all(
		"Campaign Bounce",
		filters={"send_log": row.name},
		fields=["email", "bounce_type", "status_code", "communication"],
	)
	assert [(b.email, b.bounce_type, b.status_code, b.communication) for b in bounce] == [
		(gone.email_id.lower(), "Hard", "5.1.1", communication.name)
	]
	assert not frappe.db.count(
		"Campaign Interaction", {"campaign": campaign.name, "interaction_type": "Response"}
	)

	later = make_campaign(campaign_schedules=[{"email_template": make_template().name, "send_after_days": 0}])
	enroll(later.name, [gone.name, kept.name], START)
	with freeze_time(f"{START} 10:00:00"):
		planner.plan_campaign(later.name)
	assert row_of(later.name, gone).status == "Skipped"
	assert (
		frappe.db.get_value("Campaign Send Log", row_of(later.name, gone).name, "reason") == "Bounced Address"
	)
	assert row_of(later.name, kept).status == "Queued"

	frappe.set_user("Administrator")
	frappe.local.form_dict = frappe._dict()
	assert api.clear_bounce(gone.email_id.upper()) == 1
	again = make_campaign(campaign_schedules=[{"email_template": make_template().name, "send_after_days": 0}])
	enroll(again.name, [gone.name], START)
	with freeze_time(f"{START} 10:00:00"):
		planner.plan_campaign(again.name)
	assert row_of(again.name, gone).status == "Queued"


def test_a_bounce_without_message_id_is_matched_by_recipient_and_soft_bounces_are_counted(send):
	campaign, (lead,), _sent = send(leads=1)
	receive(dsn(lead.email_id, None, status="4.2.2"))
	row = row_of(campaign.name, lead)
	assert row.status == "Queued"
	assert frappe.db.get_value("Campaign Send Log", row.name, "soft_bounces") == 1
	assert bounces.active_hard_bounces([lead.email_id]) == set()
	(step,) = statistics.steps(campaign.name)
	assert step["figures"].soft_bounces == 1


def test_a_bounce_made_otherwise_than_by_frappes_receiver_is_read_from_its_text(send):
	campaign, (lead,), _sent = send(leads=1)
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": "MAILER-DAEMON@mx.example.net",
			"subject": "Delivery Status Notification (Failure)",
			"content": f"<p>Delivery to {lead.email_id} failed permanently: 550 5.1.1 user unknown</p>",
		}
	).insert(ignore_permissions=True)
	assert row_of(campaign.name, lead).status == "Bounced"
	assert bounces.active_hard_bounces([lead.email_id]) == {lead.email_id.lower()}


def test_an_ordinary_received_email_is_no_bounce(send):
	campaign, (lead,), _sent = send(leads=1)
	raw = f"From: {lead.email_id}\nTo: campaign-plus@example.com\nSubject: Question\n\nStatus 5.1.1 please?\n"
	receive(raw.encode())
	assert row_of(campaign.name, lead).status == "Queued"
	assert not frappe.db.count("Campaign Bounce", {"campaign": campaign.name})


def test_clearing_a_bounce_needs_write_permission():
	from tests.integration.helpers import make_user

	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		api.clear_bounce("someone@example.com")


def test_a_reply_marks_the_row_replied(send):
	campaign, (lead, _other), _sent = send()
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"sender": lead.email_id,
			"subject": "Re: Hello",
			"content": "Interested!",
			"reference_doctype": "Campaign",
			"reference_name": campaign.name,
		}
	).insert(ignore_permissions=True)
	assert frappe.db.get_value("Campaign Send Log", row_of(campaign.name, lead).name, "replied_on")


def test_statistics_equal_a_hand_computed_fixture():
	"""Two steps, ten recipients, figures set by hand; the expected numbers are worked out below."""
	from campaign_plus.utils.db import standard_values

	campaign = make_campaign()
	sent_on = dt.datetime(2027, 3, 1, 10)
	rows = []
	# step A (idx 1): 6 rows — 4 Sent, 1 Bounced, 1 Skipped.
	#   opens/clicks: r0 opens 3 clicks 1; r1 opens 1; r2 clicks 2 (no open: counts as opened); r3 nothing.
	#   r3 soft bounce 1; r0 replied.
	# step B (idx 2): 4 rows — 3 Sent, 1 Queued; r6 opens 2; aggregate: 3 opens, 1 click.
	spec = [
		("A", 1, "Sent", 3, 1, 0, True, "a0"),
		("A", 1, "Sent", 1, 0, 0, False, "a1"),
		("A", 1, "Sent", 0, 2, 0, False, "a2"),
		("A", 1, "Sent", 0, 0, 1, False, "a3"),
		("A", 1, "Bounced", 0, 0, 0, False, "a4"),
		("A", 1, "Skipped", 0, 0, 0, False, "a5"),
		("B", 2, "Sent", 2, 0, 0, False, "a0"),
		("B", 2, "Sent", 0, 0, 0, False, "a1"),
		("B", 2, "Sent", 0, 0, 0, False, "a2"),
		("B", 2, "Queued", 0, 0, 0, False, "a3"),
	]
	for i, (step, idx, status, opens, clicks, soft, replied, who) in enumerate(spec):
		rows.append(
			(
				*standard_values(f"cp-fx-{campaign.name[-6:]}-{i}"),
				campaign.name, f"row-{step}", idx, f"Step {step}", "Lead", f"LEAD-{who}", f"{who}@fixture.example.com",
				status, opens, clicks, soft, dt.datetime(2027, 3, 2) if replied else None,
				sent_on + dt.timedelta(days=idx - 1) if status in ("Sent", "Bounced") else None,
				sent_on + dt.timedelta(days=idx - 1),
			)
		)  # fmt: skip
	frappe.db.bulk_insert(
		"Campaign Send Log",
		["name", "creation", "modified", "owner", "modified_by", "docstatus", "campaign", "schedule_row",
		 "step_idx", "step_label", "party_type", "party", "email", "status", "opens", "clicks", "soft_bounces",
		 "replied_on", "sent_on", "queued_on"],
		rows,
	)  # fmt: skip
	for kind, hits_, url in (("Open", 3, None), ("Click", 1, "https://x.example.com")):
		frappe.db.bulk_insert(
			"Campaign Step Engagement",
			["name", "creation", "modified", "owner", "modified_by", "docstatus", "campaign", "schedule_row",
			 "step_idx", "kind", "link_key", "link_url", "hits"],
			[(*standard_values(), campaign.name, "row-B", 2, kind, url or "", url, hits_)],
		)  # fmt: skip
	# a1 unsubscribed after step B (sent on day 2): goes to B; a2 between A and B: goes to A.
	for who, moment in (("a1", dt.datetime(2027, 3, 3)), ("a2", dt.datetime(2027, 3, 1, 12))):
		frappe.db.bulk_insert(
			"Email Unsubscribe",
			["name", "creation", "modified", "owner", "modified_by", "docstatus", "email", "reference_doctype",
			 "reference_name", "global_unsubscribe"],
			[(frappe.generate_hash(length=12), moment, moment, "Administrator", "Administrator", 0,
			  f"{who}@fixture.example.com", "Campaign", campaign.name, 0)],
		)  # fmt: skip
	a, b = statistics.steps(campaign.name)
	# A: sent 5 (4 Sent + 1 Bounced), hard 1 → delivered 4; unique opens r0 r1 r2 = 3 → 75 %;
	#    unique clicks r0 r2 = 2 → 50 %; soft 1; bounce rate (1+1)/5 = 40 %; unsubscribes 1 (a2);
	#    replies 1 → 25 %.
	assert a["figures"] == engine.StepFigures(
		sent=5, hard_bounces=1, soft_bounces=1, unique_opens=3, unique_clicks=2, opens=4, clicks=3,
		aggregate_opens=0, aggregate_clicks=0, unsubscribes=1, replies=1,
	)  # fmt: skip
	ea = a["engagement"]
	assert (ea.delivered, ea.open_rate, ea.click_rate, ea.bounce_rate, ea.unsubscribe_rate, ea.reply_rate) == (
		4, 75.0, 50.0, 40.0, 25.0, 25.0,
	)  # fmt: skip
	# B: sent 3, delivered 3; opens: r6 (1) + aggregate 3 = 4 → capped 100 %; clicks 0 + 1 → 33.33 %;
	#    unsubscribes 1 (a1).
	assert (b["figures"].unique_opens, b["figures"].aggregate_opens, b["figures"].aggregate_clicks) == (
		1,
		3,
		1,
	)
	eb = b["engagement"]
	assert (eb.delivered, eb.open_rate, eb.click_rate, b["figures"].unsubscribes) == (3, 100.0, 33.33, 1)
	# Campaign: sent 8, hard 1 → delivered 7; opened 3 + 1 + 3 = 7 → 100 %; clicked 2 + 1 = 3 → 42.86 %;
	#    bounces 2/8 = 25 %; unsubscribes 2; replies 1 → 14.29 %.
	card = aggregate.refresh(campaign.name)
	assert {k: card[k] for k in statistics.CARD_FIELDS} == {
		"cp_emails_delivered": 7, "cp_unique_opens": 7, "cp_open_rate": 100.0, "cp_unique_clicks": 3,
		"cp_click_rate": 42.86, "cp_hard_bounces": 1, "cp_soft_bounces": 1, "cp_bounce_rate": 25.0, "cp_complaints": 0, "cp_complaint_rate": 0,
		"cp_email_unsubscribes": 2, "cp_email_replies": 1, "cp_reply_rate": 14.29,
	}  # fmt: skip
	assert frappe.db.get_value("Campaign", campaign.name, "cp_click_rate") == 42.86
	charts = aggregate.charts(campaign.name, 30)
	assert charts["engagement"]["labels"] == ["1. Step A", "2. Step B"]
	assert charts["engagement"]["datasets"][1] == {"name": "Opened", "values": [3, 4]}

	from campaign_plus.campaign_plus.report.campaign_roi.campaign_roi import execute

	columns, data, _message = execute({})
	assert {"open_rate", "click_rate", "hard_bounces", "soft_bounces", "unsubscribes", "replies"} <= {
		c["fieldname"] for c in columns
	}
	(row,) = [r for r in data if r["campaign"] == campaign.name]
	assert (row["emails_delivered"], row["click_rate"], row["unsubscribes"]) == (7, 42.86, 2)


def test_active_hard_bounces_read_all_or_by_address_give_the_same():
	def bounce(email, kind="Hard"):
		frappe.get_doc(
			{"doctype": "Campaign Bounce", "email": email, "bounce_type": kind, "status_code": "5.1.1"}
		).insert(ignore_permissions=True)

	for email in ("gone1@bounce.example.com", "gone2@bounce.example.com"):
		bounce(email)
	bounce("full@bounce.example.com", kind="Soft")
	active = frappe.db.count("Campaign Bounce", {"bounce_type": "Hard", "cleared": 0})
	few = ["GONE1@bounce.example.com"]  # fewer addresses than bounces: queried by address
	many = few + [f"ok{i}@bounce.example.com" for i in range(active)] + ["full@bounce.example.com"]
	assert bounces.active_hard_bounces(few) == {"gone1@bounce.example.com"}
	assert bounces.active_hard_bounces(many) == {"gone1@bounce.example.com"}  # all read once
	assert bounces.active_hard_bounces([]) == set()


# --- buffered hits (issue 26): written by the minute's flush, as each hit at once would -------


def hit_sequence(html: str, agents: list[str]) -> list[tuple]:
	(pixel,) = tokens(html, "open")
	first, second = tokens(html, "click")
	return [(api.open, pixel, agents[0]), (api.click, second, agents[0]), (api.open, pixel, agents[1]),
		(api.click, first, agents[1]), (api.click, second, agents[0]), (api.open, pixel, agents[0])]  # fmt: skip


def play(sequence, monkeypatch) -> None:
	for endpoint, token, agent in sequence:
		monkeypatch.setattr(api, "_user_agent", lambda agent=agent: agent)
		assert endpoint(t=token).status_code in (200, 302)


def recorded(campaign: str) -> tuple:
	summaries = sorted(
		(r.opens, r.clicks, bool(r.first_opened_on), bool(r.first_clicked_on))
		for r in frappe.get_all("Campaign Send Log", filters={"campaign": campaign}, fields=["*"])
	)
	kinds = sorted(
		(e.kind, e.link_index, e.link_url, e.user_agent_class)
		for e in frappe.get_all("Campaign Engagement Event", filters={"campaign": campaign}, fields=["*"])
	)
	counters = sorted(
		(c.kind, c.link_url, c.hits)
		for c in frappe.get_all("Campaign Step Engagement", filters={"campaign": campaign}, fields=["*"])
	)
	return summaries, kinds, counters


@pytest.fixture
def listened(monkeypatch):
	"""The engagements each kind of listener was told of (a per-engagement and a bulk listener)."""
	heard = {"one": [], "bulk": []}
	listeners = {
		"test.one_listener": lambda row, kind: heard["one"].append((row, kind)),
		"test.bulk_listener": lambda engagements: heard["bulk"].extend((e.row, e.kind) for e in engagements),
	}
	get_hooks, get_attr = frappe.get_hooks, frappe.get_attr

	def hooks(hook=None, *args, **kwargs):
		found = get_hooks(hook, *args, **kwargs)
		if hook == "campaign_plus_on_engagement":
			return [*found, "test.one_listener"]
		if hook == "campaign_plus_on_engagements":
			return [*found, "test.bulk_listener"]
		return found

	monkeypatch.setattr(frappe, "get_hooks", hooks)
	monkeypatch.setattr(frappe, "get_attr", lambda path: listeners.get(path) or get_attr(path))
	return heard


def test_buffered_hits_write_what_hits_written_at_once_write(send, monkeypatch, listened):
	agents = [BROWSER, "Barracuda Sentinel (EE)"]
	settings(require_tracking_consent=1)
	buffered, (granted, unknown), sent = send(leads=2, consents=("Granted", "Unknown"))
	at_once, (granted_2, unknown_2), sent_2 = send(leads=2, consents=("Granted", "Unknown"))

	play(hit_sequence(sent[granted.email_id][2], agents) + hit_sequence(sent[unknown.email_id][2], agents),
		monkeypatch)  # fmt: skip
	assert recorded(buffered.name)[1:] == ([], [])  # nothing written before the flush
	monkeypatch.setattr(hits, "BUFFERED", False)
	play(hit_sequence(sent_2[granted_2.email_id][2], agents) + hit_sequence(sent_2[unknown_2.email_id][2], agents),
		monkeypatch)  # fmt: skip
	at_once_heard = {kind: list(calls) for kind, calls in listened.items()}
	monkeypatch.setattr(hits, "BUFFERED", True)
	for calls in listened.values():
		calls.clear()
	assert flushed()["hits"] == 12

	assert recorded(buffered.name) == recorded(at_once.name)
	summaries, kinds, counters = recorded(buffered.name)
	assert (2, 2, True, True) in summaries and len(kinds) == 6 and ("Open", None, 2) in counters
	row = row_of(buffered.name, granted).name
	row_2 = row_of(at_once.name, granted_2).name
	# one-by-one listeners hear the clicks; bulk listeners the counting opens and clicks, in order
	assert listened["one"] == [(row, "click")] * 2 and at_once_heard["one"] == [(row_2, "click")] * 2
	assert {kind for _row, kind in at_once_heard["bulk"]} == {"open", "click"}
	assert at_once_heard["bulk"] == [(row_2, kind) for _row, kind in listened["bulk"]]
	assert flushed()["batches"] == 0  # nothing left: written once


def test_a_flush_that_died_after_its_commit_is_not_written_twice(send, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	campaign, leads, sent = send(leads=1)
	(pixel,) = tokens(sent[leads[0].email_id][2], "open")
	api.open(t=pixel)
	api.open(t=pixel)
	with monkeypatch.context() as dying:
		dying.setattr(buffer, "_DONE", "return 0")  # committed, then died before deleting the batch
		assert buffer.flush_batch()["hits"] == 2
	assert buffer.waiting() == 2
	api.open(t=pixel)  # a new hit waits behind the batch left over
	assert flushed() == {"batches": 2, "hits": 3, "events": 1, "rows": 1, "counters": 0, "engagements": 1}
	assert buffer.waiting() == 0
	row = row_of(campaign.name, leads[0])
	assert (row.opens, events(campaign.name)) == (3, 3)


def test_a_hit_redis_cannot_take_is_written_at_once(send, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	campaign, leads, sent = send(leads=1)
	monkeypatch.setattr(buffer, "push", lambda hit: False)
	(pixel,) = tokens(sent[leads[0].email_id][2], "open")
	assert api.open(t=pixel).status_code == 200
	assert row_of(campaign.name, leads[0]).opens == 1 and buffer.waiting() == 0


def test_garbage_in_the_buffer_is_skipped(send, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	campaign, leads, sent = send(leads=1)
	buffer.redis().rpush(buffer.key("hits"), "not a hit", '[1,"Open",["r"],"Desktop","x",0,null]')
	api.open(t=tokens(sent[leads[0].email_id][2], "open")[0])
	result = flushed()
	assert (result["hits"], result["events"]) == (3, 1)
	assert row_of(campaign.name, leads[0]).opens == 1


def test_a_click_reads_the_utm_settings_from_frappes_cache_and_a_writing_transaction_caches_none(
	monkeypatch,
):
	"""A click's own-domain settings: no query once Frappe's document cache holds them; a
	transaction that wrote sees its own values and leaves nothing of them in the cache."""
	from campaign_plus.attribution import utm

	settings = "Campaign Plus Settings"
	frappe.db.rollback()  # nothing written: a click's transaction
	committed = utm.own_domains_and_source()
	queries = []
	sql = frappe.db.sql
	monkeypatch.setattr(
		frappe.db, "sql", lambda *args, **kwargs: queries.append(args) or sql(*args, **kwargs)
	)
	assert utm.own_domains_and_source() == committed
	assert queries == []
	monkeypatch.setattr(frappe.db, "sql", sql)

	frappe.db.set_single_value(settings, "utm_source", "_cp-uncommitted")
	assert utm.own_domains_and_source()[1] == "_cp-uncommitted"  # this transaction's own value
	frappe.db.rollback()
	assert utm.own_domains_and_source() == committed  # never cached
