# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt
import html
import re
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import tracking
from campaign_plus.engine.errors import RuleError

TRACKABLE = st.builds(
	lambda scheme, host, path: f"{scheme}://{host}.example.com/{path}",
	st.sampled_from(["http", "https", "HTTPS"]),
	st.text(alphabet="abcdefghij", min_size=1, max_size=8),
	st.text(alphabet="abcdefghij0123456789/?=&-_", max_size=20),
)
UNTRACKED = st.sampled_from(
	[
		"mailto:someone@example.com",
		"tel:+33123456789",
		"#top",
		"/relative/page",
		"<!--unsubscribe_url-->",
		"https://shop.example.com/api/method/frappe.email.queue.unsubscribe?email=a",
		"https://example.com/Unsubscribe",
		"{{ doc.website }}",
		"javascript:alert(1)",
		"ftp://files.example.com/x",
	]
)
TEXT = st.text(alphabet="abc xyz<>/é", max_size=15)


def anchor(url: str, quote: str = '"', extra: str = "") -> str:
	value = html.escape(url, quote=True) if quote else url
	return f"<a {extra}href={quote}{value}{quote}>link</a>"


@given(
	st.lists(st.one_of(TRACKABLE.map(lambda u: (u, True)), UNTRACKED.map(lambda u: (u, False))), max_size=8),
	TEXT,
)
def test_every_http_link_but_unsubscribe_and_others_is_rewritten_in_order(links, text):
	body = f"<p>{html.escape(text)}</p>" + "".join(anchor(url) + html.escape(text) for url, _ in links)
	new_body, urls = tracking.rewrite(body, lambda i: f"https://site.test/click?i={i}", None)
	assert urls == [url for url, tracked in links if tracked]
	assert [link.index for link in tracking.tracked_links(body)] == list(range(len(urls)))
	for i in range(len(urls)):
		assert f'href="https://site.test/click?i={i}"' in new_body
	for url, tracked in links:
		if not tracked:
			assert html.escape(url, quote=True) in new_body
	# nothing else of the body changes
	assert re.sub(r'href="[^"]*"', "", new_body) == re.sub(r'href="[^"]*"', "", body)


@given(st.lists(TRACKABLE, min_size=1, max_size=5))
def test_quotes_entities_and_unquoted_hrefs(urls):
	body = "".join(
		anchor(url, quote=["'", '"', ""][i % 3], extra='class="btn" ') for i, url in enumerate(urls)
	)
	body += '<a href="https://x.example.com/?a=1&amp;b=2">amp</a>'
	body += f'<a {tracking.NO_TRACK_ATTRIBUTE} href="https://keep.example.com">kept</a>'
	new_body, found = tracking.rewrite(body, lambda i: f"https://t.test/c/{i}", None)
	assert found == [*urls, "https://x.example.com/?a=1&b=2"]
	assert "https://keep.example.com" in new_body


@given(TEXT)
def test_tracking_off_leaves_the_body_untouched(text):
	body = f"<p>{html.escape(text)}</p>" + anchor("https://example.com/a")
	assert tracking.rewrite(body, None, None) == (body, [])


@given(TEXT, st.booleans())
def test_pixel_goes_once_before_the_end_of_body_and_leaves_the_text(text, full_document):
	content = f"<p>{html.escape(text)}</p>"
	body = f"<html><body>{content}</body></html>" if full_document else content
	new_body, _ = tracking.rewrite(body, None, "https://site.test/open?t=a&b")
	assert new_body.count("<img") == 1
	assert 'src="https://site.test/open?t=a&amp;b"' in new_body
	if full_document:
		assert new_body.index("<img") < new_body.index("</body>")
	assert tracking.without_pixel(new_body) == body


@given(st.lists(TRACKABLE, max_size=5), st.integers(-3, 10))
def test_link_at_index(urls, index):
	expected = urls[index] if 0 <= index < len(urls) else None
	assert tracking.link_at(urls, index) == expected
	assert tracking.link_at(urls, str(index)) == expected
	for bad in (None, "1 OR 1=1", "' --", 1.5, True, "99999999", "-1"):
		assert tracking.link_at(urls, bad) is None


def test_link_at_never_gives_a_non_http_url():
	assert tracking.link_at(["javascript:alert(1)"], 0) is None


def test_tracking_mode_follows_switch_and_consent():
	assert tracking.tracking_mode(False, False, tracking.GRANTED) is None
	assert tracking.tracking_mode(True, False, None) == tracking.INDIVIDUAL
	assert tracking.tracking_mode(True, True, tracking.GRANTED) == tracking.INDIVIDUAL
	for consent in (tracking.REFUSED, tracking.UNKNOWN, None, ""):
		assert tracking.tracking_mode(True, True, consent) == tracking.AGGREGATE


