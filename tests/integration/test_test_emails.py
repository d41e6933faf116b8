# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Test emails count nowhere: a step's Send Test Email (an ordinary template, and a template
with a design) and the designer's Send Test are tracked as the campaign's emails are, but their
opens and clicks change no figure of the campaign or its steps (the links still lead to their
pages), and their unsubscribe link leads to a page that says it is a test, where nothing is
written. The guest endpoints are called in-process here, and over HTTP on the served site."""

import datetime as dt
import http.client
import re
import urllib.parse
from urllib.parse import unquote

import frappe
import pytest

from campaign_plus.design import api as design_api
from campaign_plus.optout import api as optout
from campaign_plus.sending import api as sending_api
from campaign_plus.sending import planner
from campaign_plus.tracking import api, buffer, messages, statistics
from campaign_plus.utils import unsubscribe_links
from campaign_plus.utils.signing import read_token
from tests.integration import test_delivery, test_design
from tests.integration.conftest import BENCH, SITE
from tests.integration.helpers import (
	enroll,
	freeze_time,
	make_campaign,
	make_lead,
	make_template,
	use_outgoing_account,
)
from tests.served import served_site

mail_server, delivering, shop = test_delivery.mail_server, test_delivery.delivering, test_design.shop
START = dt.date(2027, 3, 1)
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
LINKS = ["https://shop.example.com/offer?id=1&utm=cp", "https://docs.example.com/brochure.pdf"]
BODY = (
	"<p>Hi {{ doc.first_name }},</p>"
	'<p><a href="https://shop.example.com/offer?id=1&amp;utm=cp">Our offer</a> '
	'<a href="https://docs.example.com/brochure.pdf">brochure</a></p>'
)


def tokens(html: str, kind: str) -> list[str]:
	return [unquote(t) for t in re.findall(rf"tracking\.api\.{kind}\?t=([A-Za-z0-9_.%-]+)", html)]


def unsubscribe_token(html: str) -> str:
	(token,) = set(re.findall(r"optout\.api\.page\?t=([A-Za-z0-9_.%-]+)", html))
	return unquote(token)


def figures(campaign: str) -> tuple:
	"""Every figure of the campaign: its steps', its clicks per link, its card, and the rows
	that hold hits (events of a recipient, counters of a step), once the buffered hits are written."""
	buffer.flush()
	return (
		[(step["schedule_row"], step["figures"], step["links"]) for step in statistics.steps(campaign)],
		statistics.card_values(campaign),
		frappe.db.count("Campaign Engagement Event", {"campaign": campaign}),
		frappe.db.count("Campaign Step Engagement", {"campaign": campaign}),
		frappe.db.count("Email Unsubscribe", {"reference_name": campaign}),
		frappe.db.count("Campaign Send Log", {"campaign": campaign}),
	)


def nothing_written_by_its_links(campaign: str, html: str, links: tuple[str, ...]) -> None:
	"""Open and click every tracked link of a test email, and visit its unsubscribe page:
	the pixel shows, each link leads to its page, the page says it is a test, no figure moves."""
	before = figures(campaign)
	(pixel,) = tokens(html, "open")
	assert read_token(messages.OPEN_PURPOSE, pixel)[0] == messages.TEST
	for _ in range(2):
		response = api.open(t=pixel)
		assert response.status_code == 200 and response.mimetype == "image/gif"
	clicks = tokens(html, "click")
	assert clicks
	for token in clicks:
		assert read_token(messages.CLICK_PURPOSE, token)[0] == messages.TEST
		response = api.click(t=token)
		assert response.status_code == 302 and response.headers["Location"].startswith(links)
	token = unsubscribe_token(html)
	assert unsubscribe_links.is_test_token(token) and unsubscribe_links.read_token(token) is None
	for show in (lambda: optout.page(t=token), lambda: optout.choose(t=token, choice="all")):
		frappe.local.message = None
		show()
		assert 'data-outcome="test"' in frappe.local.message
	assert optout.one_click(t=token)
	assert figures(campaign) == before


@pytest.fixture
def planned(monkeypatch):
	"""A campaign with an ordinary template (two links), its step sent to one lead, the real
	email's open and click counted (the figures a test email must not move)."""
	use_outgoing_account()
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	address = f"cp-admin-{frappe.generate_hash(length=8)}@example.com"
	frappe.db.set_value("User", "Administrator", "email", address)
	template = make_template(body=BODY)
	campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
	lead = make_lead()
	enroll(campaign.name, [lead.name], START)
	with freeze_time(f"{START} 10:00:00"):
		planner.plan_campaign(campaign.name)
	(real,) = [html for _s, _t, html in _queued(campaign.name, lead.email_id)]
	assert api.open(t=tokens(real, "open")[0]).status_code == 200
	assert api.click(t=tokens(real, "click")[0]).status_code == 302
	buffer.flush()  # the scheduler's minute: the buffered hits written
	(step,) = statistics.steps(campaign.name)
	assert (step["figures"].unique_opens, step["figures"].clicks) == (1, 1), "the real email counts"
	yield frappe._dict(campaign=campaign, template=template, lead=lead, address=address)
	frappe.local.flags.commit = False


