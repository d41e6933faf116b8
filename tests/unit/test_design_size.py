# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A designed email's size: blocks in a row share an MJML section (the space between them kept),
products and coupons are one cell of text each, and the compiled HTML is compacted — Outlook's
conditional comments joined where one ends as the next begins, the head's white space taken
out — while what Outlook reads, what the other clients read, and the inline styles stay."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_plus.engine import design
from campaign_plus.engine import design_compact as compact
from campaign_plus.engine import design_mjml as mj
from campaign_plus.engine import design_render as render
from tests.unit.test_design import FULL, INPUTS, compiled

MSO_OPEN, MSO_CLOSE = "<!--[if mso | IE]>", "<![endif]-->"


def both(data=FULL, inputs=INPUTS) -> tuple[str, render.Compiled]:
	"""The compiled HTML before compacting (MRML, then css-inline), and the compiled email."""
	normalised = design.normalise(data)
	return uncompacted(normalised, inputs), render.compile_design(normalised, inputs)


def uncompacted(normalised: dict, inputs=INPUTS) -> str:
	import css_inline
	import mjml

	built = mj.build(normalised, inputs, render.nonce_for(normalised, inputs))
	inliner = css_inline.CSSInliner(
		inline_style_tags=False,
		keep_style_tags=True,
		load_remote_stylesheets=False,
		extra_css=mj.link_css(inputs.brand),
	)
	return inliner.inline(mjml.mjml2html(built.mjml, fonts={}))


def outlook_reads(document: str) -> str:
	"""The body as Outlook reads it: its conditional comments' content shown."""
	body = document[document.find("<body") :]
	return body.replace(MSO_OPEN, "").replace(MSO_CLOSE, "")


def others_read(document: str) -> str:
	"""The body as the other clients read it: the conditional comments hidden."""
	body = document[document.find("<body") :]
	return re.sub(re.escape(MSO_OPEN) + ".*?" + re.escape(MSO_CLOSE), "", body, flags=re.DOTALL)


def styles(document: str) -> list[str]:
	"""The head's style sheets, white space and a block's last ``;`` aside."""
	head = document[: document.find("<body")]
	sheets = re.findall(r"<style[^>]*>(.*?)</style>", head, re.DOTALL)
	return [re.sub(r"\s", "", css).replace(";}", "}") for css in sheets]


def test_blocks_in_a_row_share_a_section_and_keep_their_spacing():
	data = {
		"blocks": [
			{"type": "heading", "html": "Titre"},
			{"type": "text", "html": "<p>Un</p>"},
			{"type": "spacer", "height": 30},
			{"type": "button", "label": "Go", "href": "https://x.example.com"},
			{"type": "header", "background": "#000000"},  # a background of its own: a section of its own
			{"type": "text", "html": "<p>Deux</p>"},
		]
	}
	normalised = design.normalise(data)
	built = mj.build(normalised, INPUTS, "abcd1234")
	sections = re.findall(r"<mj-section.*?</mj-section>", built.mjml, re.DOTALL)
	# heading, text, spacer, button | header | text | footer
	assert len(sections) == 4
	first = sections[0]
	# each block after the first of a section starts 16 px lower (the two 8 px section paddings)
	assert first.count('padding="10px 25px"') == 1 and 'padding="26px 25px 10px"' in first
	assert '<mj-spacer height="46px" />' in first and first.count('padding="26px 25px 10px"') == 2
	assert 'background-color="#000000"' in sections[1]


def test_padding_shorthand():
	assert mj._padding(10, 25, 10, 25) == "10px 25px"
	assert mj._padding(26, 25, 10, 25) == "26px 25px 10px"
	assert mj._padding(4, 4, 4, 4) == "4px"
	assert mj._padding(1, 2, 3, 4) == "1px 2px 3px 4px"


