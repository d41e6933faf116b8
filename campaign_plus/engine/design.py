# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The email design model: structured blocks, checked and normalised before anything is built.

A design is JSON: ``{"schema": 1, "settings": {...}, "blocks": [...]}``. Each block has a
``type`` (one of :data:`BLOCK_TYPES`), an ``id`` and the properties of its type
(:data:`SCHEMAS`): unknown properties are dropped, missing ones take their default, each value
is checked (lengths, colours ``#rgb`` / ``#rrggbb``, links ``http(s)``, ``mailto:`` or ``tel:``,
numbers within bounds). Rich text keeps only a small set of tags (paragraphs, line breaks,
bold, italic, underline, strike, lists, links) and no attributes but a link's ``href`` and
``title``: what the editor's in-place editing produces, nothing that could break the layout.

Personalisation fields are written ``{{ first_name }}`` or ``{{ first_name | fallback }}`` in
headings, text, button labels, the coupon's title and the footer: the fallback stands in when
the recipient's value is empty. Only the fields of :data:`FIELDS` exist.

The footer is never missing: a design without one gets it at the end, and whatever it says,
the built email carries the company's legal identity and the unsubscribe link there.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from campaign_plus.engine.errors import RuleError, _

SCHEMA = 1
MAX_BLOCKS = 200
MAX_JSON = 500_000

HEADER, HEADING, TEXT, IMAGE, BUTTON, COLUMNS = "header", "heading", "text", "image", "button", "columns"
DIVIDER, SPACER, SOCIAL, FOOTER, PRODUCTS, COUPON = (
	"divider",
	"spacer",
	"social",
	"footer",
	"products",
	"coupon",
)
BLOCK_TYPES = (
	HEADER,
	HEADING,
	TEXT,
	IMAGE,
	BUTTON,
	COLUMNS,
	DIVIDER,
	SPACER,
	SOCIAL,
	FOOTER,
	PRODUCTS,
	COUPON,
)
# What a column of a two- or three-column block may hold.
COLUMN_BLOCKS = (HEADING, TEXT, IMAGE, BUTTON, DIVIDER, SPACER)

# Personalisation fields: name → what it is (the edge reads each from the recipient's document).
FIELDS = ("first_name", "last_name", "full_name", "salutation", "company_name", "email")

SOCIAL_NETWORKS = ("facebook", "x", "linkedin", "instagram", "youtube", "pinterest", "tiktok", "github")
ALIGN = ("left", "center", "right")
FONTS = {
	"Arial": "Arial, Helvetica, sans-serif",
	"Helvetica": "Helvetica, Arial, sans-serif",
	"Georgia": "Georgia, 'Times New Roman', serif",
	"Verdana": "Verdana, Geneva, sans-serif",
	"Trebuchet MS": "'Trebuchet MS', Tahoma, sans-serif",
	"Tahoma": "Tahoma, Verdana, sans-serif",
	"Times New Roman": "'Times New Roman', Times, serif",
	"Courier New": "'Courier New', Courier, monospace",
}

MERGE_TAG = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\s*([^{}|]*?))?\s*\}\}")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_ITEM = re.compile(r"^[^\x00-\x1f<>{}]{1,140}$")


def _error(message: str, *args: object) -> RuleError:
	return RuleError(message, *args, title=_("Invalid Email Design"))


# ---------------------------------------------------------------------------------- values


def check_url(value: str, what: str, allow_mail: bool = True) -> str:
	"""A link a reader may follow: http(s), or mailto: / tel:; an empty one stays empty.
	``{item_code}`` is allowed (the products block's link pattern)."""
	value = (value or "").strip()
	if not value:
		return ""
	lowered = value.lower()
	schemes = ("http://", "https://", "mailto:", "tel:") if allow_mail else ("http://", "https://")
	if not lowered.startswith(schemes) or any(c in value for c in ' "<>\\') or len(value) > 2000:
		raise _error("{0} is not a valid link (http:// or https://): {1}", what, value[:100])
	return value


def check_color(value: str, what: str) -> str:
	value = (value or "").strip()
	if value and not _COLOR.match(value):
		raise _error("{0} is not a colour (#rgb or #rrggbb): {1}", what, value[:20])
	return value.lower()


def check_merge_tags(text: str) -> str:
	for match in MERGE_TAG.finditer(text or ""):
		if match.group(1) not in FIELDS:
			raise _error("Unknown personalisation field {0}.", match.group(1))
	return text


# --------------------------------------------------------------------------------- rich text

