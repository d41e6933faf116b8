# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A campaign form in Chromium, as a visitor meets it: a campaign email's tracked link takes them
to a partner's plain HTML page (another port of 127.0.0.1) carrying UTM parameters, where the form is
embedded by its script tag. Filled and sent: one Lead with the campaign, the UTM values and a
Pending consent; the confirmation link grants it; the Lead is in the segment and its first step
is planned. The same address again updates. The honeypot, a too-fast submission, a 6th from one
address in a minute, a page on a website not listed: refused, nothing written. A tracked link
to another domain arrives untouched."""

import http.server
import json
import os
import subprocess
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.conftest import BENCH, HERE, SITE
from tests.served import checkout_env, free_port

FIXTURES = HERE / "forms_fixtures.py"


def bench(*args) -> dict:
	output = subprocess.run(
		[str(BENCH / "env" / "bin" / "python"), str(FIXTURES), SITE, *args],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		check=True,
		env=checkout_env(),
	).stdout
	return json.loads(output.strip().splitlines()[-1])


class Partner:
	"""A plain website on a port of 127.0.0.1: any path answers a page embedding the form by its
	script tag (``/quick.html``: the form needing a minute to fill)."""

	def __init__(self, host: str, port: int, script_url: str, quick_script_url: str):
		def page(url: str) -> bytes:
			return (
				"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Partner</title></head><body>"
				f"<h1>Partner news</h1><script src='{url}' async></script></body></html>"
			).encode()

		pages = {"/quick.html": page(quick_script_url)}
		default = page(script_url)

		class Handler(http.server.BaseHTTPRequestHandler):
			def do_GET(self):
				self.send_response(200)
				self.send_header("Content-Type", "text/html; charset=utf-8")
				self.end_headers()
				self.wfile.write(pages.get(self.path.split("?")[0], default))

			def log_message(self, *args):
				pass

		self.server = http.server.ThreadingHTTPServer((host, port), Handler)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()

	def close(self):
		self.server.shutdown()
		self.server.server_close()


@pytest.fixture(scope="module")
def setup(base_url):
	"""The form lists the partner's origin only; the other website (127.0.0.2) is not listed —
	nor an own domain for the tracked links (127.0.0.1 is)."""
	tag = os.urandom(3).hex()
	partner_port, other_port = free_port(), free_port()
	partner_origin, other_origin = f"http://127.0.0.1:{partner_port}", f"http://127.0.0.2:{other_port}"
	data = bench("create", tag, partner_origin, other_origin)
	script = f"{base_url}/campaign-form/{data['route']}.js"
	quick = f"{base_url}/campaign-form/{data['quick_route']}.js"
	servers = [
		Partner(host, port, script, quick)
		for host, port in (("127.0.0.1", partner_port), ("127.0.0.2", other_port))
	]
	try:
		yield {**data, "tag": tag, "partner": partner_origin, "other": other_origin}
	finally:
		for server in servers:
			server.close()
		bench("delete", tag)


@pytest.fixture
def visitor(browser):
	context = browser.new_context(viewport={"width": 1100, "height": 900})
	page = context.new_page()
	yield page
	context.close()


MIN_FILL = 4.5  # the form's minimum fill time (forms_fixtures.py: 4 s), and a margin


def fill(page, email: str, first_name: str = "Zoé", honeypot: bool = False):
	"""Fill the embedded form as a person would (a bot fills the hidden honeypot field too)."""
	frame = page.frame_locator("iframe[data-cp-form]")
	frame.locator("input[name=email_id]").wait_for(timeout=60000)
	frame.locator("input[name=email_id]").fill(email)
	frame.locator("input[name=first_name]").fill(first_name)
	frame.locator("input[name=cp_consent]").check()
	if honeypot:
		frame.locator("input[name=cp_hp]").evaluate("el => { el.value = 'http://spam.example' }")
	return frame


def send(frame):
	"""Send a filled form; the answer it shows (its class and text)."""
	frame.locator("button[type=submit]").click()
	message = frame.locator("#cp-message")
	message.wait_for(state="visible", timeout=60000)
	return message.get_attribute("class"), message.inner_text()


def fill_and_send(page, email: str, first_name: str = "Zoé", wait: float = MIN_FILL):
	frame = fill(page, email, first_name)
	time.sleep(wait)
	return send(frame)


def leads_of(state: dict, email: str) -> list[dict]:
	return [lead for lead in state["leads"] if lead["email_id"] == email]


def test_a_visitor_from_a_campaign_email_becomes_one_lead_with_campaign_utm_and_consent(
	base_url, setup, visitor
):
	tag = setup["tag"]
	email = f"zoe-{tag}@example.com"
	bench("clear-rate-limit", tag)

	# the campaign email's tracked link to an own domain arrives with the campaign's UTM parameters
	visitor.goto(base_url + setup["clicks"][0])
	landed = urlsplit(visitor.url)
	assert f"{landed.scheme}://{landed.netloc}" == setup["partner"]
	assert dict(parse_qsl(landed.query)) == {
		"utm_source": "news",
		"utm_medium": "email",
		"utm_campaign": setup["campaign"],
		"utm_content": "step-1",
	}
	kind, text = fill_and_send(visitor, email)
	assert "cp-good" in kind and "Thank you, check your mailbox." in text, text

	state = bench("state", tag)
	[lead] = leads_of(state, email)
	assert lead["campaign_ok"] and lead["first_name"] == "Zoé"
	assert lead["cp_marketing_consent"] == "Pending Confirmation"
	if "utm_source" in lead:  # ERPNext 16: on the Lead itself
		assert (lead["utm_source"], lead["utm_medium"], lead["utm_content"]) == ("news", "email", "step-1")
	[submission] = state["submissions"]
	assert (
		submission["utm_source"],
		submission["utm_medium"],
		submission["utm_campaign"],
		submission["utm_content"],
	) == (
		"news",
		"email",
		setup["campaign"],
		"step-1",
	)
	assert submission["embedded_on"] == setup["partner"] and submission["campaign"] == setup["campaign"]
	[pending] = state["consents"]
	assert (pending["status"], pending["source"], pending["consent_text"]) == (
		"Pending Confirmation",
		"Form",
		"I agree to receive the newsletter.",
	)
	assert state["members"] == [{"party_type": "Lead", "party": lead["name"]}]

	# the confirmation link of the email grants it; the lead's first step is then planned
	assert state["confirmation"], "no confirmation link in the queued email"
	visitor.goto(base_url + state["confirmation"])
	assert "Subscription Confirmed" in visitor.content()
	assert bench("plan", tag)["planned"] == 1
	state = bench("state", tag)
	assert [c["status"] for c in state["consents"]] == ["Pending Confirmation", "Granted"]
	assert [(s["party"], s["step_idx"], s["status"]) for s in state["sends"]] == [
		(lead["name"], 1, "Planned")
	]

	# the same address again: the same Lead, updated
	visitor.goto(base_url + setup["clicks"][0])
	kind, text = fill_and_send(visitor, email.upper(), first_name="Zoé-Marie")
	assert "cp-good" in kind, text
	state = bench("state", tag)
	[again] = leads_of(state, email)
	assert again["name"] == lead["name"] and again["first_name"] == "Zoé-Marie"
	assert len(state["submissions"]) == 2

	# a tracked link to another domain arrives untouched
	visitor.goto(base_url + setup["clicks"][1])
	assert visitor.url == f"{setup['other']}/elsewhere.html"


def test_spam_a_sixth_submission_and_unlisted_websites_are_refused(base_url, setup, visitor):
	tag = setup["tag"]
	before = bench("state", tag)
	landing = f"{setup['partner']}/landing.html?utm_source=partner"
	# the forms are opened and filled first, then sent within seconds (the limit is per minute)
	context = visitor.context
	tabs = {name: context.new_page() for name in ("bot", "p0", "p1", "p2", "p3")}
	sent = [f"{name}-{tag}@example.com" for name in ("p0", "p1", "p2", "p3")]
	frames = {}
	for name, tab in tabs.items():
		tab.goto(landing)
		frames[name] = fill(tab, f"{name}-{tag}@example.com", honeypot=name == "bot")
	time.sleep(MIN_FILL)
	bench("clear-rate-limit", tag)

	kind, _text = send(frames["bot"])  # 1 this minute: the honeypot
	assert "cp-bad" in kind
	visitor.goto(f"{setup['partner']}/quick.html?utm_source=partner")
	kind, text = send(fill(visitor, f"fast-{tag}@example.com"))  # 2: sent within the minute: too fast
	assert "cp-bad" in kind and "quick" in text, text
	for name in ("p0", "p1", "p2"):  # 3, 4, 5: accepted
		kind, text = send(frames[name])
		assert "cp-good" in kind, text
	kind, text = send(frames["p3"])  # the 6th from 127.0.0.1 this minute: refused
	assert "cp-bad" in kind and "Too many submissions" in text, text
	state = bench("state", tag)
	assert [bool(leads_of(state, email)) for email in sent] == [True, True, True, False]
	assert not leads_of(state, f"bot-{tag}@example.com") and not leads_of(state, f"fast-{tag}@example.com")
	assert len(state["submissions"]) == len(before["submissions"]) + 3

	# a website not listed: the browser refuses to show the form (frame-ancestors), nothing written
	visitor.goto(f"{setup['other']}/page.html")
	frame = visitor.frame_locator("iframe[data-cp-form]")
	visitor.wait_for_selector("iframe[data-cp-form]", state="attached", timeout=30000)
	time.sleep(3)
	assert frame.locator("input[name=email_id]").count() == 0
	after = bench("state", tag)
	assert len(after["submissions"]) == len(state["submissions"])
	assert not [s for s in after["submissions"] if s["embedded_on"] == setup["other"]]


def test_the_desk_form_offers_the_fields_and_the_embed_code(page, base_url, setup):
	from tests.e2e.test_desk import open_form

	open_form(page, base_url, "campaign-form", setup["form"])
	page.wait_for_function(
		"() => (cur_frm.fields_dict.form_fields.grid.get_docfield('fieldname').options || []).length > 5",
		timeout=20000,
	)
	choices = page.evaluate("() => cur_frm.fields_dict.form_fields.grid.get_docfield('fieldname').options")
	values = {choice["value"] for choice in choices}
	assert {"email_id", "first_name", "company_name"} <= values
	assert not values & {"lead_owner", "status", "cp_lead_score"}
	code = page.locator('[data-fieldname="embed_code"] pre').first
	code.wait_for(timeout=20000)
	assert f"/campaign-form/{setup['route']}.js" in code.inner_text()

	# the Lead list: the score is a standard filter and a sort key (and a column in List Settings)
	page.goto(f"{base_url}/app/lead?city=no-such-city")
	# (the list's head row is hidden while an empty result shows: wait for the list's own controls)
	page.wait_for_selector(".sort-selector", timeout=60000)
	page.wait_for_selector(
		'.standard-filter-section [data-fieldname="cp_lead_score"]', state="attached", timeout=60000
	)
	assert page.locator('.standard-filter-section [data-fieldname="cp_lead_score"]').count() >= 1
	page.locator(".sort-selector .dropdown-toggle, .sort-selector button").first.click()
	page.wait_for_timeout(500)
	assert "Lead Score" in page.locator(".sort-selector .dropdown-menu").first.inner_text()
