# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The unsubscribe page in Chromium, as the French-speaking recipient sees it (a guest, no
cookie): its two choices and the change of mind, each recorded once; a bad link says so."""

import json
import os
import urllib.parse

import pytest

from tests.e2e.conftest import HERE, SITE, _bench_python

PAGE = "/api/method/campaign_plus.optout.api.page?t="


def fixtures(action: str, tag: str):
	output = _bench_python(str(HERE / "unsubscribe_fixtures.py"), SITE, action, tag)
	return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def recipient():
	tag = os.urandom(3).hex()
	data = fixtures("create", tag)
	yield tag, data
	fixtures("delete", tag)


@pytest.fixture
def guest(browser):
	context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="fr-FR")
	yield context.new_page()
	context.close()


def choose(page, choice: str) -> None:
	page.locator(f'button[data-choice="{choice}"]').click()
	page.wait_for_load_state("load")


def test_the_pages_choices_and_the_change_of_mind_in_french(guest, base_url, recipient):
	tag, data = recipient
	guest.goto(base_url + PAGE + urllib.parse.quote(data["token"]))
	body = guest.locator(".cp-unsubscribe").inner_text()
	assert data["email"] in body and "Choisissez ce que vous ne voulez plus recevoir" in body
	assert (
		guest.locator('button[data-choice="campaign"]').inner_text().strip()
		== "Me désinscrire de cette campagne"
	)
	assert fixtures("records", tag) == {"unsubscribes": [], "consents": []}  # a GET changes nothing

	choose(guest, "campaign")
	assert guest.locator('.cp-unsubscribe[data-outcome="unsubscribed"]').count() == 1
	assert "ne recevra plus les e-mails de" in guest.locator(".cp-unsubscribe").inner_text()
	assert fixtures("records", tag) == {
		"unsubscribes": [[data["campaign"], 0]],
		"consents": [["Withdrawn", "Unsubscribe Page"]],
	}
	guest.reload()  # a reload asks to send the form again: refused by the browser, nothing twice
	guest.goto(base_url + PAGE + urllib.parse.quote(data["token"]))
	assert guest.locator('.cp-unsubscribe[data-outcome="unsubscribed"]').count() == 1

	choose(guest, "all")
	assert guest.locator('.cp-unsubscribe[data-outcome="unsubscribed-all"]').count() == 1
	assert fixtures("records", tag)["unsubscribes"] == [["", 1], [data["campaign"], 0]]

	choose(guest, "resubscribed")
	assert guest.locator('.cp-unsubscribe[data-outcome="resubscribed"]').count() == 1
	assert "recevra de nouveau nos e-mails" in guest.locator(".cp-unsubscribe").inner_text()
	assert fixtures("records", tag) == {
		"unsubscribes": [],
		"consents": [["Withdrawn", "Unsubscribe Page"], ["Granted", "Unsubscribe Page"]],
	}


def test_a_bad_link_says_so_and_records_nothing(guest, base_url, recipient):
	tag, data = recipient
	response = guest.goto(base_url + PAGE + urllib.parse.quote(data["token"][:-2] + "zz"))
	assert response.status == 400
	assert guest.locator(".cp-unsubscribe").count() == 0
	assert fixtures("records", tag) == {"unsubscribes": [], "consents": []}
