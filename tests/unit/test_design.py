# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The email design model, its MJML and text, and per-recipient filling (no Frappe)."""

import html
import json
import quopri
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from campaign_plus.engine import RuleError, design
from campaign_plus.engine import design_mjml as mj
from campaign_plus.engine import design_render as render
from campaign_plus.engine.tracking import tracked_links

INPUTS = mj.Inputs(
	identity={"company_name": "ACME SAS", "address_lines": ["1 rue de la Paix", "75002 Paris", "France"]},
	items={
		"CHAIR": {
			"name": "Chaise",
			"description": "Une chaise",
			"image": "https://e.example.com/c.png",
			"url": "",
		},
		"TABLE": {"name": "Table", "description": "", "image": "", "url": ""},
	},
	coupons={"SAVE10": {"code": "SAVE10", "description": "10 % de remise", "valid_upto": "31/12/2026"}},
	labels={"unsubscribe": "Se désabonner"},
	lang="fr",
	site_url="https://site.example.com",
)
PRICES = {
	"CHAIR": {
		"list": ("<strong>12,00 €</strong>", "12,00 €"),
		"campaign": ("<s>12,00 €</s> 9,00 €", "9,00 €"),
	},
	"TABLE": {"list": ("<strong>50,00 €</strong>", "50,00 €"), "campaign": None},
}
FULL = {
	"blocks": [
		{"type": "header"},
		{"type": "heading", "html": "Bonjour {{ first_name | cher client }} !"},
		{
			"type": "text",
			"html": "<p>Nos <b>offres</b> <a href='https://shop.example.com/o?a=1&b=2'>ici</a></p>",
		},
		{
			"type": "image",
			"src": "https://e.example.com/i.png",
			"alt": "Vitrine",
			"href": "https://shop.example.com/",
		},
		{"type": "button", "label": "J'en profite", "href": "https://shop.example.com/buy"},
		{
			"type": "columns",
			"columns": [
				[{"type": "text", "html": "Gauche"}],
				[{"type": "button", "label": "B", "href": "https://b.example.com"}],
			],
		},
		{"type": "divider"},
		{"type": "spacer", "height": 30},
		{"type": "social", "links": [{"network": "facebook", "url": "https://facebook.com/acme"}]},
		{"type": "products", "items": ["CHAIR", "TABLE"], "link": "https://shop.example.com/p/{item_code}"},
		{"type": "coupon", "coupon_code": "SAVE10"},
	]
}


def compiled(data=FULL, inputs=INPUTS):
	return render.compile_design(design.normalise(data), inputs)


def fill(result, fields=None, target=False, tracked=None, unsubscribe="<!--unsubscribe_url-->"):
	html_values, text_values = result.values(fields or {}, PRICES, target, unsubscribe, tracked)
	return result.html_template.fill(html_values), result.text_template.fill(text_values), html_values


# ------------------------------------------------------------------------------- the model


def test_a_footer_is_always_there_and_last():
	assert [b["type"] for b in design.normalise({})["blocks"]] == ["footer"]
	data = design.normalise({"blocks": [{"type": "footer"}, {"type": "text", "html": "x"}]})
	assert [b["type"] for b in data["blocks"]] == ["text", "footer"]
	with pytest.raises(RuleError):
		design.normalise({"blocks": [{"type": "footer"}, {"type": "footer"}]})


@pytest.mark.parametrize(
	"data",
	[
		{"blocks": [{"type": "script"}]},
		{"blocks": [{"type": "button", "href": "javascript:alert(1)"}]},
		{"blocks": [{"type": "image", "src": "data:image/png;base64,xx"}]},
		{"blocks": [{"type": "heading", "color": "red"}]},
		{"blocks": [{"type": "spacer", "height": 5000}]},
		{"blocks": [{"type": "text", "html": "{{ password }}"}]},
		{"blocks": [{"type": "columns", "columns": [[{"type": "products"}], []]}]},
		{"blocks": [{"type": "columns", "columns": [[]]}]},
		{"blocks": [{"type": "social", "links": [{"network": "myspace", "url": "https://x"}]}]},
		{"blocks": [{"type": "image", "alt": "{{ first_name }}"}]},
		"not json",
		[],
	],
)
def test_broken_designs_are_refused(data):
	with pytest.raises(RuleError):
		design.normalise(data if isinstance(data, str) else json.dumps(data))


