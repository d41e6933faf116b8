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


# The space between two blocks: each block used to be a section of its own, padded 8 px above
# and below; blocks that share a section keep that space as padding of their own.
BLOCK_GAP = 16
CONTENT_PADDING = "8px 0"


def _padding(top: int, right: int, bottom: int, left: int) -> str:
	"""CSS padding shorthand, shortest form."""
	if right == left:
		if top == bottom:
			return f"{top}px" if top == right else f"{top}px {right}px"
		return f"{top}px {right}px {bottom}px"
	return f"{top}px {right}px {bottom}px {left}px"


@dataclass
class _Element:
	"""An MJML element of a column. ``padding`` (top, right, bottom, left) in px; a spacer has its
	``height`` instead. When the element starts a block that follows another in the same section,
	its top padding (a spacer's height) grows by :data:`BLOCK_GAP`."""

	tag: str
	attributes: str = ""
	inner: str | None = None  # None: an empty element
	padding: tuple[int, int, int, int] | None = None
	height: int = 0

	def mjml(self, gap: int = 0) -> str:
		attributes = self.attributes
		if self.padding is not None:
			top, right, bottom, left = self.padding
			attributes += f' padding="{_padding(top + gap, right, bottom, left)}"'
		if self.tag == "mj-spacer":
			attributes += f' height="{self.height + gap}px"'
		if self.inner is None:
			return f"<{self.tag}{attributes} />"
		return f"<{self.tag}{attributes}>{self.inner}</{self.tag}>"


def _elements(elements: list[_Element], gap: int = 0) -> str:
	return "".join(element.mjml(gap if number == 0 else 0) for number, element in enumerate(elements))