RICH_TAGS = frozenset(
	{"p", "div", "br", "b", "strong", "i", "em", "u", "s", "strike", "ul", "ol", "li", "a", "span"}
)
INLINE_TAGS = frozenset({"br", "b", "strong", "i", "em", "u", "s", "strike", "a", "span"})
_VOID = frozenset({"br"})
_DROP_CONTENT = frozenset({"script", "style", "head", "title", "template", "iframe", "object"})


class _Sanitiser(HTMLParser):
	def __init__(self, allowed: frozenset[str]):
		super().__init__(convert_charrefs=True)
		self.allowed = allowed
		self.out: list[str] = []
		self.stack: list[str] = []
		self.dropping = 0

	def handle_starttag(self, tag, attrs):
		if tag in _DROP_CONTENT:
			self.dropping += 1
			return
		if self.dropping or tag not in self.allowed:
			return
		attributes = ""
		if tag == "a":
			values = dict(attrs)
			href = (values.get("href") or "").strip()
			try:
				href = check_url(href, "Link")
			except RuleError:
				href = ""
			if href:
				attributes += f' href="{html.escape(href, quote=True)}"'
			if values.get("title"):
				attributes += f' title="{html.escape(values["title"][:200], quote=True)}"'
		self.out.append(f"<{tag}{attributes}>")
		if tag not in _VOID:
			self.stack.append(tag)

	def handle_startendtag(self, tag, attrs):
		self.handle_starttag(tag, attrs)
		if tag not in _VOID and self.stack and self.stack[-1] == tag:
			self.handle_endtag(tag)

	def handle_endtag(self, tag):
		if tag in _DROP_CONTENT:
			self.dropping = max(0, self.dropping - 1)
			return
		if self.dropping or tag not in self.stack:
			return
		while self.stack:
			open_tag = self.stack.pop()
			self.out.append(f"</{open_tag}>")
			if open_tag == tag:
				break

	def handle_data(self, data):
		if not self.dropping:
			self.out.append(html.escape(data, quote=False))

	def result(self) -> str:
		while self.stack:
			self.out.append(f"</{self.stack.pop()}>")
		return "".join(self.out).strip()


def sanitise_html(value: str, inline: bool = False) -> str:
	"""Rich text reduced to the tags a campaign email's text may hold, well-formed."""
	parser = _Sanitiser(INLINE_TAGS if inline else RICH_TAGS)
	parser.feed(value or "")
	parser.close()
	return parser.result()


# ---------------------------------------------------------------------------------- schemas


@dataclass(frozen=True)
class Prop:
	kind: str  # text, inline, rich, url, image, color, int, choice, bool, items, links
	default: object = ""
	low: int = 0
	high: int = 0
	choices: tuple = ()
	merge: bool = False  # personalisation fields allowed


SCHEMAS: dict[str, dict[str, Prop]] = {
	HEADER: {
		"logo": Prop("image"),
		"logo_width": Prop("int", 150, 40, 600),
		"alt": Prop("text", "", 0, 200),
		"link": Prop("url"),
		"align": Prop("choice", "center", choices=ALIGN),
		"background": Prop("color"),
	},
	HEADING: {
		"html": Prop("inline", "", 0, 2000, merge=True),
		"level": Prop("int", 1, 1, 3),
		"align": Prop("choice", "left", choices=ALIGN),
		"color": Prop("color"),
	},
	TEXT: {
		"html": Prop("rich", "", 0, 20000, merge=True),
		"align": Prop("choice", "left", choices=ALIGN),
	},
	IMAGE: {
		"src": Prop("image"),
		"alt": Prop("text", "", 0, 300),
		"href": Prop("url"),
		"width": Prop("int", 0, 0, 600),
		"align": Prop("choice", "center", choices=ALIGN),
	},
	BUTTON: {
		"label": Prop("text", "", 0, 200, merge=True),
		"href": Prop("url"),
		"align": Prop("choice", "center", choices=ALIGN),
		"background": Prop("color"),
		"color": Prop("color"),
	},
	COLUMNS: {},  # "columns": 2 or 3 lists of blocks, checked apart
	DIVIDER: {
		"color": Prop("color"),
		"thickness": Prop("int", 1, 1, 10),
	},
	SPACER: {"height": Prop("int", 20, 5, 200)},
	SOCIAL: {
		"links": Prop("links"),
		"align": Prop("choice", "center", choices=ALIGN),
	},
	FOOTER: {"html": Prop("rich", "", 0, 5000, merge=True)},
	PRODUCTS: {
		"items": Prop("items"),
		"per_row": Prop("int", 2, 1, 3),
		"show_description": Prop("bool", True),
		"button_label": Prop("text", "", 0, 100),
		"link": Prop("url"),
	},
	COUPON: {
		"coupon_code": Prop("text", "", 0, 140),
		"title": Prop("inline", "", 0, 500, merge=True),
		"show_validity": Prop("bool", True),
	},
}