def test_rich_text_keeps_only_safe_tags():
	value = design.sanitise_html(
		'<p onclick="x()" style="color:red">Hi <b>you</b><script>alert(1)</script>'
		'<a href="javascript:x" >bad</a> <a href="https://ok.example.com" target="_blank">ok</a><img src=x>'
	)
	assert value == '<p>Hi <b>you</b><a>bad</a> <a href="https://ok.example.com">ok</a></p>'


HTML_TEXT = st.text(alphabet="ab <>/&\"'pbiu=:.", max_size=60)


@given(HTML_TEXT)
def test_sanitised_text_is_stable_and_well_formed(value):
	once = design.sanitise_html(value)
	assert design.sanitise_html(once) == once
	tags = re.findall(r"<(/?)([a-z]+)[^>]*>", once)
	stack = []
	for closing, tag in tags:
		if tag == "br":
			continue
		if closing:
			assert stack and stack.pop() == tag
		else:
			stack.append(tag)
	assert not stack


BLOCK = st.one_of(
	st.builds(lambda t: {"type": "heading", "html": t}, HTML_TEXT),
	st.builds(lambda t: {"type": "text", "html": t}, HTML_TEXT),
	st.builds(lambda h: {"type": "spacer", "height": h}, st.integers(5, 200)),
	st.just({"type": "divider"}),
	st.builds(
		lambda label: {"type": "button", "label": label, "href": "https://b.example.com"},
		st.text("abc {}|", max_size=10),
	),
)


@settings(max_examples=50, deadline=None)
@given(st.lists(BLOCK, max_size=6))
def test_normalising_is_idempotent(blocks):
	try:
		once = design.normalise({"blocks": blocks})
	except RuleError:
		return
	assert design.normalise(json.loads(design.dumps(once))) == once
	assert once["blocks"][-1]["type"] == design.FOOTER
	assert len({b["id"] for b in design.walk(once["blocks"])}) == design.count_blocks(once["blocks"])


def test_personalisation_fields_are_listed():
	data = design.normalise(FULL)
	assert design.fields_used(data) == ["first_name"]
	assert design.item_codes(data) == ["CHAIR", "TABLE"]
	assert design.coupon_codes(data) == ["SAVE10"]


# ------------------------------------------------------------------------- MJML and HTML


def test_the_compiled_email_is_tables_with_inline_styles_and_outlook_comments():
	result = compiled()
	email, _text, _values = fill(result)
	assert email.lower().startswith("<!doctype html>")
	assert 'role="presentation"' in email and "<table" in email
	assert "<!--[if mso | IE]>" in email and "<![endif]-->" in email
	assert 'name="color-scheme"' in email and "prefers-color-scheme: dark" in email
	assert 'lang="fr"' in email
	# the rich text's links got their style inlined by css-inline
	assert re.search(
		r'<a href="https://shop\.example\.com/o\?a=1&amp;b=2" style="[^"]*text-decoration', email
	)
	# the footer: legal identity and the unsubscribe link
	for line in ("ACME SAS", "1 rue de la Paix", "75002 Paris"):
		assert line in email
	assert '<a href="<!--unsubscribe_url-->"' in email and "Se désabonner" in email
	assert "SAVE10" in email and "10 % de remise" in email
	assert "https://site.example.com/assets/campaign_plus/images/social/facebook.png" in email
	assert "https://shop.example.com/p/CHAIR" in email


def test_campaign_price_for_targets_list_price_for_the_others():
	result = compiled()
	target, target_text, _ = fill(result, target=True)
	other, other_text, _ = fill(result, target=False)
	assert "9,00 €" in target and "9,00 €" not in other
	assert "<strong>12,00 €</strong>" in other
	assert "50,00 €" in target and "50,00 €" in other  # no campaign price: the list price
	assert "Chaise — 9,00 €" in target_text and "Chaise — 12,00 €" in other_text


