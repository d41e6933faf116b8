# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A normalised design (:mod:`campaign_plus.engine.design`) as MJML and as plain text.

Everything that differs from one recipient to the next is left as a *slot*: a marker
(``cpslot<nonce>n<number>z``, letters and digits only, so MJML, the CSS inliner and URL
escaping leave it alone) that :mod:`campaign_plus.engine.design_render` fills per recipient.
Slots: a personalisation field with its fallback, a product's price (the campaign price for a
campaign target, the list price otherwise), the unsubscribe link. The rest — the ERP's data
(items, coupon, the company's legal identity), the brand kit, the translated labels — is
written in once, so the MJML compiles once per design version.

The layout: a centred 600 px column on the brand's background; each block is an MJML section
(its columns stack on narrow screens). Dark mode: ``color-scheme`` meta tags and a
``prefers-color-scheme: dark`` style (plus Outlook.com's ``[data-ogsc]``) that darken the
backgrounds and lighten the text; the colours written inline are the light ones.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from campaign_plus.engine import design as model

FIELD, PRICE, PRICE_TEXT, UNSUBSCRIBE = "field", "price", "price_text", "unsubscribe"
CLICK, PIXEL = "click", "pixel"  # added at send time, when the message is tracked

DEFAULT_BRAND = {
	"logo": "",
	"primary_color": "#1f6feb",
	"text_color": "#1f2933",
	"background_color": "#f2f4f7",
	"content_background": "#ffffff",
	"link_color": "#1f6feb",
	"font": "Arial",
	"footer_html": "",
	"website": "",
}

DARK_BACKGROUND, DARK_CONTENT, DARK_TEXT, DARK_MUTED = "#121212", "#1e1e1e", "#e6e6e6", "#b3b3b3"


@dataclass(frozen=True)
class Slot:
	kind: str
	key: str = ""
	fallback: str = ""


@dataclass
class Inputs:
	"""What the design is built with, besides the design itself (all already translated)."""

	brand: dict = field(default_factory=dict)
	# the company's legal identity: name, address lines, other lines (registration, capital…)
	identity: dict = field(default_factory=dict)
	# item code → {"name", "description", "image", "url"}
	items: dict = field(default_factory=dict)
	# coupon code name → {"code", "description", "valid_upto"}
	coupons: dict = field(default_factory=dict)
	labels: dict = field(default_factory=dict)
	lang: str = "en"
	site_url: str = ""
	subject: str = ""


@dataclass
class Built:
	mjml: str
	text: str
	slots: list[Slot]
	nonce: str


class _Slots:
	def __init__(self, nonce: str):
		self.nonce = nonce
		self.slots: list[Slot] = []
		self.index: dict[Slot, int] = {}

	def marker(self, slot: Slot) -> str:
		if slot not in self.index:
			self.index[slot] = len(self.slots)
			self.slots.append(slot)
		return f"cpslot{self.nonce}n{self.index[slot]}z"

	def merge_html(self, text: str) -> str:
		"""Personalisation fields of HTML text as slots (the fallback is HTML text)."""
		return model.MERGE_TAG.sub(
			lambda m: self.marker(Slot(FIELD, m.group(1), html.unescape((m.group(2) or "").strip()))), text
		)

	def merge_plain(self, text: str) -> str:
		return model.MERGE_TAG.sub(
			lambda m: self.marker(Slot(FIELD, m.group(1), (m.group(2) or "").strip())), text
		)


def marker_pattern(nonce: str) -> re.Pattern:
	return re.compile(f"cpslot{re.escape(nonce)}n([0-9]+)z")


def _attr(value: object) -> str:
	return html.escape(str(value), quote=True)


def _label(inputs: Inputs, key: str, default: str) -> str:
	return inputs.labels.get(key) or default


class _Builder:
	def __init__(self, design: dict, inputs: Inputs, nonce: str):
		self.design, self.inputs, self.nonce = design, inputs, nonce
		self.slots = _Slots(nonce)
		self.brand = {**DEFAULT_BRAND, **{k: v for k, v in (inputs.brand or {}).items() if v}}
		settings = design["settings"]
		self.background = settings.get("background") or self.brand["background_color"]
		self.content_bg = settings.get("content_background") or self.brand["content_background"]
		self.text_lines: list[str] = []

	# ------------------------------------------------------------------ text part
	def say(self, *paragraphs: str) -> None:
		for paragraph in paragraphs:
			paragraph = paragraph.strip("\n")
			if paragraph.strip():
				self.text_lines.append(paragraph)

	# ------------------------------------------------------------------ MJML
	def section(
		self, inner: str, css_class: str = "cp-section", background: str | None = None, padding="8px 0"
	) -> str:
		return (
			f'<mj-section background-color="{_attr(background or self.content_bg)}" padding="{padding}" '
			f'css-class="{css_class}"><mj-column>{inner}</mj-column></mj-section>'
		)

	def content(self, block: dict) -> tuple[str, list[str]]:
		"""An element of a column (MJML) and its plain text paragraphs."""
		kind = block["type"]
		if kind == model.HEADING:
			sizes = {1: 28, 2: 22, 3: 18}
			level = block["level"]
			body = self.slots.merge_html(block["html"])
			color = block["color"] or self.brand["text_color"]
			mjml = (
				f'<mj-text align="{block["align"]}" color="{_attr(color)}" css-class="cp-text cp-heading" '
				f'padding="10px 25px"><h{level} style="margin:0;font-size:{sizes[level]}px;line-height:1.25;'
				f'font-weight:bold;">{body}</h{level}></mj-text>'
			)
			return mjml, [html_to_text(body)]
		if kind == model.TEXT:
			body = self.slots.merge_html(block["html"])
			mjml = (
				f'<mj-text align="{block["align"]}" css-class="cp-text" padding="10px 25px">{body}</mj-text>'
			)
			return mjml, [html_to_text(body)]
		if kind == model.IMAGE:
			if not block["src"]:
				return "", []
			attributes = f'src="{_attr(block["src"])}" alt="{_attr(block["alt"])}" align="{block["align"]}"'
			if block["href"]:
				attributes += f' href="{_attr(block["href"])}"'
			if block["width"]:
				attributes += f' width="{block["width"]}px"'
			text = []
			if block["href"]:
				text = [
					f"{block['alt'] or block['href']}: {block['href']}" if block["alt"] else block["href"]
				]
			return f'<mj-image {attributes} padding="10px 25px" />', text
		if kind == model.BUTTON:
			label = self.slots.merge_plain(html.escape(block["label"], quote=False))
			background = block["background"] or self.brand["primary_color"]
			color = block["color"] or "#ffffff"
			href = f' href="{_attr(block["href"])}"' if block["href"] else ""
			mjml = (
				f'<mj-button{href} align="{block["align"]}" background-color="{_attr(background)}" '
				f'color="{_attr(color)}" font-size="16px" font-weight="bold" inner-padding="12px 28px" '
				f'border-radius="4px" css-class="cp-button">{label}</mj-button>'
			)
			text_label = self.slots.merge_plain(block["label"])
			return mjml, [f"{text_label}: {block['href']}" if block["href"] else text_label]
		if kind == model.DIVIDER:
			color = block["color"] or "#d0d5dd"
			return (
				f'<mj-divider border-color="{_attr(color)}" border-width="{block["thickness"]}px" padding="10px 25px" />',
				["----------"],
			)
		if kind == model.SPACER:
			return f'<mj-spacer height="{block["height"]}px" />', []
		raise AssertionError(kind)

	def block(self, block: dict) -> str:
		kind = block["type"]
		if kind in model.COLUMN_BLOCKS:
			mjml, text = self.content(block)
			self.say(*text)
			return self.section(mjml) if mjml else ""
		return getattr(self, f"block_{kind}")(block)

	def block_header(self, block: dict) -> str:
		logo = block["logo"] or self.brand["logo"]
		name = self.inputs.identity.get("company_name") or ""
		background = block["background"] or self.content_bg
		if logo:
			href = f' href="{_attr(block["link"])}"' if block["link"] else ""
			inner = (
				f'<mj-image src="{_attr(logo)}" alt="{_attr(block["alt"] or name)}"{href} '
				f'width="{block["logo_width"]}px" align="{block["align"]}" padding="16px 25px" />'
			)
		else:
			inner = (
				f'<mj-text align="{block["align"]}" css-class="cp-text" font-size="22px" font-weight="bold" '
				f'padding="16px 25px">{html.escape(block["alt"] or name, quote=False)}</mj-text>'
			)
		self.say(block["alt"] or name)
		return self.section(inner, "cp-section cp-header", background)

	def block_columns(self, block: dict) -> str:
		count = len(block["columns"])
		columns = []
		for column in block["columns"]:
			inner = []
			for child in column:
				mjml, text = self.content(child)
				inner.append(mjml)
				self.say(*text)
			columns.append(f'<mj-column width="{100 / count:.4g}%">{"".join(inner)}</mj-column>')
		return (
			f'<mj-section background-color="{_attr(self.content_bg)}" padding="8px 0" css-class="cp-section">'
			f"{''.join(columns)}</mj-section>"
		)

	def block_social(self, block: dict) -> str:
		if not block["links"]:
			return ""
		colours = {
			"facebook": "#1877f2",
			"x": "#000000",
			"linkedin": "#0a66c2",
			"instagram": "#c13584",
			"youtube": "#ff0000",
			"pinterest": "#bd081c",
			"tiktok": "#010101",
			"github": "#24292f",
		}
		names = {
			"x": "X",
			"linkedin": "LinkedIn",
			"youtube": "YouTube",
			"tiktok": "TikTok",
			"github": "GitHub",
		}
		origin = f"{self.inputs.site_url}/assets/campaign_plus/images/social/"
		elements = []
		for link in block["links"]:
			network = link["network"]
			label = names.get(network, network.capitalize())
			elements.append(
				f'<mj-social-element src="{_attr(origin + network + ".png")}" background-color="{colours[network]}" '
				f'href="{_attr(link["url"])}" alt="{_attr(label)}" title="{_attr(label)}"></mj-social-element>'
			)
			self.say(f"{label}: {link['url']}")
		inner = (
			f'<mj-social align="{block["align"]}" icon-size="28px" mode="horizontal" padding="10px 25px">'
			f"{''.join(elements)}</mj-social>"
		)
		return self.section(inner)

	def product_link(self, block: dict, code: str, item: dict) -> str:
		if block["link"]:
			return block["link"].replace("{item_code}", quote(code, safe=""))
		return item.get("url") or ""

	def block_products(self, block: dict) -> str:
		codes = [code for code in block["items"] if code in self.inputs.items]
		if not codes:
			return ""
		per_row = block["per_row"]
		button = block["button_label"] or _label(self.inputs, "see_product", "See the product")
		sections = []
		for start in range(0, len(codes), per_row):
			columns = []
			for code in codes[start : start + per_row]:
				item = self.inputs.items[code]
				link = self.product_link(block, code, item)
				href = f' href="{_attr(link)}"' if link else ""
				name = html.escape(item.get("name") or code, quote=False)
				inner = []
				if item.get("image"):
					inner.append(
						f'<mj-image src="{_attr(item["image"])}" alt="{_attr(item.get("name") or code)}"{href} '
						f'padding="10px 15px" css-class="cp-product-image" />'
					)
				inner.append(
					f'<mj-text align="center" css-class="cp-text cp-product" padding="4px 15px" font-size="16px" font-weight="bold">'
					f"{name}</mj-text>"
				)
				description = item.get("description") if block["show_description"] else ""
				if description:
					inner.append(
						f'<mj-text align="center" css-class="cp-text cp-muted" padding="2px 15px" font-size="14px">'
						f"{html.escape(description, quote=False)}</mj-text>"
					)
				price = self.slots.marker(Slot(PRICE, code))
				inner.append(
					f'<mj-text align="center" css-class="cp-text cp-price" padding="4px 15px" font-size="18px">{price}</mj-text>'
				)
				if link:
					inner.append(
						f'<mj-button href="{_attr(link)}" background-color="{_attr(self.brand["primary_color"])}" '
						f'color="#ffffff" font-size="14px" inner-padding="10px 20px" border-radius="4px" '
						f'padding="8px 15px 14px" css-class="cp-button">{html.escape(button, quote=False)}</mj-button>'
					)
				columns.append(f'<mj-column width="{100 / per_row:.4g}%">{"".join(inner)}</mj-column>')
				lines = [f"{item.get('name') or code} — {self.slots.marker(Slot(PRICE_TEXT, code))}"]
				if description:
					lines.append(description)
				if link:
					lines.append(link)
				self.say("\n".join(lines))
			sections.append(
				f'<mj-section background-color="{_attr(self.content_bg)}" padding="8px 0" css-class="cp-section cp-products">'
				f"{''.join(columns)}</mj-section>"
			)
		return "".join(sections)

	def block_coupon(self, block: dict) -> str:
		coupon = self.inputs.coupons.get(block["coupon_code"])
		if not coupon:
			return ""
		title = self.slots.merge_html(block["title"]) or html.escape(
			_label(self.inputs, "coupon_title", "Your discount code"), quote=False
		)
		code = html.escape(coupon["code"], quote=False)
		inner = [
			f'<mj-text align="center" css-class="cp-text" font-size="18px" font-weight="bold" padding="14px 25px 6px">{title}</mj-text>',
			f'<mj-text align="center" css-class="cp-text cp-coupon" padding="6px 25px"><span style="display:inline-block;'
			f"border:2px dashed {self.brand['primary_color']};padding:10px 22px;font-family:'Courier New',Courier,monospace;"
			f'font-size:24px;font-weight:bold;letter-spacing:2px;">{code}</span></mj-text>',
		]
		text = [html_to_text(title), f"{_label(self.inputs, 'code', 'Code')}: {coupon['code']}"]
		if coupon.get("description"):
			inner.append(
				f'<mj-text align="center" css-class="cp-text" padding="4px 25px">'
				f"{html.escape(coupon['description'], quote=False)}</mj-text>"
			)
			text.append(coupon["description"])
		if block["show_validity"] and coupon.get("valid_upto"):
			validity = _label(self.inputs, "valid_until", "Valid until {0}").format(coupon["valid_upto"])
			inner.append(
				f'<mj-text align="center" css-class="cp-text cp-muted" font-size="13px" padding="4px 25px 14px">'
				f"{html.escape(validity, quote=False)}</mj-text>"
			)
			text.append(validity)
		self.say("\n".join(text))
		return self.section("".join(inner), "cp-section cp-coupon-box")

	def block_footer(self, block: dict) -> str:
		identity = self.inputs.identity
		parts, text = [], []
		extra = self.slots.merge_html(block["html"])
		if extra:
			parts.append(f"<div>{extra}</div>")
			text.append(html_to_text(extra))
		if self.brand.get("footer_html"):
			parts.append(f"<div>{self.brand['footer_html']}</div>")
			text.append(html_to_text(self.brand["footer_html"]))
		legal = [identity.get("company_name") or "", *(identity.get("address_lines") or [])]
		legal += identity.get("other_lines") or []
		legal = [line for line in legal if line]
		if legal:
			parts.append(
				'<div class="cp-legal" style="margin-top:8px;">'
				+ "<br>".join(html.escape(line, quote=False) for line in legal)
				+ "</div>"
			)
			text.append("\n".join(legal))
		unsubscribe = self.slots.marker(Slot(UNSUBSCRIBE))
		label = _label(self.inputs, "unsubscribe", "Unsubscribe")
		why = _label(self.inputs, "why", "")
		link = f'<a href="{unsubscribe}" style="color:inherit;text-decoration:underline;">{html.escape(label, quote=False)}</a>'
		# the link on a line of its own: Frappe fills the placeholder in the encoded message, where a
		# long line would be cut by a soft line break
		why = html.escape(why, quote=False)
		# data-cp-footer: the body has its own footer, the sender's is not added (utils/footer.py)
		parts.append(
			f'<div class="cp-unsubscribe" data-cp-footer="1" style="margin-top:8px;">{why}\n{link}\n</div>'
		)
		text.append(f"{label}: {unsubscribe}")
		self.say(*text)
		inner = (
			f'<mj-text align="center" css-class="cp-text cp-footer" color="#667085" font-size="12px" '
			f'line-height="1.5" padding="16px 25px">{"".join(parts)}</mj-text>'
		)
		return self.section(inner, "cp-section cp-footer-section", self.background, "12px 0 24px")

	# ------------------------------------------------------------------ the document
	def head(self) -> str:
		brand = self.brand
		font = model.FONTS.get(brand["font"], model.FONTS["Arial"])
		preheader = self.slots.merge_plain(html.escape(self.design["settings"]["preheader"], quote=False))
		dark = (
			":root{color-scheme:light dark;supported-color-schemes:light dark;}"
			"@media (prefers-color-scheme: dark){"
			f".cp-body,.cp-footer-section,.cp-footer-section>table{{background:{DARK_BACKGROUND}!important;"
			f"background-color:{DARK_BACKGROUND}!important;}}"
			f".cp-section,.cp-section>table{{background:{DARK_CONTENT}!important;background-color:{DARK_CONTENT}!important;}}"
			f".cp-text div,.cp-text h1,.cp-text h2,.cp-text h3,.cp-text p,.cp-text li,.cp-text span{{color:{DARK_TEXT}!important;}}"
			f".cp-muted div,.cp-footer div{{color:{DARK_MUTED}!important;}}"
			f".cp-text a{{color:{DARK_TEXT}!important;}}"
			"}"
			f"[data-ogsc] .cp-text div,[data-ogsc] .cp-text p,[data-ogsc] .cp-text h1,[data-ogsc] .cp-text h2{{color:{DARK_TEXT}!important;}}"
			f"[data-ogsb] .cp-section,[data-ogsb] .cp-section>table{{background-color:{DARK_CONTENT}!important;}}"
		)
		title = html.escape(self.inputs.subject or "", quote=False)
		return (
			"<mj-head>"
			f"<mj-title>{title}</mj-title>"
			+ (f"<mj-preview>{preheader}</mj-preview>" if preheader else "")
			+ '<mj-raw><meta name="color-scheme" content="light dark">'
			'<meta name="supported-color-schemes" content="light dark"></mj-raw>'
			"<mj-attributes>"
			f'<mj-all font-family="{_attr(font)}" />'
			f'<mj-text color="{_attr(brand["text_color"])}" font-size="15px" line-height="1.5" />'
			"</mj-attributes>"
			f"<mj-style>{dark}</mj-style>"
			"</mj-head>"
		)

	def build(self) -> Built:
		body = "".join(self.block(block) for block in self.design["blocks"])
		head = self.head()
		lang = _attr(self.inputs.lang or "en")
		mjml = (
			f'<mjml lang="{lang}">{head}<mj-body width="600px" background-color="{_attr(self.background)}" '
			f'css-class="cp-body">{body}</mj-body></mjml>'
		)
		text = "\n\n".join(self.text_lines).strip() + "\n"
		return Built(mjml, text, self.slots.slots, self.nonce)


def build(design: dict, inputs: Inputs, nonce: str) -> Built:
	"""The MJML and plain text of a normalised design, with its slots (``nonce``: letters and
	digits, different for every compile input, so no text of the design can look like a slot)."""
	if not re.fullmatch(r"[a-z0-9]{4,32}", nonce):
		raise ValueError("nonce: 4 to 32 lowercase letters or digits")
	return _Builder(design, inputs, nonce).build()


def link_css(brand: dict) -> str:
	"""CSS inlined into the built HTML (css-inline): the rich text's links, paragraphs, lists."""
	brand = {**DEFAULT_BRAND, **{k: v for k, v in (brand or {}).items() if v}}
	return (
		f".cp-text a{{color:{brand['link_color']};text-decoration:underline;}}"
		".cp-text p{margin:0 0 12px 0;}"
		".cp-text ul,.cp-text ol{margin:0 0 12px 0;padding-left:22px;}"
		".cp-text li{margin:0 0 4px 0;}"
		".cp-footer a{color:#667085;}"
	)


# --------------------------------------------------------------------------------- text part

_BLOCK_BREAK = re.compile(r"<\s*/?\s*(p|div|ul|ol|h[1-6])\b[^>]*>", re.IGNORECASE)
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_LI = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_A = re.compile(r"""<a\b[^>]*?href\s*=\s*"([^"]*)"[^>]*>(.*?)</a\s*>""", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n{3,}")


def html_to_text(value: str) -> str:
	"""Sanitised rich text as plain text: paragraphs, line breaks, ``- `` list items, and links
	as ``label (url)`` (the URL alone when it is the label)."""

	def link(match: re.Match) -> str:
		url, label = html.unescape(match.group(1)), _TAG.sub("", match.group(2)).strip()
		plain_label = html.unescape(label)
		return url if not plain_label or plain_label == url else f"{label} ({url})"

	value = _A.sub(link, value or "")
	value = _BR.sub("\n", value)
	value = _LI.sub("\n- ", value)
	value = _BLOCK_BREAK.sub("\n\n", value)
	value = html.unescape(_TAG.sub("", value))
	lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
	return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