SETTINGS: dict[str, Prop] = {
	"preheader": Prop("text", "", 0, 250, merge=True),
	"background": Prop("color"),
	"content_background": Prop("color"),
}

MAX_ITEMS = 12
MAX_LINKS = 10


def _value(prop: Prop, value: object, what: str) -> object:
	kind = prop.kind
	if value is None:
		value = prop.default
	if kind in ("text", "inline", "rich"):
		if not isinstance(value, str):
			raise _error("{0} must be text.", what)
		if kind == "text":
			value = value.strip()
			if "<" in value or ">" in value:
				value = sanitise_html(value, inline=True)
				value = html.unescape(re.sub(r"<[^>]*>", "", value))
		else:
			value = sanitise_html(value, inline=kind == "inline")
		if prop.high and len(value) > prop.high:
			raise _error("{0} is too long ({1} characters at most).", what, prop.high)
		if prop.merge:
			check_merge_tags(value)
		elif MERGE_TAG.search(value):
			raise _error("{0} cannot hold personalisation fields.", what)
		return value
	if kind == "url":
		return check_url(str(value), what)
	if kind == "image":
		return check_url(str(value), what, allow_mail=False)
	if kind == "color":
		return check_color(str(value), what)
	if kind == "int":
		try:
			number = int(value)
		except (TypeError, ValueError):
			raise _error("{0} must be a whole number.", what) from None
		if not prop.low <= number <= prop.high and not (number == 0 and prop.default == 0):
			raise _error("{0} must be between {1} and {2}.", what, prop.low, prop.high)
		return number
	if kind == "choice":
		if value not in prop.choices:
			raise _error("{0} must be one of {1}.", what, ", ".join(map(str, prop.choices)))
		return value
	if kind == "bool":
		return bool(value)
	if kind == "items":
		if not isinstance(value, list) or len(value) > MAX_ITEMS:
			raise _error("A products block lists at most {0} items.", MAX_ITEMS)
		items = []
		for item in value:
			if not isinstance(item, str) or not _ITEM.match(item.strip()):
				raise _error("{0} is not an item code.", str(item)[:50])
			if item.strip() not in items:
				items.append(item.strip())
		return items
	if kind == "links":
		if not isinstance(value, list) or len(value) > MAX_LINKS:
			raise _error("A social links block has at most {0} links.", MAX_LINKS)
		links = []
		for link in value:
			if not isinstance(link, dict) or link.get("network") not in SOCIAL_NETWORKS:
				raise _error("Unknown social network {0}.", str((link or {}).get("network"))[:30])
			url = check_url(str(link.get("url") or ""), link["network"], allow_mail=False)
			if url:
				links.append({"network": link["network"], "url": url})
		return links
	raise AssertionError(kind)


def _block(data: object, where: str, allowed: tuple[str, ...], ids: set[str]) -> dict:
	if not isinstance(data, dict):
		raise _error("Each block of the design must be an object ({0}).", where)
	kind = data.get("type")
	if kind not in allowed:
		raise _error("A block of type {0} cannot be placed here ({1}).", str(kind)[:30], where)
	block_id = str(data.get("id") or "")
	if not _ID.match(block_id) or block_id in ids:
		block_id = uuid.uuid4().hex[:12]
	ids.add(block_id)
	block: dict = {"type": kind, "id": block_id}
	for name, prop in SCHEMAS[kind].items():
		block[name] = _value(prop, data.get(name), f"{kind}.{name}")
	if kind == COLUMNS:
		columns = data.get("columns")
		if not isinstance(columns, list) or len(columns) not in (2, 3):
			raise _error("A columns block has two or three columns.")
		block["columns"] = []
		for number, column in enumerate(columns, start=1):
			if not isinstance(column, list):
				raise _error("Each column holds a list of blocks.")
			block["columns"].append(
				[_block(child, f"{where}, column {number}", COLUMN_BLOCKS, ids) for child in column]
			)
	return block


