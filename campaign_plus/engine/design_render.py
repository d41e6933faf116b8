# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A compiled design filled in per recipient: joining strings, nothing parsed again.

The compiled HTML and text (:mod:`campaign_plus.engine.design_mjml` through MJML and the CSS
inliner) are cut at their slot markers once: a :class:`Template` is the static pieces and,
between them, which slot goes there. Filling it joins the pieces with the recipient's values.
The HTML's pieces are also kept quoted-printable encoded (:meth:`Template.encoded`), each ended
by a soft line break, so a message's HTML part is the encoded pieces and the few encoded values:
the same decoded text as encoding the whole, without encoding 30 KB per recipient.

Values are escaped by kind: a personalisation field, a click or pixel URL are HTML-escaped in
the HTML; the unsubscribe link goes in as it is (Frappe's ``<!--unsubscribe_url-->`` placeholder,
filled at send time); prices come ready, for the HTML and for the text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import asdict, dataclass, field
from email import quoprimime

from campaign_plus.engine import tracking
from campaign_plus.engine.design_compact import compact
from campaign_plus.engine.design_mjml import (
	FIELD,
	PRICE,
	PRICE_TEXT,
	UNSUBSCRIBE,
	Inputs,
	Slot,
	build,
	link_css,
	marker_pattern,
)

CLICK, PIXEL = "click", "pixel"
# The compiler's own version, part of every compile's nonce (and so of its cache keys): raised when
# the same design compiles to other HTML, so that no email built by an older compiler is reused.
COMPILER = 2
_HTML_ESCAPED = frozenset({FIELD, CLICK, PIXEL})


def qp(text: str, linesep: str = "\n", maxlinelen: int = 76) -> str:
	"""Quoted-printable, as the email package encodes a utf-8 MIMEText body."""
	return quoprimime.body_encode(text.encode("utf-8").decode("latin-1"), maxlinelen, linesep)


def _soft(text: str, linesep: str) -> str:
	"""``text`` encoded and ended by a soft line break (the next piece starts a new line); no line
	over 76 characters (RFC 2045) with the break's ``=``."""
	if not text:
		return ""
	encoded = qp(text, linesep)
	if len(encoded.rsplit(linesep, 1)[-1]) >= 76:
		encoded = qp(text, linesep, maxlinelen=75)  # a full last line: room for the "="
	return f"{encoded}={linesep}"


@dataclass
class Template:
	"""Static ``pieces`` with ``gaps`` between them: ``pieces[0] + value(gaps[0]) + pieces[1] …``."""

	pieces: list[str]
	gaps: list[int]
	_encoded: dict = field(default_factory=dict, repr=False, compare=False)

	@classmethod
	def cut(cls, text: str, pattern: re.Pattern) -> Template:
		pieces, gaps, position = [], [], 0
		for match in pattern.finditer(text):
			pieces.append(text[position : match.start()])
			gaps.append(int(match.group(1)))
			position = match.end()
		pieces.append(text[position:])
		return cls(pieces, gaps)

	def fill(self, values: list[str]) -> str:
		pieces, gaps = self.pieces, self.gaps
		out = [pieces[0]]
		for number, gap in enumerate(gaps, start=1):
			out.append(values[gap])
			out.append(pieces[number])
		return "".join(out)

	def encoded(self, values: list[str], linesep: str = "\n") -> str:
		"""The quoted-printable encoding of :meth:`fill` (soft line breaks between the pieces)."""
		if linesep not in self._encoded:
			self._encoded[linesep] = [_soft(piece, linesep) for piece in self.pieces]
		pieces = self._encoded[linesep]
		out = [pieces[0]]
		for number, gap in enumerate(self.gaps, start=1):
			out.append(_soft(values[gap], linesep))
			out.append(pieces[number])
		return "".join(out)

	def retarget(self, mapping: dict[int, int]) -> Template:
		return Template(list(self.pieces), [mapping.get(gap, gap) for gap in self.gaps])