def test_the_compacted_email_reads_the_same_in_outlook_and_elsewhere():
	before, result = both()
	after = result.html
	assert len(after) < len(before)
	assert outlook_reads(after) == outlook_reads(before)
	assert others_read(after) == others_read(before)
	assert [css for css in styles(before) if "mj-full-width-mobile" not in css] == styles(after)
	# what the tests of the received email look for
	assert after.count(MSO_OPEN) >= 4 and "<!--[if mso]>" in after and "<o:AllowPNG/>" in after
	assert "prefers-color-scheme: dark" in after and "@media only screen and (min-width:480px)" in after
	assert ".moz-text-html .mj-column-per-" in after  # Thunderbird's columns


def test_compact_joins_only_conditionals_that_touch():
	html = (
		"<html><head>\n  <style>\n  p { margin : 0 ; }\n</style>\n</head><body>"
		f"{MSO_OPEN}<table><tr>{MSO_CLOSE}{MSO_OPEN}<td>{MSO_CLOSE}<div> a </div>{MSO_OPEN}</td>{MSO_CLOSE}"
		"</body></html>"
	)
	assert compact.compact(html) == (
		f"<html><head><style>p{{margin:0}}</style></head><body>{MSO_OPEN}<table><tr><td>{MSO_CLOSE}"
		f"<div> a </div>{MSO_OPEN}</td>{MSO_CLOSE}</body></html>"
	)


def test_the_full_width_mobile_sheet_stays_when_used():
	sheet = "<style>@media only screen and (max-width:479px){table.mj-full-width-mobile{width:100% !important}}</style>"
	used = f'<html><head>{sheet}</head><body><table class="mj-full-width-mobile"></table></body></html>'
	unused = f"<html><head>{sheet}</head><body><table></table></body></html>"
	assert "mj-full-width-mobile{" in compact.compact(used)
	assert "<style" not in compact.compact(unused)


def test_products_and_coupon_are_one_text_cell_each():
	email = compiled().html
	product = re.search(r'<td class="cp-text cp-product"[^>]*>(.*?)</td>', email, re.DOTALL).group(1)
	assert "Chaise" in product and "Une chaise" in product and 'class="cp-price"' in product
	coupon = re.search(r'<td class="cp-text cp-coupon-box"[^>]*>(.*?)</td>', email, re.DOTALL).group(1)
	assert "SAVE10" in coupon and "10 % de remise" in coupon and "31/12/2026" in coupon
	assert ".cp-text .cp-muted{color:#b3b3b3!important}" in email  # dark mode: muted lines stay muted


BLOCK = st.sampled_from(
	[
		{"type": "header"},
		{"type": "heading", "html": "Titre {{ first_name | ami }}"},
		{"type": "text", "html": "<p>Texte <a href='https://a.example.com'>lien</a></p><ul><li>x</li></ul>"},
		{"type": "image", "src": "https://e.example.com/i.png", "alt": "I", "href": "https://i.example.com"},
		{"type": "button", "label": "Go", "href": "https://b.example.com"},
		{"type": "columns", "columns": [[{"type": "text", "html": "A"}], [{"type": "text", "html": "B"}]]},
		{"type": "divider"},
		{"type": "spacer", "height": 12},
		{"type": "social", "links": [{"network": "x", "url": "https://x.com/acme"}]},
		{"type": "products", "items": ["CHAIR", "TABLE"], "per_row": 2},
		{"type": "coupon", "coupon_code": "SAVE10"},
		{"type": "header", "background": "#102030"},
	]
)


@settings(max_examples=30, deadline=None)
@given(st.lists(BLOCK, min_size=1, max_size=9))
def test_any_design_compacts_to_what_it_showed(blocks):
	before, result = both({"blocks": blocks})
	after = result.html
	assert outlook_reads(after) == outlook_reads(before)
	assert others_read(after) == others_read(before)
	assert len(after) <= len(before)
	# every block is still a table cell with inline styles, and each slot is still there once or more
	assert re.search(r'<td[^>]+style="[^"]+"', after) and 'role="presentation"' in after
	assert {int(n) for n in mj.marker_pattern(result.nonce).findall(after)} == {
		int(n) for n in mj.marker_pattern(result.nonce).findall(before)
	}


def test_a_designed_email_is_smaller_than_before():
	"""FULL (every kind of block, two products, a coupon): under 20 KB of HTML (27.7 KB before)."""
	assert len(compiled().html.encode()) < 20_000