def test_personalisation_with_fallback_escaped_in_html_raw_in_text():
	result = compiled()
	named, named_text, _ = fill(result, {"first_name": "Zoé <&>"})
	empty, empty_text, _ = fill(result, {"first_name": "  "})
	assert "Bonjour Zoé &lt;&amp;&gt; !" in named and "Bonjour Zoé <&> !" in named_text
	assert "Bonjour cher client !" in empty and "Bonjour cher client !" in empty_text


def test_the_text_part_reads_sensibly():
	_html, text, _ = fill(compiled(), {"first_name": "Zoé"})
	assert text.startswith("ACME SAS\n\nBonjour Zoé !\n\nNos offres ici (https://shop.example.com/o?a=1&b=2)")
	assert "J'en profite: https://shop.example.com/buy" in text
	assert "Code: SAVE10" in text
	assert "Se désabonner: <!--unsubscribe_url-->" in text
	assert "<" not in text.replace("<!--unsubscribe_url-->", "")
	assert "cpslot" not in text


def test_messages_differ_only_in_their_personal_parts():
	result = compiled()
	a, _, _ = fill(result, {"first_name": "Ann"})
	b, _, _ = fill(result, {"first_name": "Bob"})
	assert a.replace("Ann", "X") == b.replace("Bob", "X")


def test_slot_markers_change_with_the_input_so_no_text_can_forge_them():
	data = design.normalise(FULL)
	nonce = render.nonce_for(data, INPUTS)
	forged = json.loads(json.dumps(FULL))
	forged["blocks"][2]["html"] = f"cpslot{nonce}n0z"
	result = compiled(forged)
	assert result.nonce != nonce
	email, _, _ = fill(result, {"first_name": "Ann"})
	assert f"cpslot{nonce}n0z" in email  # stays text


def test_tracking_slots_rewrite_links_and_add_the_pixel():
	result = compiled()
	with_tracking, urls = render.tracked(result, opens=True, clicks=True)
	assert urls == [link.url for link in tracked_links(result.html)]
	assert "https://facebook.com/acme" in urls and not any("unsubscribe" in u for u in urls)
	clicks = {(render.CLICK, str(i)): f"https://t.example.com/c?t={i}&x=1" for i in range(len(urls))}
	email, text, _ = fill(
		with_tracking, tracked={**clicks, (render.PIXEL, ""): "https://t.example.com/o?t=p"}
	)
	for i in range(len(urls)):
		assert f"https://t.example.com/c?t={i}&amp;x=1" in email
	assert "https://t.example.com/c?t=0&x=1" in text
	assert 'src="https://t.example.com/o?t=p"' in email
	assert not [u for u in urls if u in email]  # every tracked link rewritten
	assert '<a href="<!--unsubscribe_url-->"' in email


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="aé€=\n <>&x", max_size=120), min_size=1, max_size=8))
@example(["<<<<<<<<<<=éééééé€€€"])  # a value whose last encoded line is full: 76 + the soft break's "="
def test_quoted_printable_pieces_decode_to_the_filled_text(values):
	result = compiled()
	html_values = [values[i % len(values)] for i in range(len(result.slots))]
	filled = result.html_template.fill(html_values)
	for linesep in ("\n", "\r\n"):
		encoded = result.html_template.encoded(html_values, linesep)
		assert quopri.decodestring(encoded.encode("ascii")).decode("utf-8").replace(
			"\r\n", "\n"
		) == filled.replace("\r\n", "\n")
		assert max(len(line) for line in encoded.split(linesep)) <= 76


def test_dark_mode_and_brand_colours():
	inputs = mj.Inputs(
		**{**INPUTS.__dict__, "brand": {"primary_color": "#aa0000", "background_color": "#eeeeee"}}
	)
	email, _, _ = fill(compiled(inputs=inputs))
	assert "#aa0000" in email.lower() and "#eeeeee" in email.lower()
	assert "[data-ogsc]" in email


def test_html_to_text():
	assert (
		mj.html_to_text("<p>A <b>b</b></p><ul><li>x</li><li>y</li></ul><p>c<br>d</p>")
		== "A b\n\n- x\n- y\n\nc\nd"
	)
	assert (
		mj.html_to_text('<a href="https://x.example.com">https://x.example.com</a>')
		== "https://x.example.com"
	)
	assert html.unescape("&amp;") == "&"
