# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The Email Designer in Chromium, in French: a campaign email built by dragging blocks (heading,
text, image, button, two columns, products, coupon), edited in place, reordered, undone and
redone, seen on a mobile width, saved, previewed with a real recipient, and sent as a test to a
mail server on 127.0.0.1. The received message is checked (tables with inline styles, Outlook's
conditional comments, the campaign price for the target and the list price for the other, the
coupon, tracked links, the unsubscribe link, a readable text part) and rendered at 375 and 800 px
wide: the screenshots are kept in $E2E_SCREENSHOTS (default /tmp/campaign_plus_e2e)."""

import email
import json
import os
import re
import subprocess
import time
from email import policy

import pytest

from tests.e2e.conftest import BENCH, CHECKOUT, SCREENSHOTS, SITE
from tests.e2e.controls import choose, pick_link
from tests.served import checkout_env
from tests.smtp_server import MailServer

HERE = CHECKOUT / "tests" / "e2e"


def _bench_python(*args) -> str:
	result = subprocess.run(
		[str(BENCH / "env" / "bin" / "python"), *args],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		env=checkout_env(),
	)
	assert result.returncode == 0, result.stderr[-3000:]
	return result.stdout


@pytest.fixture(scope="module")
def mail_server():
	# run by the bench's Python, which has aiosmtpd (the browser tier runs with the system's)
	server = MailServer(python=str(BENCH / "env" / "bin" / "python"), store=True).start()
	yield server
	server.cleanup()


@pytest.fixture(scope="module")
def design_data(mail_server):
	tag = os.urandom(3).hex().upper()
	output = _bench_python(
		str(HERE / "design_data.py"), SITE, "create", tag, json.dumps(mail_server.account_values())
	)
	created = json.loads(output.strip().splitlines()[-1])
	yield created
	_bench_python(str(HERE / "design_data.py"), SITE, "delete", tag, json.dumps(created["previous_accounts"]))


@pytest.fixture
def french_page(browser, base_url, design_data, request):
	context = browser.new_context(viewport={"width": 1500, "height": 950}, locale="fr-FR")
	page = context.new_page()
	console = []
	page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
	page.on("pageerror", lambda error: console.append(f"page error: {error}"))
	page.goto(base_url + "/login")
	response = page.request.post(
		base_url + "/api/method/login", form={"usr": design_data["user"], "pwd": design_data["password"]}
	)
	assert response.ok, "login failed"
	yield page
	if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
		SCREENSHOTS.mkdir(parents=True, exist_ok=True)
		page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
		(SCREENSHOTS / f"{request.node.name}.html").write_text(page.content())
		(SCREENSHOTS / f"{request.node.name}.console.txt").write_text("\n".join(console))
	context.close()


# ------------------------------------------------------------------------------ helpers


def canvas(page):
	return page.frame_locator("iframe.gjs-frame")


def drag_block(page, block: str, before: str = "[data-cp-block=footer]", into=None) -> None:
	"""Drag a block from the panel onto the canvas: above ``before`` (a top-level block), or into
	``into`` (a column), as a user does with the mouse."""
	source = page.locator(f'.gjs-block:has([data-cp-new="{block}"])')
	source.scroll_into_view_if_needed()
	box = source.bounding_box()
	target = canvas(page).locator(into or before).first
	target.scroll_into_view_if_needed()
	tbox = target.bounding_box()
	page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
	page.mouse.down()
	page.mouse.move(box["x"] + 30, box["y"] + 30, steps=5)
	x = tbox["x"] + tbox["width"] / 2
	y = tbox["y"] + (tbox["height"] / 2 if into else min(8, tbox["height"] / 4))
	page.mouse.move(x, y, steps=25)
	page.wait_for_timeout(200)
	page.mouse.move(x, y + 1, steps=2)
	page.mouse.up()
	page.wait_for_timeout(500)


def designer_types(page) -> list[str]:
	return page.evaluate(
		"() => frappe.pages['email-designer'].designer.get_design().blocks.map((b) => b.type)"
	)


def trait(page, label: str):
	return page.locator(".cp-traits .gjs-trt-trait").filter(
		has=page.locator(".gjs-label", has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$"))
	)


def set_trait(page, label: str, value: str) -> None:
	field = trait(page, label).locator("input, select").first
	if field.evaluate("(el) => el.tagName") == "SELECT":
		field.select_option(value)
	else:
		field.fill(value)
	field.dispatch_event("change")
	page.wait_for_timeout(200)


def select_block(page, selector: str) -> None:
	canvas(page).locator(selector).first.click()
	page.wait_for_timeout(300)


def pick_item(page, typed: str, code: str) -> None:
	"""Add an item to the selected products block: type part of its name in the settings' search,
	choose it among the suggestions."""
	choose(page, page.locator(".cp-traits [data-cp-item-search]"), typed, code)
	page.locator(f'.cp-traits .cp-item-row[data-item="{code}"]').wait_for(timeout=10000)
	page.wait_for_timeout(300)


def picked(page) -> list[str]:
	return page.locator(".cp-traits .cp-item-row").evaluate_all("(rows) => rows.map((r) => r.dataset.item)")


def received(server: MailServer, start: int, timeout: float = 30) -> list[bytes]:
	deadline = time.time() + timeout
	while time.time() < deadline:
		messages = server.messages()[start:]
		if messages:
			return messages
		time.sleep(0.3)
	raise AssertionError("the test email never reached the mail server")


def parts(raw: bytes) -> tuple[str, str, str]:
	message = email.message_from_bytes(raw, policy=policy.SMTP)
	text = html = ""
	for part in message.walk():
		if part.get_content_type() == "text/plain":
			text = part.get_content()
		elif part.get_content_type() == "text/html":
			html = part.get_content()
	return str(message["Subject"]), text, html


def send_test(page, server: MailServer, party_type: str, party: str) -> bytes:
	start = len(server.messages())
	page.locator("[data-action=send-test]").click()
	dialog = page.locator(".modal.show")
	dialog.wait_for()
	dialog.locator('[data-fieldname="party_type"] select').select_option(party_type)
	pick_link(page, dialog.locator('.frappe-control[data-fieldname="party"]'), party)
	dialog.locator(".btn-primary").filter(has_text="Envoyer").click()
	(raw,) = received(server, start)
	page.locator(".modal.show").wait_for(state="hidden", timeout=20000)
	return raw


# -------------------------------------------------------------------------------- the test


def test_build_an_email_by_dragging_blocks_and_send_it(french_page, base_url, design_data, mail_server):
	page = french_page
	data = design_data
	page.goto(f"{base_url}/app/email-designer/{data['design']}")
	page.locator(".cp-designer .gjs-block").first.wait_for(timeout=90000)
	canvas(page).locator("[data-cp-block=footer]").wait_for(timeout=30000)
	# French, and the bundle loaded on this page only
	assert page.locator(".cp-designer .cp-side-title").first.inner_text().strip() == "Blocs"
	assert page.evaluate("() => !!window.campaign_plus.email_designer.EmailDesigner")
	assert designer_types(page) == ["footer"]

	# drag the blocks in
	for block in ("heading", "text", "image", "button", "columns-2", "products", "coupon"):
		drag_block(page, block)
	assert designer_types(page) == [
		"heading",
		"text",
		"image",
		"button",
		"columns",
		"products",
		"coupon",
		"footer",
	]

	# edit in place: the heading, with a personalisation field and its fallback
	heading = canvas(page).locator("[data-cp-block=heading]").first
	heading.dblclick()
	page.wait_for_timeout(300)
	page.keyboard.press("Control+A")
	page.keyboard.type("Bonjour {{ first_name | cher client }}, nos offres")
	page.wait_for_timeout(200)
	text = canvas(page).locator("[data-cp-block=text]").first
	text.locator("p").first.dblclick()
	page.wait_for_timeout(300)
	page.keyboard.press("Control+A")
	page.keyboard.type("Découvrez notre sélection de la saison. Pour ")
	# a personalisation field from the editor's menu, with its fallback
	page.locator(".gjs-rte-toolbar .cp-rte-field").click()
	field_dialog = page.locator(".modal.show")
	field_dialog.locator('[data-fieldname="field"] select').select_option("company_name")
	field_dialog.locator('[data-fieldname="fallback"] input').fill("votre entreprise")
	field_dialog.locator(".btn-primary").filter(has_text="Insérer").click()
	page.locator(".modal.show").wait_for(state="hidden")
	page.wait_for_timeout(300)
	# settings of each block, in the settings panel
	select_block(page, "[data-cp-block=image]")
	set_trait(page, "Image (URL)", base_url + data["banner"])
	set_trait(page, "Texte alternatif", "Nouvelle collection")
	set_trait(page, "Lien", "https://shop.example.com/collection")
	select_block(page, "[data-cp-block=button]")
	set_trait(page, "Lien", "https://shop.example.com/achat")
	select_block(page, "[data-cp-block=products]")
	pick_item(page, f"Oslo {data['item'].rsplit('-', 1)[1]}", data["item"])
	set_trait(page, "Lien", "https://shop.example.com/p/{item_code}")
	canvas(page).locator(".cp-product .cp-name").filter(has_text=data["item_name"]).wait_for(timeout=20000)
	select_block(page, "[data-cp-block=coupon]")
	set_trait(page, "Code promo", data["coupon"])
	canvas(page).locator(".cp-coupon .cp-code").filter(has_text=data["coupon_code"]).wait_for()

	# reorder: the button goes above the image; undo, redo
	select_block(page, "[data-cp-block=button]")
	page.locator("[data-action=move-up]").click()
	assert designer_types(page)[:4] == ["heading", "text", "button", "image"]
	page.locator("[data-action=undo]").click()
	page.wait_for_timeout(300)
	assert designer_types(page)[:4] == ["heading", "text", "image", "button"]
	page.locator("[data-action=redo]").click()
	page.wait_for_timeout(300)
	assert designer_types(page)[:4] == ["heading", "text", "button", "image"]

	# mobile width, then back
	page.locator("[data-device=mobile]").click()
	page.wait_for_function(
		"() => document.querySelector('iframe.gjs-frame').getBoundingClientRect().width <= 380"
	)
	SCREENSHOTS.mkdir(parents=True, exist_ok=True)
	page.screenshot(path=str(SCREENSHOTS / "designer-mobile.png"))
	page.locator("[data-device=desktop]").click()

	# save: the server checks it
	page.locator(".page-actions .primary-action").filter(has_text="Enregistrer").click()
	page.locator(".cp-problems").filter(has_text=re.compile("Aucun problème|Avertissement|Erreur")).wait_for(
		timeout=30000
	)
	page.screenshot(path=str(SCREENSHOTS / "designer-desktop.png"))
	assert "Erreur" not in page.locator(".cp-problems").inner_text()
	saved = page.evaluate(
		"(name) => frappe.db.get_value('Campaign Email Design', name, 'design').then((r) => r.message.design)",
		data["design"],
	)
	blocks = json.loads(saved)["blocks"]
	assert [b["type"] for b in blocks] == [
		"heading",
		"text",
		"button",
		"image",
		"columns",
		"products",
		"coupon",
		"footer",
	]
	assert "{{ first_name | cher client }}" in blocks[0]["html"]
	assert blocks[1]["html"].startswith("<p>Découvrez notre sélection de la saison.")
	assert "{{ company_name | votre entreprise }}</p>" in blocks[1]["html"]
	assert blocks[3]["src"].endswith(data["banner"]) and blocks[3]["alt"] == "Nouvelle collection"

	# preview with a chosen recipient (the target)
	page.locator("[data-action=preview]").click()
	dialog = page.locator(".modal.show")
	dialog.locator('[data-fieldname="party_type"] select').select_option("Contact")
	pick_link(page, dialog.locator('.frappe-control[data-fieldname="party"]'), data["contact"])
	dialog.locator(".cp-preview-note").filter(has_text="cible").wait_for(timeout=20000)
	preview = dialog.frame_locator("iframe.cp-preview-frame")
	preview.locator("text=Bonjour Zoé").first.wait_for(timeout=20000)
	dialog.locator(".btn-modal-close, .modal-header .close").first.click()
	page.locator(".modal.show").wait_for(state="hidden")

	# a test email for the target: the campaign price
	raw = send_test(page, mail_server, "Contact", data["contact"])
	subject, text_part, html = parts(raw)
	assert subject.startswith("[")
	assert html.strip().lower().startswith("<!doctype html>")
	assert re.search(r'<table[^>]+role="presentation"', html) and re.search(r'<td[^>]+style="[^"]+"', html)
	assert html.count("<!--[if mso | IE]>") >= 4 and "<![endif]-->" in html
	assert "Bonjour Zoé, nos offres" in html and "Découvrez notre sélection de la saison." in html
	assert re.search(r"Pour(\s|&nbsp;|\xa0)votre entreprise", html)  # the field's fallback
	assert (
		'lang="fr"' in html and "Se désabonner" in html and "Votre code promo" in html
	)  # the reader's language
	assert re.search(r"80[,.]00", html) and re.search(r"100[,.]00", html)  # 80 instead of 100
	assert data["coupon_code"] in html
	assert "tracking.api.click?t=" in html and "tracking.api.open?t=" in html
	assert "shop.example.com" not in html  # every link tracked
	assert re.search(
		r'<a href="https?://[^"]*campaign_plus\.optout\.api\.page\?t=[^"]+"', html
	)  # unsubscribe page
	assert "Bonjour Zoé, nos offres" in text_part and data["coupon_code"] in text_part
	assert re.search(r"80[,.]00", text_part) and "<td" not in text_part and "optout.api.page?t=" in text_part
	(SCREENSHOTS / "received-target.eml").write_bytes(raw)

	# the same for a Lead that is not a target: the list price, the fallback-free first name
	raw_other = send_test(page, mail_server, "Lead", data["lead"])
	_subject, _other_text, other_html = parts(raw_other)
	assert "Bonjour Léa, nos offres" in other_html
	assert re.search(r"100[,.]00", other_html) and not re.search(r"80[,.]00", other_html)
	(SCREENSHOTS / "received-other.eml").write_bytes(raw_other)

	# the received email rendered at 375 and 800 px wide, kept
	for width in (375, 800):
		context = page.context.browser.new_context(viewport={"width": width, "height": 900})
		view = context.new_page()
		view.set_content(html, wait_until="load")
		view.wait_for_timeout(500)
		view.screenshot(path=str(SCREENSHOTS / f"received-email-{width}px.png"), full_page=True)
		stacked = view.evaluate(
			"() => { const cols = [...document.querySelectorAll('.mj-column-per-50')];"
			" return cols.length >= 2 && cols[0].getBoundingClientRect().top !== cols[1].getBoundingClientRect().top; }"
		)
		assert stacked == (width == 375), f"columns side by side at 800 px, stacked at 375 px ({width})"
		context.close()


def test_pick_the_products_blocks_items_by_name(french_page, base_url, design_data):
	"""A design saved with its items as codes opens with them named; two items are picked by typing
	part of their names, reordered, one removed and picked again; saved; the preview shows them."""
	page = french_page
	data = design_data
	tag = data["item"].rsplit("-", 1)[1]
	page.goto(f"{base_url}/app/email-designer/{data['stored_design']}")
	canvas(page).locator("[data-cp-block=products]").wait_for(timeout=90000)
	canvas(page).locator(".cp-product .cp-name").filter(has_text=data["item_name"]).wait_for(timeout=20000)
	select_block(page, "[data-cp-block=products]")
	assert trait(page, "Articles").count() == 1
	assert picked(page) == [data["item"]]
	# its other settings show their values (a select's too: items per row, 2 by default)
	assert trait(page, "Par ligne").locator("select").input_value() == "2"
	row = page.locator(f'.cp-traits .cp-item-row[data-item="{data["item"]}"]')
	row.locator(".cp-item-name").filter(has_text=data["item_name"]).wait_for(timeout=20000)

	# two items by part of their names: the table joins the chair
	pick_item(page, f"Bergen {tag}", data["item2"])
	assert picked(page) == [data["item"], data["item2"]]
	page.locator(f'.cp-item-row[data-item="{data["item2"]}"] .cp-item-name').filter(
		has_text=data["item2_name"]
	).wait_for(timeout=20000)
	names = canvas(page).locator(".cp-product .cp-name")
	names.nth(1).filter(has_text=data["item2_name"]).wait_for(timeout=20000)
	# reordered: the table first
	page.locator(f'.cp-item-row[data-item="{data["item2"]}"] [data-item-action="up"]').click()
	page.wait_for_timeout(300)
	assert picked(page) == [data["item2"], data["item"]]
	names.nth(0).filter(has_text=data["item2_name"]).wait_for(timeout=20000)
	# removed, and picked again (the same item is never listed twice)
	page.locator(f'.cp-item-row[data-item="{data["item"]}"] [data-item-action="remove"]').click()
	page.wait_for_timeout(300)
	assert picked(page) == [data["item2"]]
	pick_item(page, f"Oslo {tag}", data["item"])
	pick_item(page, f"Oslo {tag}", data["item"])
	assert picked(page) == [data["item2"], data["item"]]
	page.locator(".cp-designer-settings .cp-side-title").first.click()  # the search closed
	page.wait_for_timeout(300)
	SCREENSHOTS.mkdir(parents=True, exist_ok=True)
	page.screenshot(path=str(SCREENSHOTS / "designer-item-picker.png"))

	# saved as a list of codes, in the chosen order
	page.locator(".page-actions .primary-action").filter(has_text="Enregistrer").click()
	page.locator(".cp-problems").filter(has_text=re.compile("Aucun problème|Avertissement|Erreur")).wait_for(
		timeout=30000
	)
	saved = page.evaluate(
		"(name) => frappe.db.get_value('Campaign Email Design', name, 'design').then((r) => r.message.design)",
		data["stored_design"],
	)
	products = [b for b in json.loads(saved)["blocks"] if b["type"] == "products"]
	assert products[0]["items"] == [data["item2"], data["item"]]

	# the preview shows both, the table first
	page.locator("[data-action=preview]").click()
	dialog = page.locator(".modal.show")
	preview = dialog.frame_locator("iframe.cp-preview-frame")
	preview.locator(f"text={data['item2_name']}").first.wait_for(timeout=30000)
	preview.locator(f"text={data['item_name']}").first.wait_for(timeout=30000)
	html = dialog.locator("iframe.cp-preview-frame").evaluate("(frame) => frame.srcdoc")
	assert html.index(data["item2_name"]) < html.index(data["item_name"])
	assert re.search(r"250[,.]00", html) and re.search(r"100[,.]00", html)  # their list prices
	dialog.locator(".btn-modal-close, .modal-header .close").first.click()
