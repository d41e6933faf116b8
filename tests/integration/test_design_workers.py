# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A designed email to 1,000 recipients through the planner and the delivery jobs, with real
``bench worker`` processes (their own queue Redis) and a mail server on 127.0.0.1: every message
received once, each personalised, and each byte-identical to the compiled design apart from its
personal parts (first name, click and open URLs, unsubscribe link). Commits; deletes everything
it made afterwards."""

import collections
import email
import html
import json
import re
import sys
from email import policy

import frappe
import pytest

from campaign_plus.design import compiler
from campaign_plus.engine import design_mjml, design_render
from tests.integration.conftest import BENCH, SITE
from tests.smtp_server import MailServer
from tests.workers import (
	Bench,
	PrivateQueue,
	committed_account,
	committed_campaign,
	delete_campaign,
	wait_for,
)

pytestmark = pytest.mark.commits  # real processes see committed data: deleted afterwards

RECIPIENTS = 1000


@pytest.fixture(scope="module")
def rig(site):
	queue = PrivateQueue().start()
	server = MailServer(python=sys.executable, store=True).start()
	bench = Bench(BENCH, SITE, queue)
	try:
		frappe.db.rollback()
		with committed_account(server) as account:
			yield frappe._dict(queue=queue, server=server, bench=bench, account=account)
	finally:
		bench.stop_workers()
		server.cleanup()
		queue.stop()


@pytest.fixture
def designed_campaign(rig):
	run = frappe.generate_hash(length=6)
	emails = [f"reader{i}-{run}@example.com" for i in range(RECIPIENTS)]
	data = committed_campaign(f"design-{run}", emails, batch_size=250)
	group = frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0]
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": f"_CP-LAMP-{run}",
			"item_name": f"Lampe {run}",
			"item_group": group,
			"stock_uom": "Nos",
			"is_stock_item": 0,
			"image": "https://cdn.example.com/lamp.png",
		}
	).insert(ignore_permissions=True)
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
	frappe.get_doc(
		{"doctype": "Item Price", "item_code": item.name, "price_list": price_list, "price_list_rate": 59}
	).insert(ignore_permissions=True)
	blocks = [
		{"type": "header", "alt": "Boutique"},
		{"type": "heading", "html": "Bonjour {{ first_name | cher client }} !"},
		{
			"type": "text",
			"html": '<p>Notre <a href="https://shop.example.com/offre?a=1&amp;b=2">offre</a>.</p>',
		},
		{"type": "button", "label": "J'en profite", "href": "https://shop.example.com/achat"},
		{
			"type": "columns",
			"columns": [[{"type": "text", "html": "<p>Un</p>"}], [{"type": "text", "html": "<p>Deux</p>"}]],
		},
		{"type": "products", "items": [item.name], "link": "https://shop.example.com/p/{item_code}"},
		{"type": "footer"},
	]
	design = frappe.get_doc(
		{
			"doctype": "Campaign Email Design",
			"title": f"_CP design {run}",
			"campaign": data["campaign"],
			"design": json.dumps({"blocks": blocks}),
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Email Template", data["template"], "cp_email_design", design.name)
	frappe.db.commit()
	try:
		yield frappe._dict(data, design=design.name, emails=emails)
	finally:
		rig.bench.stop_workers()
		frappe.db.rollback()
		frappe.db.set_value("Email Template", data["template"], "cp_email_design", None)
		frappe.db.delete("Campaign Link Set", {"campaign": data["campaign"]})
		frappe.db.delete("Campaign Email Design", {"name": design.name})
		frappe.db.delete("Item Price", {"item_code": item.name})
		frappe.db.delete("Item", {"name": item.name})
		frappe.db.commit()
		delete_campaign(data)


def test_a_designed_email_to_1000_recipients_through_the_workers(rig, designed_campaign):
	campaign = designed_campaign.campaign
	rig.bench.start_worker()
	rig.bench.start_worker()
	# Send Due Emails Now, run by the bench as the desk's button does: the planner for this campaign
	# only, its send batches and delivery jobs on the workers
	rig.bench.execute("campaign_plus.sending.api.send_due_emails_now", campaign)

	def sent() -> bool:
		frappe.db.rollback()
		return frappe.db.count("Email Queue", {"reference_name": campaign, "status": "Sent"}) == RECIPIENTS

	wait_for(sent, 900, 1, what=f"{RECIPIENTS} messages sent")
	frappe.db.rollback()
	ids = set(frappe.get_all("Email Queue", filters={"reference_name": campaign}, pluck="message_id"))
	messages = [
		raw for raw in rig.server.messages() if email.message_from_bytes(raw)["Message-ID"].strip("<>") in ids
	]
	counts = collections.Counter(email.message_from_bytes(raw)["Message-ID"] for raw in messages)
	assert len(counts) == RECIPIENTS and set(counts.values()) == {1}, "each message once"

	# the compiled design, as this process compiles it (the same input: the same nonce and pieces)
	_row, _design, compiled = compiler.compiled(designed_campaign.design, campaign)
	tracked, urls = design_render.tracked(compiled, opens=True, clicks=True)
	assert len(urls) == 4  # text, button, the product image and its button
	pattern = re.compile("(.*?)".join(re.escape(piece) for piece in tracked.html_template.pieces), re.DOTALL)
	kinds = [tracked.slots[gap] for gap in tracked.html_template.gaps]
	leads = dict(
		frappe.get_all(
			"Lead",
			filters={"name": ("in", designed_campaign.leads)},
			fields=["email_id", "first_name"],
			as_list=1,
		)
	)
	seen_first_names, seen_clicks = set(), set()
	for raw in messages:
		message = email.message_from_bytes(raw, policy=policy.SMTP)
		recipient = str(message["To"]).strip("<>")
		(part,) = [p for p in message.walk() if p.get_content_type() == "text/html"]
		match = pattern.fullmatch(part.get_content().replace("\r\n", "\n").strip("\n"))
		assert match, f"the message to {recipient} is not the compiled design with its personal parts"
		for slot, value in zip(kinds, match.groups(), strict=True):
			if slot.kind == design_mjml.FIELD:
				assert value == html.escape(leads[recipient], quote=True)
				seen_first_names.add(value)
			elif slot.kind == design_render.CLICK:
				assert "/api/method/campaign_plus.tracking.api.click?t=" in value
				seen_clicks.add(value)
			elif slot.kind == design_render.PIXEL:
				assert "/api/method/campaign_plus.tracking.api.open?t=" in value
			elif slot.kind == design_mjml.UNSUBSCRIBE:
				assert "/api/method/campaign_plus.optout.api.page?t=" in value
			else:
				assert slot.kind == design_mjml.PRICE and re.search(r"59[.,]00", value)
		text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
		assert f"Bonjour {leads[recipient]} !" in text and "tracking.api.click?t=" in text
	assert len(seen_first_names) == RECIPIENTS, "each message personalised"
	assert len(seen_clicks) == RECIPIENTS * len(urls), "each link tracked per recipient"
	assert collections.Counter(
		frappe.get_all("Campaign Send Log", filters={"campaign": campaign}, pluck="status")
	) == {"Sent": RECIPIENTS}