def normalise(data: object) -> dict:
	"""The design ``data`` (JSON text or its object) checked, with defaults, ids and a footer.

	Raises :class:`RuleError` on anything it cannot take."""
	if isinstance(data, str | bytes):
		if len(data) > MAX_JSON:
			raise _error("The design is too large ({0} characters at most).", MAX_JSON)
		try:
			data = json.loads(data or "{}")
		except ValueError:
			raise _error("The design is not valid JSON.") from None
	if data is None:
		data = {}
	if not isinstance(data, dict):
		raise _error("The design must be an object with its blocks.")
	if int(data.get("schema") or SCHEMA) > SCHEMA:
		raise _error("This design was made by a newer version of Campaign Plus.")
	blocks = data.get("blocks") or []
	if not isinstance(blocks, list):
		raise _error("The design's blocks must be a list.")
	if count_blocks(blocks) > MAX_BLOCKS:
		raise _error("A design holds at most {0} blocks.", MAX_BLOCKS)
	settings = data.get("settings") or {}
	if not isinstance(settings, dict):
		raise _error("The design's settings must be an object.")
	ids: set[str] = set()
	result = {
		"schema": SCHEMA,
		"settings": {name: _value(prop, settings.get(name), name) for name, prop in SETTINGS.items()},
		"blocks": [_block(block, f"block {n}", BLOCK_TYPES, ids) for n, block in enumerate(blocks, start=1)],
	}
	footers = [block for block in result["blocks"] if block["type"] == FOOTER]
	if len(footers) > 1:
		raise _error("A design has one footer.")
	if footers and result["blocks"][-1]["type"] != FOOTER:
		result["blocks"].remove(footers[0])
		result["blocks"].append(footers[0])  # the footer is always last
	if not footers:
		result["blocks"].append(_block({"type": FOOTER}, "footer", BLOCK_TYPES, ids))
	return result


def count_blocks(blocks: list) -> int:
	total = 0
	for block in blocks:
		total += 1
		if isinstance(block, dict) and isinstance(block.get("columns"), list):
			total += sum(count_blocks(c) for c in block["columns"] if isinstance(c, list))
	return total


def walk(blocks: list[dict]):
	"""Every block, columns' children included, in reading order."""
	for block in blocks:
		yield block
		for column in block.get("columns") or []:
			yield from walk(column)


def item_codes(design: dict) -> list[str]:
	codes: list[str] = []
	for block in walk(design["blocks"]):
		for code in block.get("items") or [] if block["type"] == PRODUCTS else []:
			if code not in codes:
				codes.append(code)
	return codes


def coupon_codes(design: dict) -> list[str]:
	return list(
		dict.fromkeys(
			b["coupon_code"] for b in walk(design["blocks"]) if b["type"] == COUPON and b["coupon_code"]
		)
	)


def fields_used(design: dict) -> list[str]:
	"""The personalisation fields a design uses, in order of first use."""
	used: list[str] = []
	texts = [design["settings"].get("preheader") or ""]
	for block in walk(design["blocks"]):
		texts += [str(block.get(name) or "") for name, prop in SCHEMAS[block["type"]].items() if prop.merge]
	for text in texts:
		for match in MERGE_TAG.finditer(text):
			if match.group(1) not in used:
				used.append(match.group(1))
	return used


