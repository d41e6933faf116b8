# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The compiled email made smaller without changing what any mail client shows.

MRML's output, as MJML's own compiler leaves it before its optional minifying, carries bytes
that no client reads; each message repeats them for every recipient (and its quoted-printable
encoding grows them further). Taken out here:

- Outlook's conditional comments that end just where the next begins, ``<![endif]--><!--[if mso
  | IE]>``, are joined into one (what MJML's ``mergeOutlookConditionnals`` does): the HTML an
  Outlook reads is the same, the comments stay;
- in the head, the white space between tags and inside the style sheets (indentation, spaces
  around ``{ } ; ,`` and after a declaration's ``:``), the XML of Outlook's
  ``OfficeDocumentSettings`` included;
- the style sheet MJML adds for ``mj-full-width-mobile`` elements when the email has none.

Kept, byte for byte: the body (its inline styles, tables and texts), every conditional comment's
content, the media queries (the columns' widths, mobile, dark mode).
"""

from __future__ import annotations

import re

_MERGE_MSO = re.compile(r"<!\[endif\]-->\s*<!--\[if mso \| IE\]>")
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.DOTALL | re.IGNORECASE)
_BETWEEN_TAGS = re.compile(r">\s+<")
_SPACES = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,])\s*")
_DECLARATIONS = re.compile(r"\{[^{}]*\}")
_AFTER_COLON = re.compile(r"\s*:\s*")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# style sheets only for elements of these classes, dropped when no element has the class
_ONLY_FOR_CLASS = ("mj-full-width-mobile",)


def minify_css(css: str) -> str:
	"""A style sheet without comments and with no white space but what separates words."""
	css = _CSS_COMMENT.sub("", css)
	css = _SPACES.sub(" ", css)
	css = _AROUND.sub(r"\1", css)
	# in declarations only (a media query's ``(prefers-color-scheme: dark)`` is left as written)
	css = _DECLARATIONS.sub(lambda m: _AFTER_COLON.sub(":", m.group(0)), css)
	return css.replace(";}", "}").strip()


def _head(head: str, body: str) -> str:
	def style(match: re.Match) -> str:
		css = minify_css(match.group(2))
		if not css:
			return ""
		for name in _ONLY_FOR_CLASS:
			if name in css and name not in body and not _without_class(css, name):
				return ""
		return f"{match.group(1)}{css}{match.group(3)}"

	head = _STYLE.sub(style, head)
	return _BETWEEN_TAGS.sub("><", head)


def _without_class(css: str, name: str) -> str:
	"""What is left of ``css`` once the rules naming class ``name`` (and empty at-rules) go."""
	css = re.sub(r"[^{}]*\." + re.escape(name) + r"\b[^{}]*\{[^{}]*\}", "", css)
	return re.sub(r"@media[^{}]*\{\}", "", css)


def compact(document: str) -> str:
	"""The email HTML, smaller, showing the same in every client (see the module's docstring)."""
	document = _MERGE_MSO.sub("", document)
	at = document.lower().find("<body")
	if at < 0:
		return document
	head, body = document[:at], document[at:]
	return _head(head, body) + body
