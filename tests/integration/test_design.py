# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The email designer on a real site: a designed template sent by the planner as compiled (no
Frappe layout, Outlook comments kept, tracked, unsubscribe link filled), the campaign price for
targets and the list price for the others, the coupon, the compile cache, the checks before
sending, the API's permissions, and the same bytes through delivery and Frappe's own send."""

import email
import json
import re
from email import policy

import frappe
import pytest
from frappe.utils import add_days, today

from campaign_plus.design import api, checks, compiler
from campaign_plus.engine import design_render
from campaign_plus.pricing import api as pricing
from campaign_plus.segments import api as segments
from campaign_plus.sending import planner, sender
from tests.integration import test_delivery
from tests.integration.helpers import make_campaign, make_lead, make_template, make_user, use_outgoing_account

# the delivery tests' fixtures: a mail server on 127.0.0.1, the site sending to it
mail_server, delivering = test_delivery.mail_server, test_delivery.delivering
IMAGE = "https://cdn.example.com/chair.png"


def company():
	return (
		frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name", limit=1)[0]
	)


def selling_price_list():
	return frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"


def company_address() -> None:
	"""The company's postal address, which every designed email's footer shows."""
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": f"_CP {company()}",
			"address_type": "Billing",
			"address_line1": "1 rue de la Paix",
			"city": "Paris",
			"pincode": "75002",
			"country": "France",
			"is_your_company_address": 1,
			"links": [{"link_doctype": "Company", "link_name": company()}],
		}
	).insert(ignore_permissions=True)


def blocks(shop):
	return [
		{"type": "header"},
		{"type": "heading", "html": "Bonjour {{ first_name | cher client }}"},
		{
			"type": "text",
			"html": '<p>Notre offre <a href="https://shop.example.com/offre?x=1&amp;y=2">ici</a>.</p>',
		},
		{
			"type": "image",
			"src": "https://cdn.example.com/banner.png",
			"alt": "Bannière",
			"href": "https://shop.example.com/",
		},
		{"type": "button", "label": "J'en profite", "href": "https://shop.example.com/achat"},
		{
			"type": "columns",
			"columns": [
				[{"type": "text", "html": "<p>Gauche</p>"}],
				[{"type": "text", "html": "<p>Droite</p>"}],
			],
		},
		{"type": "products", "items": [shop.chair], "link": "https://shop.example.com/p/{item_code}"},
		{"type": "coupon", "coupon_code": shop.coupon},
		{"type": "footer", "html": "<p>Merci de votre fidélité.</p>"},
	]


@pytest.fixture
def shop():
	"""An item with an image and a list price of 100; a campaign selling it at 80 to its targets
	(a Contact of the target customer, in its target segment), with a coupon of its own Pricing
	Rule; a Lead enrolled by ERPNext's Email Campaign (not a target); a designed template."""
	use_outgoing_account()
	company_address()
	tag = frappe.generate_hash(length=6)
	leaf = frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0]
	chair = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": f"_CP-CHAIR-{tag}",
			"item_name": f"Chaise {tag}",
			"description": "Une chaise confortable",
			"item_group": leaf,
			"stock_uom": "Nos",
			"is_stock_item": 0,
			"image": IMAGE,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Item Price",
			"item_code": chair.name,
			"price_list": selling_price_list(),
			"price_list_rate": 100,
		}
	).insert(ignore_permissions=True)
	customer = frappe.get_doc(
		{"doctype": "Customer", "customer_name": f"_CP Target {tag}", "customer_type": "Company"}
	).insert(ignore_permissions=True)
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Zoé",
			"email_ids": [{"email_id": f"target-{tag}@example.com", "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert(ignore_permissions=True)
	template = make_template(subject="Offre pour {{ doc.first_name }}", body="<p>unused</p>")
	campaign = make_campaign(
		cp_start_date=add_days(today(), -1),
		cp_end_date=add_days(today(), 30),
		cp_company=company(),
		cp_item_prices=[{"item_code": chair.name, "rate": 80}],
		campaign_schedules=[{"email_template": template.name, "send_after_days": 0}],
	)
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": "Cibles", "campaign": campaign.name}
	).insert()
	segments.add_members(segment.name, "Contact", [["name", "=", contact.name]])
	pricing.activate_prices(campaign.name)
	rule = frappe.get_all("Pricing Rule", filters={"cp_campaign": campaign.name}, pluck="name")[0]
	frappe.db.set_value("Pricing Rule", rule, "coupon_code_based", 1)
	coupon = frappe.get_doc(
		{
			"doctype": "Coupon Code",
			"coupon_name": f"CP{tag}",
			"coupon_code": f"BIENVENUE{tag}".upper(),
			"pricing_rule": rule,
			"valid_upto": add_days(today(), 30),
			"maximum_use": 100,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Pricing Rule", rule, "coupon_code_based", 0)  # the prices stay automatic
	lead = make_lead("Léa")
	frappe.get_doc(
		{
			"doctype": "Email Campaign",
			"campaign_name": campaign.name,
			"email_campaign_for": "Lead",
			"recipient": lead.name,
			"start_date": today(),
			"sender": "Administrator",
		}
	).insert(ignore_permissions=True)
	shop = frappe._dict(
		chair=chair.name,
		customer=customer.name,
		contact=contact,
		lead=lead,
		template=template.name,
		campaign=campaign.name,
		coupon=coupon.name,
		coupon_code=coupon.coupon_code,
	)
	design = frappe.get_doc(
		{
			"doctype": "Campaign Email Design",
			"title": f"_Test design {tag}",
			"campaign": campaign.name,
			"design": json.dumps({"blocks": blocks(shop)}),
		}
	).insert()
	frappe.db.set_value("Email Template", template.name, "cp_email_design", design.name)
	shop.design = design.name
	return shop


def queue_messages(campaign: str) -> dict[str, str]:
	rows = frappe.db.sql(
		"""SELECT r.recipient, q.message FROM `tabEmail Queue` q
		JOIN `tabEmail Queue Recipient` r ON r.parent = q.name
		WHERE q.reference_doctype = 'Campaign' AND q.reference_name = %s""",
		campaign,
	)
	return dict(rows)


def parts(raw: str | bytes) -> tuple[str, str, str]:
	message = (email.message_from_bytes if isinstance(raw, bytes) else email.message_from_string)(
		raw, policy=policy.SMTP
	)
	text = html = ""
	for part in message.walk():
		if part.get_content_type() == "text/plain":
			text = part.get_content()
		elif part.get_content_type() == "text/html":
			html = part.get_content()
	return str(message["Subject"]), text, html


def test_a_designed_template_goes_out_as_compiled(shop, monkeypatch):
	built = []
	frappe_path = sender.build_queue_row
	monkeypatch.setattr(sender, "build_queue_row", lambda *a, **k: built.append(a) or frappe_path(*a, **k))
	planner.plan_campaign(shop.campaign)
	sent = queue_messages(shop.campaign)
	assert set(sent) == {shop.contact.email_id, shop.lead.email_id}
	# Frappe's builder ran only to make each skeleton (a token address) and check it against the
	# batch's first message (two senders here: the Email Campaign's and the default one)
	tokens = [a for a in built if a[1] == "cp@campaign-plus.invalid"]
	assert tokens and len(built) == 2 * len(tokens), "the fast path sent"
	subject, text, html = parts(sent[shop.contact.email_id])
	assert subject == "Offre pour Zoé"
	assert html.strip().lower().startswith("<!doctype html>"), "no Frappe layout around the design"
	assert "email-container" not in html and "email-footer" not in html
	assert html.count("<!--[if mso | IE]>") >= 4, "Outlook's conditional comments kept"
	assert 'role="presentation"' in html and re.search(r'<td[^>]+style="[^"]+"', html)
	assert "Bonjour Zoé" in html
	assert shop.coupon_code in html
	assert re.search(
		r'<a href="[^"]*campaign_plus\.optout\.api\.page\?t=[^"]+"', html
	)  # the unsubscribe page
	assert "data-cp-footer" in html and html.count("optout.api.page") == 1  # no second footer added
	assert "shop.example.com" not in html, "every link tracked"
	assert len(re.findall(r"tracking\.api\.click\?t=", html)) >= 5 and "tracking.api.open?t=" in html
	assert "Une chaise confortable" in html
	# the text part: from the design, links tracked, no HTML
	assert text.startswith(frappe.db.get_value("Company", company(), "company_name"))
	assert "Bonjour Zoé" in text and f"Code: {shop.coupon_code}" in text
	assert "tracking.api.click?t=" in text and "<td" not in text and "tracking.api.open" not in text


def test_campaign_price_for_the_target_list_price_for_the_others(shop):
	planner.plan_campaign(shop.campaign)
	sent = queue_messages(shop.campaign)
	_s, target_text, target_html = parts(sent[shop.contact.email_id])
	_s, other_text, other_html = parts(sent[shop.lead.email_id])
	assert re.search(r"80[.,]00", target_html) and re.search(r"100[.,]00", target_html)  # 80 instead of 100
	assert re.search(r"100[.,]00", other_html) and not re.search(r"80[.,]00", other_html)
	assert re.search(r"80[.,]00", target_text) and not re.search(r"80[.,]00", other_text)
	assert "Bonjour Léa" in other_html


def test_messages_are_the_compiled_design_apart_from_personal_parts(shop):
	planner.plan_campaign(shop.campaign)
	# (a text part's lines end with CRLF in a message)
	htmls = [parts(raw)[2].replace("\r\n", "\n") for raw in queue_messages(shop.campaign).values()]
	_row, _design, compiled = compiler.compiled(shop.design, shop.campaign)
	tracked, _urls = design_render.tracked(compiled, True, True)
	for html in htmls:
		rest = html.strip()
		for piece in tracked.html_template.pieces:
			assert piece in rest
			rest = rest[rest.index(piece) + len(piece) :]


def test_existing_templates_keep_working_beside_a_designed_one(shop):
	plain = make_template(body="<p>Bonjour {{ doc.first_name }}</p>")
	campaign = frappe.get_doc("Campaign", shop.campaign)
	campaign.append("campaign_schedules", {"email_template": plain.name, "send_after_days": 0})
	campaign.save()
	planner.plan_campaign(shop.campaign)
	rows = frappe.db.sql(
		"""SELECT q.message FROM `tabEmail Queue` q WHERE q.reference_name = %s""", shop.campaign, pluck=True
	)
	layouts = [parts(message)[2] for message in rows]
	assert len(layouts) == 4
	designed = [h for h in layouts if h.strip().lower().startswith("<!doctype html>") and "mso" in h]
	plain_html = [h for h in layouts if "Bonjour" in h and h not in designed]
	assert len(designed) == 2 and len(plain_html) == 2
	assert all("optout.api.page" in h for h in plain_html)  # the sender's footer, as before


def test_compiled_once_per_version(shop, monkeypatch):
	calls = []
	compile_design = compiler.compile_design
	monkeypatch.setattr(compiler, "compile_design", lambda *a: calls.append(1) or compile_design(*a))
	compiler._local.clear()
	frappe.cache.delete_keys(compiler.CACHE_PREFIX)
	first = compiler.compiled(shop.design, shop.campaign)[2]
	again = compiler.compiled(shop.design, shop.campaign)[2]
	compiler._local.clear()  # another worker: the site's cache
	third = compiler.compiled(shop.design, shop.campaign)[2]
	assert len(calls) == 1 and first.html == again.html == third.html
	doc = frappe.get_doc("Campaign Email Design", shop.design)
	data = json.loads(doc.design)
	data["blocks"][1]["html"] = "Salut {{ first_name }}"
	doc.design = json.dumps(data)
	doc.save()
	assert doc.version == 2
	assert "Salut" in compiler.compiled(shop.design, shop.campaign)[2].html and len(calls) == 2


def test_checks_before_sending(shop):
	assert [p for p in checks.check_design(shop.design) if p["level"] == "error"] == [], checks.check_design(
		shop.design
	)
	doc = frappe.get_doc("Campaign Email Design", shop.design)
	data = json.loads(doc.design)
	data["blocks"][3]["alt"] = ""
	data["blocks"][4]["href"] = "http://shop.example.com/insecure"
	data["blocks"][6]["items"].append("_CP-NO-SUCH-ITEM")
	data["blocks"].insert(2, {"type": "text", "html": "<p>" + "x" * 18000 + "</p>"})
	data["blocks"] = data["blocks"] * 1 + [{"type": "text", "html": "<p>" + "y" * 19000 + "</p>"}] * 5
	doc.design = json.dumps(data)
	doc.save()
	frappe.db.set_value("Coupon Code", shop.coupon, "valid_upto", add_days(today(), -1))
	messages = " | ".join(p["message"] for p in checks.check_design(shop.design))
	assert "alternative text" in messages or "texte alternatif" in messages
	assert "http://shop.example.com/insecure" in messages
	assert "_CP-NO-SUCH-ITEM" in messages
	assert "102 KB" in messages or "102 Ko" in messages
	assert shop.coupon_code in messages
	# the campaign's pre-send checks name the step
	assert any("_CP-NO-SUCH-ITEM" in p["message"] for p in checks.campaign_checks(shop.campaign))


def test_an_item_without_price_or_image_is_reported(shop):
	frappe.db.set_value("Item", shop.chair, "image", None)
	frappe.db.delete("Item Price", {"item_code": shop.chair})
	compiler._local.clear()
	messages = " | ".join(p["message"] for p in checks.check_design(shop.design))
	assert messages.count(shop.chair) == 2


def test_preview_with_a_chosen_recipient(shop):
	target = api.preview(shop.design, party_type="Contact", party=shop.contact.name)
	other = api.preview(shop.design, party_type="Lead", party=shop.lead.name)
	assert target["target"] and not other["target"]
	assert "Bonjour Zoé" in target["html"] and "Bonjour Léa" in other["html"]
	assert re.search(r"80[.,]00", target["html"]) and not re.search(r"80[.,]00", other["html"])
	assert "https://shop.example.com/achat" in target["html"]  # a preview is not tracked
	unsaved = json.dumps({"blocks": [{"type": "heading", "html": "Brouillon {{ first_name }}"}]})
	assert "Brouillon Zoé" in api.preview(shop.design, unsaved, "Contact", shop.contact.name)["html"]


def test_api_permissions(shop):
	reader = make_user(["Sales User"])
	frappe.set_user(reader)
	try:
		assert api.editor_context(shop.design)["can_write"] is False
		assert api.preview(shop.design)["html"]
		with pytest.raises(frappe.PermissionError):
			api.save_design(shop.design, json.dumps({"blocks": []}))
		with pytest.raises(frappe.PermissionError):
			api.send_test(shop.design, "x@example.com")
		with pytest.raises(frappe.PermissionError):
			api.design_for_template(shop.template)
	finally:
		frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError):
		api.save_design(
			shop.design, json.dumps({"blocks": [{"type": "button", "href": "javascript:alert(1)"}]})
		)
	with pytest.raises(frappe.ValidationError):
		api.preview(shop.design, party_type="User", party="Administrator")


def test_a_template_gets_its_design_once():
	template = make_template()
	name = api.design_for_template(template.name)
	assert api.design_for_template(template.name) == name
	assert frappe.db.get_value("Email Template", template.name, "cp_email_design") == name
	data = json.loads(frappe.db.get_value("Campaign Email Design", name, "design"))
	assert [b["type"] for b in data["blocks"]] == ["header", "heading", "text", "footer"]


def test_a_broken_design_fails_its_recipients_only(shop, monkeypatch):
	def broken(*args, **kwargs):
		raise RuntimeError("MJML exploded")

	monkeypatch.setattr(compiler, "compile_design", broken)
	compiler._local.clear()
	frappe.cache.delete_keys(compiler.CACHE_PREFIX)
	planner.plan_campaign(shop.campaign)
	rows = frappe.get_all(
		"Campaign Send Log", filters={"campaign": shop.campaign}, fields=["status", "error"]
	)
	assert {row.status for row in rows} == {"Failed"}
	assert all("MJML exploded" in row.error for row in rows)


def test_delivery_and_frappes_send_deliver_the_design_intact(shop, delivering, monkeypatch):
	"""Both send paths — the paced delivery job and Frappe's own EmailQueue.send — put the same
	bytes on the wire: the compiled design, Outlook's comments and all, its unsubscribe URL filled."""
	from campaign_plus.delivery import job

	differences_logged, frappes_sends = test_delivery.differences_logged, test_delivery.frappes_sends
	make_account = test_delivery.make_account

	account = make_account(delivering)
	planner.plan_campaign(shop.campaign)
	names = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Campaign", "reference_name": shop.campaign},
		pluck="name",
	)
	start, logged = len(delivering.messages()), differences_logged()
	frappe_sent = frappes_sends(monkeypatch)
	job.deliver_names(names, account, shop.campaign)
	assert frappe_sent == [] and differences_logged() == logged
	ours = delivering.messages()[start:]
	frappe.db.set_value("Email Queue", {"name": ("in", names)}, "status", "Not Sent")
	frappe.db.set_value("Email Queue Recipient", {"parent": ("in", names)}, "status", "Not Sent")
	for name in names:
		frappe.get_doc("Email Queue", name).send()
	theirs = delivering.messages()[start + len(ours) :]
	assert len(ours) == len(theirs) == 2
	by_id = {email.message_from_bytes(raw, policy=policy.SMTP)["Message-ID"]: raw for raw in theirs}
	for raw in ours:
		assert raw == by_id[email.message_from_bytes(raw, policy=policy.SMTP)["Message-ID"]]
		_subject, text, html = parts(raw)
		assert html.count("<!--[if mso | IE]>") >= 4 and "<!--[if mso]>" in html
		assert re.search(r'<a href="https?://[^"]*campaign_plus\.optout\.api\.page\?t=[^"]+"', html)
		assert "campaign_plus.optout.api.page?t=" in text


def test_send_test_email_reaches_the_mail_server(shop, delivering):
	test_delivery.make_account(delivering)
	start = len(delivering.messages())
	assert (
		api.send_test(shop.design, "tester@example.com", "Contact", shop.contact.name) == "tester@example.com"
	)
	(raw,) = delivering.messages()[start:]
	subject, _text, html = parts(raw)
	assert subject.startswith("[Test]") or subject.startswith("[Essai]")
	assert "Bonjour Zoé" in html and re.search(r"80[.,]00", html) and shop.coupon_code in html
	assert "tracking.api.click?t=" in html and "<!--[if mso | IE]>" in html
	assert "campaign_plus.optout.api.page?t=" in html


def test_check_deliverability_renders_the_design_and_adds_its_checks(shop):
	from campaign_plus.deliverability import checks as deliverability
	from campaign_plus.design.checks import deliverability_checks

	(step,) = deliverability.render_steps(shop.campaign)
	assert step.error is None and "<!--[if mso | IE]>" in step.html and "data-cp-footer" in step.html
	assert step.html.count("campaign_plus.optout.api.page?t=") == 1  # the design's footer, no other
	ctx = deliverability.CheckContext(shop.campaign, [step], [], lambda name: None)
	assert deliverability_checks(ctx) == []
	frappe.db.set_value("Item", shop.chair, "image", None)
	frappe.db.set_value("Coupon Code", shop.coupon, "valid_upto", add_days(today(), -1))
	compiler._local.clear()
	findings = {finding.check: finding for finding in deliverability_checks(ctx)}
	assert set(findings) == {"design.item_image", "design.coupon_unusable"}
	assert (
		findings["design.coupon_unusable"].level == "error"
		and findings["design.item_image"].step == step.label
	)
	# what Check Deliverability judges on the sent email itself is not said twice
	assert "design.image_alt" not in findings and "design.http_link" not in findings


def test_a_batch_of_large_messages_fits_the_database_packet():
	"""450 designed-size messages (40 KB each, 18 MB together) go in several INSERTs, each under
	MariaDB's 16 MB max_allowed_packet."""
	now = frappe.utils.now_datetime()
	tag = frappe.generate_hash(length=6)
	items = [
		(
			frappe._dict(name=f"_cp-big-{tag}-{i:04d}", email=f"big{i}@example.com"),
			{"message": "x" * 40_000, "sender": "a@example.com", "reference_doctype": "Campaign"},
		)
		for i in range(450)
	]
	sender.insert_queue_rows(items, now)
	assert frappe.db.count("Email Queue", {"name": ("like", f"_cp-big-{tag}-%")}) == 450


def test_item_cards_take_a_list_of_codes_in_its_order_and_the_older_comma_form(shop):
	cards = api.item_cards(json.dumps(["_CP-NO-SUCH-ITEM", shop.chair]), shop.campaign)
	assert [(c["code"], c["found"]) for c in cards] == [("_CP-NO-SUCH-ITEM", False), (shop.chair, True)]
	assert cards[1]["name"].startswith("Chaise") and cards[1]["price"]
	assert [c["code"] for c in api.item_cards(f"{shop.chair}, _CP-NO-SUCH-ITEM")] == [
		shop.chair,
		"_CP-NO-SUCH-ITEM",
	]
	with pytest.raises(frappe.ValidationError):
		api.item_cards('["unclosed"')