@dataclass
class _Run:
	"""A block of one column: blocks in a row with the same background share an MJML section."""

	background: str
	elements: list[_Element]
	padding: str = CONTENT_PADDING
	css_class: str = "cp-section"

	@property
	def key(self) -> tuple:
		return (self.background, self.padding, self.css_class)


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
	def section(self, runs: list[_Run]) -> str:
		"""One MJML section of one column holding blocks in a row (``runs``, same key)."""
		first = runs[0]
		inner = "".join(_elements(run.elements, BLOCK_GAP if n else 0) for n, run in enumerate(runs))
		return (
			f'<mj-section background-color="{_attr(first.background)}" padding="{first.padding}" '
			f'css-class="{first.css_class}"><mj-column>{inner}</mj-column></mj-section>'
		)

	def run(self, elements: list[_Element], **values) -> _Run | None:
		return (
			_Run(values.pop("background", None) or self.content_bg, elements, **values) if elements else None
		)

	def content(self, block: dict) -> tuple[list[_Element], list[str]]:
		"""The elements of a column (MJML) a simple block makes, and its plain text paragraphs."""
		kind = block["type"]
		if kind == model.HEADING:
			sizes = {1: 28, 2: 22, 3: 18}
			level = block["level"]
			body = self.slots.merge_html(block["html"])
			color = block["color"] or self.brand["text_color"]
			element = _Element(
				"mj-text",
				f' align="{block["align"]}" color="{_attr(color)}" css-class="cp-text cp-heading"',
				f'<h{level} style="margin:0;font-size:{sizes[level]}px;line-height:1.25;font-weight:bold;">'
				f"{body}</h{level}>",
				(10, 25, 10, 25),
			)
			return [element], [html_to_text(body)]
		if kind == model.TEXT:
			body = self.slots.merge_html(block["html"])
			element = _Element(
				"mj-text", f' align="{block["align"]}" css-class="cp-text"', body, (10, 25, 10, 25)
			)
			return [element], [html_to_text(body)]
		if kind == model.IMAGE:
			if not block["src"]:
				return [], []
			attributes = f' src="{_attr(block["src"])}" alt="{_attr(block["alt"])}" align="{block["align"]}"'
			if block["href"]:
				attributes += f' href="{_attr(block["href"])}"'
			if block["width"]:
				attributes += f' width="{block["width"]}px"'
			text = []
			if block["href"]:
				text = [
					f"{block['alt'] or block['href']}: {block['href']}" if block["alt"] else block["href"]
				]
			return [_Element("mj-image", attributes, None, (10, 25, 10, 25))], text
		if kind == model.BUTTON:
			label = self.slots.merge_plain(html.escape(block["label"], quote=False))
			background = block["background"] or self.brand["primary_color"]
			color = block["color"] or "#ffffff"
			href = f' href="{_attr(block["href"])}"' if block["href"] else ""
			element = _Element(
				"mj-button",
				f'{href} align="{block["align"]}" background-color="{_attr(background)}" '
				f'color="{_attr(color)}" font-size="16px" font-weight="bold" inner-padding="12px 28px" '
				f'border-radius="4px" css-class="cp-button"',
				label,
				(10, 25, 10, 25),
			)
			text_label = self.slots.merge_plain(block["label"])
			return [element], [f"{text_label}: {block['href']}" if block["href"] else text_label]
		if kind == model.DIVIDER:
			color = block["color"] or "#d0d5dd"
			element = _Element(
				"mj-divider",
				f' border-color="{_attr(color)}" border-width="{block["thickness"]}px"',
				None,
				(10, 25, 10, 25),
			)
			return [element], ["----------"]
		if kind == model.SPACER:
			return [_Element("mj-spacer", height=block["height"])], []
		raise AssertionError(kind)

	def block(self, block: dict) -> _Run | str | None:
		"""A block as a run of one column (sections are shared by runs in a row) or as sections."""
		kind = block["type"]
		if kind in model.COLUMN_BLOCKS:
			elements, text = self.content(block)
			self.say(*text)
			return self.run(elements)
		return getattr(self, f"block_{kind}")(block)

	def block_header(self, block: dict) -> _Run:
		logo = block["logo"] or self.brand["logo"]
		name = self.inputs.identity.get("company_name") or ""
		if logo:
			href = f' href="{_attr(block["link"])}"' if block["link"] else ""
			element = _Element(
				"mj-image",
				f' src="{_attr(logo)}" alt="{_attr(block["alt"] or name)}"{href} '
				f'width="{block["logo_width"]}px" align="{block["align"]}"',
				None,
				(16, 25, 16, 25),
			)
		else:
			element = _Element(
				"mj-text",
				f' align="{block["align"]}" css-class="cp-text" font-size="22px" font-weight="bold"',
				html.escape(block["alt"] or name, quote=False),
				(16, 25, 16, 25),
			)
		self.say(block["alt"] or name)
		return self.run([element], background=block["background"])

	def block_columns(self, block: dict) -> str:
		count = len(block["columns"])
		columns = []
		for column in block["columns"]:
			inner = []
			for child in column:
				elements, text = self.content(child)
				inner.append(_elements(elements))
				self.say(*text)
			columns.append(f'<mj-column width="{100 / count:.4g}%">{"".join(inner)}</mj-column>')
		return (
			f'<mj-section background-color="{_attr(self.content_bg)}" padding="{CONTENT_PADDING}" '
			f'css-class="cp-section">{"".join(columns)}</mj-section>'
		)

	def block_social(self, block: dict) -> _Run | None:
		if not block["links"]:
			return None
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
		social = _Element(
			"mj-social",
			f' align="{block["align"]}" icon-size="28px" mode="horizontal"',
			"".join(elements),
			(10, 25, 10, 25),
		)
		return self.run([social])

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
				# name, description and price: one text element (one cell), each a paragraph
				texts = [f'<p style="margin:0;font-size:16px;font-weight:bold;">{name}</p>']
				description = item.get("description") if block["show_description"] else ""
				if description:
					texts.append(
						f'<p class="cp-muted" style="margin:6px 0 0;font-size:14px;">'
						f"{html.escape(description, quote=False)}</p>"
					)
				price = self.slots.marker(Slot(PRICE, code))
				texts.append(f'<p class="cp-price" style="margin:6px 0 0;font-size:18px;">{price}</p>')
				inner.append(
					'<mj-text align="center" css-class="cp-text cp-product" padding="4px 15px">'
					f"{''.join(texts)}</mj-text>"
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
				f'<mj-section background-color="{_attr(self.content_bg)}" padding="{CONTENT_PADDING}" '
				f'css-class="cp-section cp-products">{"".join(columns)}</mj-section>'
			)
		return "".join(sections)

	def block_coupon(self, block: dict) -> _Run | None:
		coupon = self.inputs.coupons.get(block["coupon_code"])
		if not coupon:
			return None
		title = self.slots.merge_html(block["title"]) or html.escape(
			_label(self.inputs, "coupon_title", "Your discount code"), quote=False
		)
		code = html.escape(coupon["code"], quote=False)
		# title, code, what it gives, until when: one text element (one cell), each a paragraph
		texts = [
			f'<p style="margin:0;font-size:18px;font-weight:bold;">{title}</p>',
			f'<p class="cp-coupon" style="margin:12px 0 0;"><span style="display:inline-block;'
			f"border:2px dashed {self.brand['primary_color']};padding:10px 22px;"
			"font-family:'Courier New',Courier,monospace;font-size:24px;font-weight:bold;letter-spacing:2px;\">"
			f"{code}</span></p>",
		]
		text = [html_to_text(title), f"{_label(self.inputs, 'code', 'Code')}: {coupon['code']}"]
		if coupon.get("description"):
			texts.append(f'<p style="margin:10px 0 0;">{html.escape(coupon["description"], quote=False)}</p>')
			text.append(coupon["description"])
		if block["show_validity"] and coupon.get("valid_upto"):
			validity = _label(self.inputs, "valid_until", "Valid until {0}").format(coupon["valid_upto"])
			texts.append(
				f'<p class="cp-muted" style="margin:8px 0 0;font-size:13px;">{html.escape(validity, quote=False)}</p>'
			)
			text.append(validity)
		elements = [
			_Element(
				"mj-text",
				' align="center" css-class="cp-text cp-coupon-box"',
				"".join(texts),
				(14, 25, 14, 25),
			)
		]
		self.say("\n".join(text))
		return self.run(elements)

	def block_footer(self, block: dict) -> _Run:
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
		element = _Element(
			"mj-text",
			' align="center" css-class="cp-text cp-footer" color="#667085" font-size="12px" line-height="1.5"',
			"".join(parts),
			(16, 25, 16, 25),
		)
		return self.run(
			[element],
			background=self.background,
			padding="12px 0 24px",
			css_class="cp-section cp-footer-section",
		)

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
			f".cp-muted div,.cp-footer div,.cp-text .cp-muted{{color:{DARK_MUTED}!important;}}"
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

	def body(self) -> str:
		"""The blocks' sections: blocks of one column in a row, on the same background, share one."""
		sections: list[str] = []
		runs: list[_Run] = []
		for block in self.design["blocks"]:
			made = self.block(block)
			if isinstance(made, _Run) and runs and runs[-1].key != made.key:
				sections.append(self.section(runs))
				runs = []
			if isinstance(made, _Run):
				runs.append(made)
			elif made:
				if runs:
					sections.append(self.section(runs))
					runs = []
				sections.append(made)
		if runs:
			sections.append(self.section(runs))
		return "".join(sections)

	def build(self) -> Built:
		body = self.body()
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