def _queued(campaign: str, recipient: str) -> list[tuple[str, str, str]]:
	rows = frappe.db.sql(
		"""SELECT q.message FROM `tabEmail Queue` q JOIN `tabEmail Queue Recipient` r ON r.parent = q.name
		WHERE q.reference_doctype = 'Campaign' AND q.reference_name = %s AND r.recipient = %s""",
		(campaign, recipient),
	)
	return [test_design.parts(message) for (message,) in rows]


def test_a_steps_test_email_is_tracked_like_the_campaigns_but_counts_nowhere(planned):
	doc = planned.campaign
	assert sending_api.send_test_email(doc.name, doc.campaign_schedules[0].name) == planned.address
	(test,) = _queued(doc.name, planned.address)
	subject, text, html = test
	assert subject.startswith("[")
	assert "Our offer" in html and "shop.example.com" not in html, "its links tracked, as the campaign's"
	assert "data-cp-footer" in html, "the sender's footer, as the campaign's emails end"
	assert "optout.api.page?t=" in text and "tracking.api.open" not in text
	nothing_written_by_its_links(doc.name, html, tuple(LINKS))


def test_a_steps_test_email_with_tracking_off_has_plain_links(planned):
	doc = planned.campaign
	frappe.db.set_value("Campaign", doc.name, {"cp_track_opens": 0, "cp_track_clicks": 0})
	sending_api.send_test_email(doc.name, doc.campaign_schedules[0].name)
	(test,) = _queued(doc.name, planned.address)
	html = test[2]
	assert "tracking.api" not in html and "https://shop.example.com/offer?id=1&amp;utm=cp" in html
	assert unsubscribe_links.is_test_token(unsubscribe_token(html))


