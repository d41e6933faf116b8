# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The tracking server (campaign_plus.tracking.server) as an admin runs it: ``bench --site SITE
campaign-plus-tracker`` (gunicorn, 2 workers, on 127.0.0.1), Campaign Plus Settings' Tracking URL
pointing at it, a sent message's pixel and link fetched from it as a mail reader would.

The data must be committed for the server to see it: everything is deleted in a finally, the
settings put back."""

import datetime as dt
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import quote, unquote

import frappe
import pytest

from campaign_plus.sending import planner, sender
from campaign_plus.tracking import buffer, messages
from campaign_plus.utils.signing import make_token
from tests.integration.conftest import BENCH, SITE
from tests.integration.helpers import (
	enroll,
	freeze_time,
	make_campaign,
	make_lead,
	make_template,
	use_outgoing_account,
)
from tests.served import checkout_env, fetch, free_port
from tests.site_cleanup import delete_tracked_campaign, outgoing_accounts_restored
from tests.workers import settings_values

pytestmark = pytest.mark.commits  # another process sees committed data: deleted afterwards

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"
TARGET = "https://shop.example.com/offer?id=7&utm=cp"


def call(url: str, method: str = "GET", host: str | None = None):
	return fetch(url, method, {"User-Agent": BROWSER, **({"Host": host} if host else {})})


@pytest.fixture(scope="module")
def tracker():
	"""The app's bench command, run as an admin runs it (from the bench's sites folder)."""
	port = free_port()
	log = open(os.devnull, "w")
	process = subprocess.Popen(
		[str(BENCH / "env" / "bin" / "python"), "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE,
		 "campaign-plus-tracker", "--port", str(port), "--workers", "2"],
		cwd=BENCH / "sites", env=checkout_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
	)  # fmt: skip
	url = f"http://127.0.0.1:{port}"
	try:
		for _ in range(240):
			if process.poll() is not None:
				raise RuntimeError(f"bench campaign-plus-tracker stopped ({process.returncode})")
			try:
				if call(f"{url}{messages.OPEN_METHOD}")[0] == 404:  # up: no token, nothing found
					break
			except OSError:
				time.sleep(0.5)
		else:
			raise RuntimeError(f"the tracking server did not come up on {url}")
		yield url
	finally:
		os.killpg(process.pid, signal.SIGTERM)
		try:
			process.wait(30)
		except subprocess.TimeoutExpired:
			os.killpg(process.pid, signal.SIGKILL)
			process.wait()
		log.close()


def test_the_tracking_url_is_checked_kept_plain_and_asked(tracker):
	settings = frappe.get_doc("Campaign Plus Settings")
	frappe.local.message_log = []
	settings.tracking_url = f" {tracker.upper()}/ "  # HTTP://127.0.0.1:…/ read as the address
	settings.save()
	assert settings.tracking_url == tracker
	assert not frappe.local.message_log  # the tracking server answers there
	closed = f"http://localhost:{free_port()}"  # nothing listens: saved, with a warning
	settings.tracking_url = closed
	settings.save()
	assert settings.tracking_url == closed
	assert "does not answer as the tracking server does" in str(frappe.local.message_log)
	settings.tracking_url = "https://track.example.com/campaign_plus?go=https://evil.example"
	with pytest.raises(frappe.ValidationError, match="tracking address"):
		settings.save()
	frappe.db.rollback()


def test_pixel_and_links_from_the_tracking_server(tracker):
	with outgoing_accounts_restored(), settings_values(opt_in_rule="Not Required", tracking_url=tracker):
		pixel_and_links(tracker)


def pixel_and_links(tracker: str):
	campaign = None
	made: dict[str, list[str]] = {"Lead": [], "Email Template": [], "Campaign": []}
	try:
		use_outgoing_account()
		template = make_template(
			body=f'<p>Hello {{{{ doc.first_name }}}}, <a href="{TARGET}">the offer</a></p>'
		)
		made["Email Template"].append(template.name)
		doc = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
		campaign = doc.name
		made["Campaign"].append(campaign)
		lead = make_lead()
		made["Lead"].append(lead.name)
		enroll(campaign, [lead.name], dt.date(2027, 3, 1))
		with freeze_time("2027-03-01 10:00:00"):
			planner.plan_campaign(campaign)
		html = sender._parts(frappe.db.get_value("Email Queue", {"reference_name": campaign}, "message"))[2]
		row = frappe.db.get_value("Campaign Send Log", {"campaign": campaign}, "name")
		frappe.db.set_value("Campaign Send Log", row, "status", "Sent")  # as the Email Queue sync does
		frappe.db.commit()

		# the message's pixel and link point at the tracking server (the settings' Tracking URL)
		urls = {
			kind: url.replace("&amp;", "&")
			for url, kind in re.findall(r'"(https?://[^"]*tracking\.api\.(open|click)\?t=[^"]+)"', html)
		}
		assert set(urls) == {"open", "click"}
		assert all(url.startswith(f"{tracker}/api/method/") for url in urls.values()), urls

		status, headers, body = call(urls["open"])
		assert (status, headers["Content-Type"]) == (200, "image/gif") and body.startswith(b"GIF89a")
		assert "no-store" in headers["Cache-Control"]
		call(urls["open"])
		status, headers, _body = call(urls["click"])  # the link set read from the database once
		assert (status, headers["Location"]) == (302, TARGET)
		status, headers, _body = call(urls["click"], host="another-site.example")  # one site: its own
		assert (status, headers["Location"]) == (302, TARGET)

		frappe.db.rollback()
		assert frappe.db.get_value("Campaign Send Log", row, ["opens", "clicks"]) == (0, 0)  # buffered
		assert buffer.flush()["hits"] == 4  # the scheduler's minute writes what the server buffered
		frappe.db.commit()
		assert frappe.db.get_value("Campaign Send Log", row, ["opens", "clicks"]) == (2, 2)
		assert frappe.db.count("Campaign Engagement Event", {"campaign": campaign}) == 4

		# the server trusts nothing: bad tokens, other methods and paths, no trace, no redirect
		link_set = frappe.get_all("Campaign Link Set", filters={"campaign": campaign}, pluck="name")[0]
		refused = [
			(messages.CLICK_METHOD, make_token(messages.CLICK_PURPOSE, "r", row, link_set, "1")),  # no link 1
			(messages.CLICK_METHOD, make_token(messages.OPEN_PURPOSE, "r", row)),  # an open's token
			(messages.OPEN_METHOD, unquote(urls["open"].split("t=")[1])[:-3] + "AAA"),  # forged
			(messages.OPEN_METHOD, "' OR 1=1; DELETE FROM `tabCampaign Send Log`; --"),
			("/api/method/ping", ""),
			("/app/campaign", ""),
		]
		for path, token in refused:
			status, headers, body = call(f"{tracker}{path}?t={quote(token)}")
			assert status == 404, (path, token)
			assert headers["Content-Type"].startswith("text/plain") and b"Traceback" not in body
			assert "Location" not in headers
		for method in ("POST", "HEAD", "PUT"):
			status, headers, _body = call(urls["open"], method=method)
			assert status == 405 and headers["Allow"] == "GET", method
		assert buffer.waiting() == 0  # nothing refused was buffered
		frappe.db.rollback()
		assert frappe.db.get_value("Campaign Send Log", row, ["opens", "clicks"]) == (2, 2)
	finally:
		delete_tracked_campaign(campaign, made)
	assert not frappe.db.exists("Campaign", campaign)


def test_with_several_sites_the_proxy_or_the_host_names_the_site():
	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	from campaign_plus.tracking.server import Tracker

	def site(headers: dict) -> str | None:
		return tracker.site_of(
			Request(EnvironBuilder(path=messages.OPEN_METHOD, headers=headers).get_environ())
		)

	tracker = Tracker(["one.example", "two.example"])
	assert site({"Host": "two.example:8010"}) == "two.example"
	assert site({"Host": "track.example.com", "X-Frappe-Site-Name": "one.example"}) == "one.example"
	assert site({"Host": "three.example"}) is None
	assert site({"Host": "one.example", "X-Frappe-Site-Name": "../../etc"}) is None
	assert Tracker([SITE]).site_of(Request(EnvironBuilder(headers={"Host": "x"}).get_environ())) == SITE