def test_user_agent_classes():
	cases = {
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36": tracking.DESKTOP,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148": tracking.MOBILE,
		"Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)": tracking.PROXY,
		"Googlebot/2.1 (+http://www.google.com/bot.html)": tracking.BOT,
		"python-requests/2.31": tracking.BOT,
		"Python-urllib/3.11": tracking.BOT,
		"curl/8.0": tracking.BOT,
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029)": tracking.DESKTOP,
		"": tracking.OTHER,
		None: tracking.OTHER,
	}
	for agent, expected in cases.items():
		assert tracking.user_agent_class(agent) == expected, agent


HITS = st.lists(
	st.tuples(
		st.sampled_from(tracking.KINDS),
		st.integers(0, 10_000),
		st.sampled_from(tracking.USER_AGENT_CLASSES),
	),
	max_size=30,
)


@given(st.lists(HITS, max_size=6))
def test_repeated_hits_never_inflate_unique_counts(messages):
	summaries = []
	for hits in messages:
		summary = tracking.Summary()
		for kind, moment, agent in hits:
			tracking.record(summary, kind, moment, agent)
		summaries.append(summary)
	opened, clicked = tracking.unique_counts(summaries)
	counted = [[h for h in hits if h[2] != tracking.BOT] for hits in messages]
	assert opened == sum(1 for hits in counted if hits)
	assert clicked == sum(1 for hits in counted if any(k == tracking.CLICK for k, *_ in hits))
	assert clicked <= opened <= len(messages)
	for summary, hits in zip(summaries, counted, strict=True):
		opens = [m for k, m, _ in hits if k == tracking.OPEN]
		assert summary.opens == len(opens)
		assert summary.first_opened_on == (opens[0] if opens else None)
	# doubling every hit changes no unique count
	doubled = []
	for hits in messages:
		summary = tracking.Summary()
		for kind, moment, agent in hits + hits:
			tracking.record(summary, kind, moment, agent)
		doubled.append(summary)
	assert tracking.unique_counts(doubled) == (opened, clicked)


def dsn(
	status="5.1.1", action="failed", recipient="gone@example.com", message_id="abc123@site.test", rfc822=True
):
	"""A delivery status notification as Postfix writes one (RFC 3464)."""
	original = f"From: campaign@site.test\nTo: {recipient}\nSubject: Our offer\nMessage-ID: <{message_id}>\n"
	returned = (
		f"Content-Type: message/rfc822\n\n{original}\nHello\n"
		if rfc822
		else f"Content-Type: text/rfc822-headers\n\n{original}"
	)
	return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: campaign@site.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-{message_id}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered to {recipient}.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
