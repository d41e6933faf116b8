# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""UTM parameters on tracked clicks, over real HTTP (the site served on 127.0.0.1 with this
checkout's code): a link to an own domain arrives with them, another domain's link untouched, a
link with UTM parameters of its own kept whole. Committed data is deleted in a finally; the
settings changed are put back."""

import json
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, quote, urlsplit

import frappe
import pytest

from campaign_plus.tracking import buffer, messages
from campaign_plus.utils.db import standard_values
from campaign_plus.utils.signing import signer
from tests.integration.conftest import BENCH, SITE
from tests.integration.helpers import make_campaign
from tests.served import served_site

pytestmark = pytest.mark.commits  # the served site sees committed data: deleted afterwards

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
LINKS = [
	"https://www.shop-cp.example/offer?id=7#top",  # own (a subdomain of a listed domain)
	"https://elsewhere.example.org/page",  # not own
	"https://shop-cp.example/tagged?utm_source=partner&x=1",  # own, tagged already
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
	def redirect_request(self, *args, **kwargs):
		return None


def location(url: str) -> tuple[int, str | None]:
	request = urllib.request.Request(url, headers={"User-Agent": BROWSER})
	try:
		response = urllib.request.build_opener(NoRedirect).open(request, timeout=30)
		return response.status, response.headers.get("Location")
	except urllib.error.HTTPError as error:
		return error.code, error.headers.get("Location")


@pytest.fixture(scope="module")
def server():
	with served_site(BENCH, SITE) as url:
		yield url


def test_clicks_to_own_domains_carry_the_campaign(server):
	frappe.db.rollback()
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	previous = {key: values.get(key) for key in ("own_domains", "utm_source")}
	campaign = None
	try:
		frappe.db.set_single_value(
			"Campaign Plus Settings", {"own_domains": "shop-cp.example", "utm_source": "news"}
		)
		campaign = make_campaign().name
		now = frappe.utils.now_datetime()
		row = frappe.get_doc(
			{
				"doctype": "Campaign Send Log",
				"campaign": campaign,
				"step_idx": 2,
				"variant": "B",
				"schedule_row": "row-utm",
				"party_type": "Lead",
				"party": "nobody",
				"email": "utm@example.com",
				"status": "Sent",
				"tracking": "Individual",
			}
		)
		row.db_insert()
		link_set = messages.link_set_name(campaign, LINKS)
		frappe.db.bulk_insert(
			"Campaign Link Set",
			[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"docstatus",
				"campaign",
				"link_count",
				"links",
			],
			[(*standard_values(link_set, now), campaign, len(LINKS), json.dumps(LINKS))],
		)
		frappe.db.commit()
		sign = signer(messages.CLICK_PURPOSE)

		def click(index: int, *subject) -> str:
			token = sign(*subject, link_set, str(index))
			status, target = location(f"{server}{messages.CLICK_METHOD}?t={quote(token)}")
			assert status == 302, status
			return target

		individual = (messages.ROW, row.name)
		own = click(0, *individual)
		parts = urlsplit(own)
		assert (parts.netloc, parts.path, parts.fragment) == ("www.shop-cp.example", "/offer", "top")
		assert parse_qsl(parts.query) == [
			("id", "7"),
			("utm_source", "news"),
			("utm_medium", "email"),
			("utm_campaign", campaign),
			("utm_content", "step-2-B"),
		]
		assert click(1, *individual) == LINKS[1]
		assert click(2, *individual) == LINKS[2]
		aggregate = (messages.STEP, campaign, "row-utm", "3")  # tracked without consent: the step only
		assert dict(parse_qsl(urlsplit(click(0, *aggregate)).query))["utm_content"] == "step-3"
		assert click(1, *aggregate) == LINKS[1]
		# the served site reads the settings from Frappe's cache: changed, they apply at once
		frappe.db.set_single_value("Campaign Plus Settings", "utm_source", "letter")
		frappe.db.commit()
		assert dict(parse_qsl(urlsplit(click(0, *aggregate)).query))["utm_source"] == "letter"
	finally:
		frappe.db.rollback()
		buffer.flush()  # the clicks buffered by the server written, then deleted with the rest
		frappe.db.set_single_value("Campaign Plus Settings", previous)
		if campaign:
			for doctype in (
				"Campaign Engagement Event",
				"Campaign Step Engagement",
				"Campaign Link Set",
				"Campaign Send Log",
			):
				frappe.db.delete(doctype, {"campaign": campaign})
			frappe.delete_doc("Campaign", campaign, force=True, ignore_permissions=True)
		frappe.db.commit()