def test_a_designed_steps_test_email_is_the_design_and_counts_nowhere(shop, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	address = f"cp-admin-{frappe.generate_hash(length=8)}@example.com"
	frappe.db.set_value("User", "Administrator", "email", address)
	campaign = frappe.get_doc("Campaign", shop.campaign)
	planner.plan_campaign(shop.campaign)
	before = figures(shop.campaign)
	sending_api.send_test_email(shop.campaign, campaign.campaign_schedules[0].name)
	(test,) = _queued(shop.campaign, address)
	subject, _text, html = test
	assert "Offre pour" in subject, "the template's subject"
	assert "<!--[if mso | IE]>" in html and shop.coupon_code in html, "the design, as compiled"
	assert figures(shop.campaign) == before
	nothing_written_by_its_links(
		shop.campaign,
		html,
		("https://shop.example.com/",),
	)


def test_the_designers_test_email_counts_nowhere(shop, delivering, monkeypatch):
	monkeypatch.setattr(api, "_user_agent", lambda: BROWSER)
	test_delivery.make_account(delivering)
	planner.plan_campaign(shop.campaign)
	start = len(delivering.messages())
	design_api.send_test(shop.design, "tester@example.com", "Contact", shop.contact.name)
	(raw,) = delivering.messages()[start:]
	_subject, _text, html = test_design.parts(raw)
	assert "Bonjour Zoé" in html and "tracking.api.click?t=" in html
	nothing_written_by_its_links(
		shop.campaign,
		html,
		("https://shop.example.com/",),
	)


def test_the_designers_preview_unsubscribe_link_is_the_test_page(shop):
	preview = design_api.preview(shop.design, None, "Contact", shop.contact.name)
	assert unsubscribe_links.is_test_token(unsubscribe_token(preview["html"]))
	assert "tracking.api" not in preview["html"]


# --- over HTTP ------------------------------------------------------------------------------------


def request(base: str, method: str, url: str, body: bytes | None = None, headers: dict | None = None):
	parts = urllib.parse.urlsplit(base)
	target = urllib.parse.urlsplit(url)
	connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
	try:
		connection.request(method, f"{target.path}?{target.query}", body=body, headers=headers or {})
		response = connection.getresponse()
		return response.status, dict(response.getheaders()), response.read()
	finally:
		connection.close()


@pytest.mark.commits  # the served site must see the test email's link set: deleted afterwards
def test_a_test_emails_links_over_http_count_nowhere():
	"""A test email of a campaign tracked in aggregate (so a counted hit would write a step counter):
	its pixel, each link (twice), its unsubscribe page, the page's form and the one-click POST,
	over HTTP; a forged test token is refused. Nothing is written."""
	# a campaign name alone: a counted hit would write its step counter even without the campaign
	campaign = frappe._dict(name=f"_Test CP http {frappe.generate_hash(length=8)}")
	tracker = messages.BatchTracker(campaign.name, {"cp_track_opens": 1, "cp_track_clicks": 1}, test=True)
	row = frappe._dict(name="test", schedule_row="", step_idx=0)
	pixel, clicks = tracker.urls(row, None, LINKS)
	tracker.save([], frappe.utils.now_datetime())
	(link_set,) = tracker.link_sets
	page = unsubscribe_links.test_page_url(campaign.name)
	frappe.db.commit()
	try:
		with served_site(BENCH, SITE) as base:
			base_of = lambda url: url.replace(frappe.utils.get_url(), base)  # noqa: E731
			for _ in range(2):
				status, headers, body = request(base, "GET", base_of(pixel), headers={"User-Agent": BROWSER})
				assert status == 200 and body.startswith(b"GIF89a")
				for link, url in zip(LINKS, clicks, strict=True):
					status, headers, _body = request(
						base, "GET", base_of(url), headers={"User-Agent": BROWSER}
					)
					assert status == 302 and headers["Location"] == link
			status, _headers, body = request(base, "GET", base_of(page))
			assert status == 200 and b'data-outcome="test"' in body
			token = urllib.parse.parse_qs(urllib.parse.urlsplit(page).query)["t"][0]
			form = urllib.parse.urlencode({"t": token, "choice": "all"}).encode()
			form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
			status, _headers, body = request(
				base, "POST", f"{base}/api/method/campaign_plus.optout.api.choose", form, form_headers
			)
			assert status == 200 and b'data-outcome="test"' in body
			one_click = unsubscribe_links.one_click_url(token, base)
			status, _headers, _body = request(
				base, "POST", one_click, b"List-Unsubscribe=One-Click", form_headers
			)
			assert status == 200
			forged = page.replace(urllib.parse.quote(token), urllib.parse.quote(token[:-2] + "xx"))
			status, _headers, body = request(base, "GET", base_of(forged))
			assert status == 400 and b'data-outcome="test"' not in body
		frappe.db.rollback()
		assert frappe.db.count("Campaign Step Engagement", {"campaign": campaign.name}) == 0
		assert frappe.db.count("Campaign Engagement Event", {"campaign": campaign.name}) == 0
		assert frappe.db.count("Email Unsubscribe", {"reference_name": campaign.name}) == 0
	finally:
		frappe.db.rollback()
		frappe.db.delete("Campaign Step Engagement", {"campaign": campaign.name})
		frappe.db.delete("Campaign Link Set", {"name": link_set})
		frappe.db.commit()