@dataclass
class Compiled:
	"""A design compiled once: its HTML and text with slots, and what each slot is."""

	html: str  # with markers
	text: str  # with markers
	slots: list[Slot]
	nonce: str

	def __post_init__(self):
		pattern = marker_pattern(self.nonce)
		self.html_template = Template.cut(self.html, pattern)
		self.text_template = Template.cut(self.text, pattern)

	def values(self, fields: dict, prices: dict, target: bool, unsubscribe: str, tracked: dict | None = None):
		"""(HTML values, text values) by slot for one recipient.

		``fields``: personalisation values; ``prices``: item → {"list": (html, text), "campaign":
		(html, text) or None}; ``target``: the recipient pays the campaign price;
		``tracked``: {(CLICK, index): url, (PIXEL, ""): url}."""
		html_values, text_values = [], []
		for slot in self.slots:
			kind = slot.kind
			if kind == FIELD:
				value = str(fields.get(slot.key) or "").strip() or slot.fallback
				html_values.append(html.escape(value, quote=True))
				text_values.append(value)
			elif kind in (PRICE, PRICE_TEXT):
				price = prices.get(slot.key) or {}
				chosen = (price.get("campaign") if target else None) or price.get("list") or ("", "")
				value = chosen[0] if kind == PRICE else chosen[1]
				html_values.append(value)
				text_values.append(value)
			elif kind == UNSUBSCRIBE:
				html_values.append(unsubscribe)
				text_values.append(unsubscribe)
			elif kind in (CLICK, PIXEL):
				url = (tracked or {}).get((kind, slot.key), "")
				html_values.append(html.escape(url, quote=True))
				text_values.append(url)
			else:
				raise AssertionError(kind)
		return html_values, text_values


def tracked(compiled: Compiled, opens: bool, clicks: bool) -> tuple[Compiled, list[str]]:
	"""``compiled`` with a slot for each tracked link (the same links
	:func:`campaign_plus.engine.tracking.tracked_links` finds in any campaign email) and one for the
	open pixel, in the HTML and in the text; and the links' URLs by number."""
	slots = list(compiled.slots)

	def marker(slot: Slot) -> str:
		slots.append(slot)
		return f"cpslot{compiled.nonce}n{len(slots) - 1}z"

	click_markers: list[str] = []

	def click(index: int) -> str:
		click_markers.append(marker(Slot(CLICK, str(index))))
		return click_markers[-1]

	html_text, urls = tracking.rewrite(
		compiled.html, click if clicks else None, marker(Slot(PIXEL)) if opens else None
	)
	text = tracking.rewrite_text(compiled.text, urls, click_markers) if urls else compiled.text
	return Compiled(html_text, text, slots, compiled.nonce), urls


def nonce_for(design: dict, inputs: Inputs) -> str:
	"""A marker nonce that changes with the compile input (no design text can hold its markers:
	a text that did would give another nonce)."""
	data = json.dumps([COMPILER, design, asdict(inputs)], sort_keys=True, default=str, ensure_ascii=False)
	return hashlib.sha256(data.encode()).hexdigest()[:10]


def compile_design(design: dict, inputs: Inputs) -> Compiled:
	"""A normalised design as email HTML (MJML through MRML, then the rich text's CSS inlined by
	css-inline; Outlook's conditional comments kept; made smaller by
	:func:`campaign_plus.engine.design_compact.compact`) and plain text, with its slots."""
	import css_inline
	import mjml

	nonce = nonce_for(design, inputs)
	built = build(design, inputs, nonce)
	compiled_html = mjml.mjml2html(built.mjml, fonts={})
	inliner = css_inline.CSSInliner(
		inline_style_tags=False,
		keep_style_tags=True,
		load_remote_stylesheets=False,
		extra_css=link_css(inputs.brand),
	)
	compiled_html = compact(inliner.inline(compiled_html))
	return Compiled(compiled_html, built.text, list(built.slots), nonce)


def message_size(html_text: str) -> int:
	"""The HTML's size in bytes, as Gmail counts it for clipping (the decoded HTML part)."""
	return len(html_text.encode("utf-8"))


GMAIL_CLIP_BYTES = 102 * 1024