def dumps(design: dict) -> str:
	"""The canonical JSON of a normalised design (sorted keys: equal designs, equal text)."""
	return json.dumps(design, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------- checks before sending

ERROR, WARNING = "error", "warning"
GMAIL_CLIP_BYTES = 102 * 1024
# what each tracked link adds to a message (a click URL instead of the link), about
TRACKING_BYTES_PER_LINK = 160
_LOCAL_HOSTS = re.compile(
	r"^https?://(localhost|127\.|0\.0\.0\.0|\[::1\]|[^/]*\.local(?:[:/]|$))", re.IGNORECASE
)
_HREF = re.compile(r'href\s*=\s*"([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
	level: str  # error: do not send; warning: worth a look
	message: str  # untranslated, {0}-style placeholders
	args: tuple = ()
	code: str = ""  # what is checked (see CODES)


def _links(design: dict) -> list[tuple[str, str]]:
	"""(where, url) of every link a reader may follow in the design."""
	links = []
	for block in walk(design["blocks"]):
		kind = block["type"]
		for name in ("href", "link"):
			if block.get(name) and not (kind == PRODUCTS and name == "link"):
				links.append((kind, block[name]))
		for name in ("html",):
			for url in _HREF.findall(block.get(name) or ""):
				links.append((kind, html.unescape(url)))
		for link in block.get("links") or []:
			links.append((kind, link["url"]))
	return links


def check(
	design: dict,
	html_size: int,
	has_unsubscribe: bool,
	items: dict,
	prices: dict,
	coupons: dict,
	identity: dict,
	tracked_links: int = 0,
) -> list[Problem]:
	"""What to fix (errors) or look at (warnings) before sending a design.

	``items``: item code → its data (missing: unknown or disabled); ``prices``: item code →
	{"list": …} (None: no price); ``coupons``: coupon name → its data with ``expired``,
	``used_up``, ``rule_disabled``; ``identity``: the company's name and address lines."""
	problems: list[Problem] = []
	if not has_unsubscribe:
		problems.append(Problem(ERROR, _("The email has no unsubscribe link.")))
	if not identity.get("company_name") or not identity.get("address_lines"):
		problems.append(
			Problem(
				ERROR,
				_(
					"The footer cannot show the company's name and postal address: give the company an address."
				),
			)
		)
	size = html_size + tracked_links * TRACKING_BYTES_PER_LINK
	if size > GMAIL_CLIP_BYTES:
		problems.append(
			Problem(
				ERROR,
				_("The email weighs {0} KB: Gmail clips messages over 102 KB (and the footer with them)."),
				(size // 1024,),
			)
		)
	for block in walk(design["blocks"]):
		kind = block["type"]
		if kind == IMAGE:
			if not block["src"]:
				problems.append(Problem(WARNING, _("An image block has no image.")))
			elif not block["alt"]:
				problems.append(Problem(WARNING, _("An image has no alternative text: {0}"), (block["src"],)))
		if kind == HEADER and block["logo"] and not block["alt"] and not identity.get("company_name"):
			problems.append(Problem(WARNING, _("The logo has no alternative text.")))
		if kind == BUTTON and not block["href"]:
			problems.append(Problem(ERROR, _("The button {0} has no link."), (block["label"] or "?",)))
		if kind == PRODUCTS:
			if not block["items"]:
				problems.append(Problem(WARNING, _("A products block lists no item.")))
			for code in block["items"]:
				if code not in items:
					problems.append(Problem(ERROR, _("Item {0} does not exist or is disabled."), (code,)))
					continue
				if not (prices.get(code) or {}).get("list"):
					problems.append(Problem(ERROR, _("Item {0} has no selling price."), (code,)))
				if not items[code].get("image"):
					problems.append(Problem(WARNING, _("Item {0} has no image."), (code,)))
		if kind == COUPON:
			coupon = coupons.get(block["coupon_code"])
			if not block["coupon_code"]:
				problems.append(Problem(ERROR, _("A coupon block has no coupon code.")))
			elif not coupon:
				problems.append(Problem(ERROR, _("Coupon code {0} does not exist."), (block["coupon_code"],)))
			elif coupon.get("expired") or coupon.get("used_up") or coupon.get("rule_disabled"):
				problems.append(
					Problem(ERROR, _("Coupon code {0} can no longer be used."), (coupon["code"],))
				)
	for _where, url in _links(design):
		lowered = url.lower()
		if lowered.startswith("http://"):
			problems.append(Problem(WARNING, _("A link is not secure (http://, use https://): {0}"), (url,)))
		if _LOCAL_HOSTS.match(url):
			problems.append(
				Problem(ERROR, _("A link points to this computer, readers cannot open it: {0}"), (url,))
			)
		if lowered.startswith(("http://", "https://")) and "." not in url.split("/")[2].split(":")[0]:
			problems.append(Problem(WARNING, _("A link has no domain name: {0}"), (url,)))
	return [replace(problem, code=CODES.get(problem.message, "")) for problem in problems]


# What each check is about (Check Deliverability leaves out those it makes itself on the sent email).
CODES = {
	"The email has no unsubscribe link.": "unsubscribe",
	"The footer cannot show the company's name and postal address: give the company an address.": "identity",
	"The email weighs {0} KB: Gmail clips messages over 102 KB (and the footer with them).": "size",
	"An image block has no image.": "image_empty",
	"An image has no alternative text: {0}": "image_alt",
	"The logo has no alternative text.": "logo_alt",
	"The button {0} has no link.": "button_link",
	"A products block lists no item.": "products_empty",
	"Item {0} does not exist or is disabled.": "item_unknown",
	"Item {0} has no selling price.": "item_price",
	"Item {0} has no image.": "item_image",
	"A coupon block has no coupon code.": "coupon_empty",
	"Coupon code {0} does not exist.": "coupon_unknown",
	"Coupon code {0} can no longer be used.": "coupon_unusable",
	"A link is not secure (http://, use https://): {0}": "http_link",
	"A link points to this computer, readers cannot open it: {0}": "local_link",
	"A link has no domain name: {0}": "no_domain",
}