Arrival-Date: Mon,  1 Mar 2027 10:00:00 +0100 (CET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected: User unknown

--BOUNDARY
{returned}
--BOUNDARY--
""".encode()


@given(
	st.sampled_from(["5.1.1", "5.2.2", "4.4.7", "4.2.2", "5.7.1"]),
	st.booleans(),
	st.sampled_from(["failed", "delayed"]),
)
def test_dsn_is_read_and_classified(status, rfc822, action):
	report = tracking.parse_bounce(dsn(status=status, action=action, rfc822=rfc822))
	assert report.original_message_id == "abc123@site.test"
	(bounce,) = report.bounces
	assert bounce.recipient == "gone@example.com"
	expected = tracking.SOFT if action == "delayed" or status.startswith("4") else tracking.HARD
	assert bounce.kind == expected
	assert bounce.status == status


def test_success_notices_and_ordinary_mail_are_not_bounces():
	assert tracking.parse_bounce(dsn(status="2.0.0", action="delivered")).bounces == []
	plain = EmailMessage()
	plain["From"] = "someone@example.com"
	plain["Subject"] = "Re: Our offer"
	plain.set_content("550 5.1.1 is a nice code")
	assert tracking.parse_bounce(plain.as_bytes()) is None


def test_bounce_without_machine_readable_part_is_read_from_text():
	message = EmailMessage()
	message["From"] = "MAILER-DAEMON@mx.example.com"
	message["Subject"] = "Delivery Status Notification (Failure)"
	message.set_content("Delivery to nobody@example.org failed permanently: 550 5.1.1 user unknown")
	(bounce,) = tracking.parse_bounce(message.as_bytes()).bounces
	assert (bounce.recipient, bounce.kind, bounce.status) == ("nobody@example.org", tracking.HARD, "5.1.1")


def test_enhanced_status_of_an_smtp_reply():
	assert tracking.enhanced_status("5.1.1 No such user here") == "5.1.1"
	assert tracking.enhanced_status("550 Requested action not taken") is None
	assert tracking.enhanced_status(None) is None


def test_bounce_type():
	assert tracking.bounce_type("5.1.1") == tracking.HARD
	assert tracking.bounce_type("smtp; 452 4.2.2 mailbox full") == tracking.SOFT
	assert tracking.bounce_type("2.0.0") is None
	assert tracking.bounce_type("15.1.10") is None
	assert tracking.bounce_type(None) is None


COUNTS = st.integers(0, 1000)


@given(st.lists(st.builds(tracking.StepFigures, *(COUNTS for _ in range(11))), min_size=1, max_size=4))
def test_rates_are_percentages_and_campaign_is_the_sum_of_its_steps(steps):
	total = steps[0]
	for step in steps[1:]:
		total = total + step
	assert total.sent == sum(s.sent for s in steps)
	result = tracking.engagement(total)
	assert result.delivered == max(total.sent - total.hard_bounces, 0)
	for rate in (result.open_rate, result.click_rate, result.bounce_rate, result.reply_rate):
		assert rate is None or 0 <= rate <= 100


def test_hand_computed_figures():
	figures = tracking.StepFigures(
		sent=10, hard_bounces=2, soft_bounces=1, unique_opens=4, unique_clicks=2, opens=9, clicks=3,
		aggregate_opens=0, aggregate_clicks=0, unsubscribes=1, replies=2,
	)  # fmt: skip
	result = tracking.engagement(figures)
	assert result.delivered == 8
	assert (result.open_rate, result.click_rate, result.click_to_open_rate) == (50.0, 25.0, 50.0)
	assert (result.bounce_rate, result.unsubscribe_rate, result.reply_rate) == (30.0, 12.5, 25.0)
	assert tracking.engagement(tracking.StepFigures()).open_rate is None


def test_unsubscribes_go_to_the_last_step_sent_before():
	day = dt.datetime(2027, 3, 1)
	sends = [
		("step-1", "a@example.com", day),
		("step-2", "a@example.com", day + dt.timedelta(days=2)),
		("step-1", "b@example.com", day),
	]
	events = [
		("A@example.com", day + dt.timedelta(days=1)),
		("a@example.com", day + dt.timedelta(days=3)),
		("b@example.com", day - dt.timedelta(days=1)),
		("c@example.com", day),
	]
	assert tracking.attribute_to_steps(sends, events) == {"step-1": 2, "step-2": 1}


@given(st.lists(TRACKABLE, max_size=5), TEXT)
def test_text_links_are_replaced_in_order(urls, text):
	plain = text + "".join(f"[link {i}]({url}) {text}" for i, url in enumerate(urls))
	clicks = [f"https://t.test/c/{i}" for i in range(len(urls))]
	expected = text + "".join(f"[link {i}]({click}) {text}" for i, click in enumerate(clicks))
	assert tracking.rewrite_text(plain, urls, clicks) == expected
	assert tracking.rewrite_text(plain, [], []) == plain


# --- the tracking server's address ----------------------------------------------------------------


def test_a_tracking_address_is_a_scheme_a_host_and_a_port():
	assert tracking.tracking_base("") is None
	assert tracking.tracking_base("  ") is None
	assert tracking.tracking_base(None) is None
	assert tracking.tracking_base(" https://Track.Example.com/ ") == "https://track.example.com"
	assert tracking.tracking_base("http://localhost:8010") == "http://localhost:8010"
	assert tracking.tracking_base("https://track.example.com.") == "https://track.example.com"


@pytest.mark.parametrize(
	"value",
	[
		"track.example.com",  # no scheme
		"ftp://track.example.com",
		"javascript://track.example.com",
		"https://track.example.com/t",  # a path: the tracking paths are the app's own
		"https://track.example.com/?x=1",
		"https://track.example.com#top",
		"https://track.example.com?",
		"https://user:secret@track.example.com",
		"https://track.example.com:99999",
		"https://track.example.com:port",
		"https://-track.example.com",
		"https://track_example.com",
		"https://[::1]",
		"https://",
	],
)
def test_anything_else_is_refused(value):
	with pytest.raises(RuleError):
		tracking.tracking_base(value)


@given(
	st.sampled_from(["http", "https", "HTTPS"]),
	st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True), min_size=1, max_size=4),
	st.one_of(st.none(), st.integers(min_value=1, max_value=65535)),
)
def test_a_valid_address_reads_back_as_itself(scheme, labels, port):
	address = f"{scheme}://{'.'.join(labels)}" + (f":{port}" if port else "")
	base = tracking.tracking_base(address)
	assert base == address.lower().replace("HTTPS", "https")
	assert tracking.tracking_base(base) == base  # normalised once for good
	assert tracking.tracking_base(base + "/") == base
