# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The tracking endpoints over real HTTP: the site served on 127.0.0.1 (tests/e2e/serve.py, the
checkout's code), a sent message's pixel and links fetched as a mail reader would.

The data must be committed for the served site to see it: everything is deleted in a finally."""

import datetime as dt
import os
import pathlib
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import quote, unquote

import frappe
import pytest

from campaign_plus.engine import tokens as token_engine
from campaign_plus.sending import planner, sender
from campaign_plus.tracking import buffer, messages, statistics
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
from tests.served import fetch, served_site
from tests.site_cleanup import delete_tracked_campaign, outgoing_accounts_restored
from tests.workers import settings_values

pytestmark = pytest.mark.commits  # real processes see committed data: deleted afterwards

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15"
TARGET = "https://shop.example.com/offer?id=7&utm=cp"


def get(url: str):
	return fetch(url, headers={"User-Agent": BROWSER})


@pytest.fixture(scope="module")
def server():
	with served_site(BENCH, SITE) as url:
		yield url


def test_pixel_and_links_over_http(server):
	# the lead has no consent record: planned without one whatever the site's rule
	with outgoing_accounts_restored(), settings_values(opt_in_rule="Not Required"):
		pixel_and_links_over_http(server)


def pixel_and_links_over_http(server):
	campaign = None
	made: dict[str, list[str]] = {"Lead": [], "Email Template": [], "Campaign": []}
	try:
		use_outgoing_account()
		template = make_template(
			body=f'<p>Hello {{{{ doc.first_name }}}}, <a href="{TARGET}">see the offer</a></p>'
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
		message = frappe.db.get_value("Email Queue", {"reference_name": campaign}, "message")
		html = sender._parts(message)[2]
		row = frappe.db.get_value(
			"Campaign Send Log", {"campaign": campaign}, ["name", "email_queue"], as_dict=True
		)
		frappe.db.set_value("Campaign Send Log", row.name, "status", "Sent")  # as the Email Queue sync does
		frappe.db.commit()

		def path(kind: str) -> str:
			(url,) = re.findall(rf'"(https?://[^"]*tracking\.api\.{kind}\?t=[^"]+)"', html)
			return re.sub(r"^https?://[^/]+", "", url.replace("&amp;", "&"))

		def nothing_written():
			frappe.db.rollback()
			return (
				frappe.db.count("Campaign Engagement Event", {"campaign": campaign}),
				frappe.db.get_value("Campaign Send Log", row.name, ["opens", "clicks"]),
				frappe.db.count("Campaign Step Engagement", {"campaign": campaign}),
			)

		before = nothing_written()
		assert before == (0, (0, 0), 0)
		status, headers, body = get(server + path("open"))
		assert (status, headers["Content-Type"]) == (200, "image/gif") and body.startswith(b"GIF89a")
		assert "no-store" in headers["Cache-Control"] and headers["Pragma"] == "no-cache"
		get(server + path("open"))  # opened twice: one unique open
		status, headers, _body = get(server + path("click"))
		assert (status, headers["Location"]) == (302, TARGET)
		frappe.db.rollback()
		assert frappe.db.get_value("Campaign Send Log", row.name, ["opens", "clicks"]) == (0, 0)
		assert buffer.flush()["hits"] == 3  # the scheduler's minute: the buffered hits written
		frappe.db.commit()  # as the flush does outside tests (deleted in the finally)
		assert frappe.db.get_value("Campaign Send Log", row.name, ["opens", "clicks"]) == (2, 1)
		(step,) = statistics.steps(campaign)
		assert (step["figures"].unique_opens, step["figures"].unique_clicks, step["figures"].opens) == (
			1,
			1,
			2,
		)
		assert frappe.db.count("Campaign Engagement Event", {"campaign": campaign}) == 3
		written = nothing_written()

		link_set = frappe.get_all("Campaign Link Set", filters={"campaign": campaign}, pluck="name")[0]
		other_site = token_engine.make(
			token_engine.derive_secret("the secret of another site", messages.CLICK_PURPOSE),
			messages.CLICK_PURPOSE,
			("r", row.name, link_set, "0"),
		)
		refused = [
			("click", make_token(messages.CLICK_PURPOSE, "r", row.name, link_set, "1")),  # index out of range
			("click", other_site),
			("open", unquote(path("open").split("t=")[1])[:-3] + "AAA"),  # forged signature
			("open", "' OR 1=1; DELETE FROM `tabCampaign Send Log`; --"),
			("click", "x' UNION SELECT password FROM __Auth --"),
		]
		for kind, token in refused:
			status, headers, body = get(
				f"{server}/api/method/campaign_plus.tracking.api.{kind}?t={quote(token)}"
			)
			assert status == 404, (kind, token)
			assert headers["Content-Type"].startswith("text/plain") and b"Traceback" not in body
			assert "Location" not in headers
		status, _headers, body = get(f"{server}/api/method/campaign_plus.tracking.api.click?t=a&t=b&i=1%27--")
		assert status == 404 and b"Traceback" not in body
		assert nothing_written() == written
	finally:
		delete_tracked_campaign(campaign, made)
	assert not frappe.db.exists("Campaign", campaign)
