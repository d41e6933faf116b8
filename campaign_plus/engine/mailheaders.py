# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The headers of a campaign email, as plain text rules.

- ``List-Unsubscribe`` (RFC 2369): angle-bracketed URIs, the one-click ``https`` URL first, an
  optional ``mailto:`` after it; ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).
- ``Feedback-ID`` (Gmail's feedback loop): ``a:b:c:SenderId`` — campaign, step, account, then a
  sender identifier of 5 to 15 characters; only letters, digits, ``.``, ``_`` and ``-`` in each
  part, so that the colons stay the only separators.
- Extra headers from other capabilities: a name of printable ASCII without colon, a value on one
  line (no CR, LF or NUL: no header injection), never one of the headers the message is built
  with (From, To, Subject, MIME headers, …) nor the DKIM signature.
- Putting headers into a message's text, and keeping the header block of a queued message as it
  was queued: Frappe 15 parses and generates each message again at send time and refolds every
  header line longer than 78 characters, turning a long URL into RFC 2047 encoded words that no
  mail client reads as a URL (:func:`keep_queued_header_block`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlsplit

LIST_UNSUBSCRIBE = "List-Unsubscribe"
LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post"
ONE_CLICK = "List-Unsubscribe=One-Click"
FEEDBACK_ID = "Feedback-ID"

# Headers the message is built with: no capability may add or replace them.
PROTECTED = frozenset(
	name.lower()
	for name in (
		"From",
		"Sender",
		"Reply-To",
		"To",
		"Cc",
		"Bcc",
		"Subject",
		"Date",
		"Message-ID",
		"In-Reply-To",
		"References",
		"MIME-Version",
		"Content-Type",
		"Content-Transfer-Encoding",
		"Content-Disposition",
		"Return-Path",
		"Received",
		"DKIM-Signature",
	)
)
MAX_VALUE = 900  # a header line stays under RFC 5322's 998 characters
_NAME = re.compile(r"^[\x21-\x39\x3b-\x7e]+$")  # printable ASCII except ":"
_ID_PART = re.compile(r"[^A-Za-z0-9._-]+")
SENDER_ID_MIN, SENDER_ID_MAX = 5, 15
PART_MAX = 40


class HeaderError(ValueError):
	pass


# ---------------------------------------------------------------------------- list headers
def list_unsubscribe(https_url: str, mailto: str | None = None) -> str:
	"""The ``List-Unsubscribe`` value: ``<https://…>`` then, optionally, ``<mailto:…>``.

	A site served over plain ``http`` gives an ``http`` URL (mail clients then offer no one-click
	unsubscribe: Check Deliverability says so)."""
	parts = urlsplit(https_url)
	if parts.scheme not in ("https", "http") or not parts.netloc:
		raise HeaderError("the one-click unsubscribe URL must be an https URL")
	uris = [https_url] + ([mailto] if mailto else [])
	for uri in uris:
		if any(c in uri for c in "<>, \t\r\n\x00") or not uri.isascii():
			raise HeaderError(f"not a plain URI: {uri!r}")
	return ", ".join(f"<{uri}>" for uri in uris)


def mailto_uri(address: str, subject: str) -> str:
	"""``mailto:address?subject=…`` with the subject percent-encoded."""
	return f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"


def list_unsubscribe_uris(value: str) -> list[str]:
	"""The URIs of a ``List-Unsubscribe`` value, in order (whitespace inside brackets ignored,
	as RFC 2369 asks of readers)."""
	return ["".join(uri.split()) for uri in re.findall(r"<([^>]*)>", value or "")]


# ---------------------------------------------------------------------------- Feedback-ID
def id_part(text: object, max_length: int = PART_MAX) -> str:
	"""One part of a Feedback-ID: letters, digits, ``.``, ``_``, ``-`` (others become ``-``)."""
	cleaned = _ID_PART.sub("-", str(text or "").strip()).strip("-")
	return cleaned[:max_length].strip("-")


def sender_id(text: object) -> str:
	"""A Feedback-ID sender identifier from ``text``: 5 to 15 characters (padded, cut)."""
	cleaned = id_part(text, SENDER_ID_MAX).replace(".", "-")
	if len(cleaned) < SENDER_ID_MIN:
		cleaned = (cleaned + "-" if cleaned else "") + "cplus"
	return cleaned[:SENDER_ID_MAX].rstrip("-_.").ljust(SENDER_ID_MIN, "0")


def feedback_id(campaign: object, step: object, account: object, sender: object) -> str:
	"""``campaign:step:account:SenderId``, each part cleaned (see :func:`id_part`)."""
	return ":".join([id_part(campaign), id_part(step), id_part(account), sender_id(sender)])


# ---------------------------------------------------------------------------- extra headers
def check_header(name: object, value: object) -> str | None:
	"""Why ``name: value`` cannot be added to a campaign email, or None."""
	if not isinstance(name, str) or not _NAME.match(name):
		return "invalid header name"
	if name.lower() in PROTECTED:
		return "a header the message is built with"
	if not isinstance(value, str):
		return "the value is not text"
	if any(c in value for c in "\r\n\x00"):
		return "the value spans several lines"
	if not value.isascii():
		return "the value is not ASCII"
	if len(name) + len(value) + 2 > MAX_VALUE:
		return "the value is too long"
	return None


def merge_headers(
	groups: Iterable[Mapping[str, str]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
	"""(headers to add, [(name, why refused)]): the groups in order, one value per name (case
	insensitive) — the first group to give a name keeps it."""
	headers: list[tuple[str, str]] = []
	refused: list[tuple[str, str]] = []
	seen: set[str] = set()
	for group in groups:
		for name, value in (group or {}).items():
			reason = check_header(name, value)
			if reason is None and name.lower() in seen:
				reason = "given twice"
			if reason:
				refused.append((str(name), reason))
				continue
			seen.add(name.lower())
			headers.append((name, value.strip()))
	return headers, refused


# ---------------------------------------------------------------------------- message text
def linesep_of(message: str) -> str:
	head_end = message.find("\n")
	return "\r\n" if head_end > 0 and message[head_end - 1] == "\r" else "\n"


def header_lines(name: str, value: str, linesep: str) -> str:
	"""``name: value`` as text; a List-Unsubscribe with several URIs folded between them."""
	if name.lower() == LIST_UNSUBSCRIBE.lower():
		value = value.replace(">, <", f">,{linesep} <")
	return f"{name}: {value}"


def add_headers(message: str, headers: Iterable[tuple[str, str]]) -> str:
	"""``message`` with ``headers`` appended to its top-level header block."""
	headers = list(headers)
	if not headers:
		return message
	linesep = linesep_of(message)
	end = message.find(linesep * 2)
	if end < 0:
		raise HeaderError("the message has no body separator")
	lines = linesep.join(header_lines(name, value, linesep) for name, value in headers)
	return f"{message[:end]}{linesep}{lines}{message[end:]}"


def split_fields(head: str, linesep: str) -> list[str]:
	"""The header fields of a header block, each with its continuation lines."""
	fields: list[str] = []
	for line in head.split(linesep):
		if line[:1] in (" ", "\t") and fields:
			fields[-1] += linesep + line
		else:
			fields.append(line)
	return fields


def _name(field: str) -> str:
	return field.split(":", 1)[0].strip().lower()


def unfold(field: str) -> str:
	return " ".join(field.split())


def keep_queued_header_block(queued: str, built: str) -> str:
	"""``built`` (a message as the sending code made it from ``queued``) with each header field
	taken as it was queued, except those where a placeholder (``<!--…-->``) was filled in.

	Only a re-folding (or re-encoding) of the same fields is undone: when the two header blocks
	do not have the same fields in the same order, ``built`` is returned as it is."""
	q_sep, b_sep = linesep_of(queued), linesep_of(built)
	q_end, b_end = queued.find(q_sep * 2), built.find(b_sep * 2)
	if q_end < 0 or b_end < 0:
		return built
	q_fields = split_fields(queued[:q_end], q_sep)
	b_fields = split_fields(built[:b_end], b_sep)
	if len(q_fields) != len(b_fields) or any(
		_name(q) != _name(b) for q, b in zip(q_fields, b_fields, strict=True)
	):
		return built
	changed = False
	fields = []
	for q, b in zip(q_fields, b_fields, strict=True):
		if q != b and "<!--" not in q and unfold(q) != unfold(b):
			fields.append(q.replace(q_sep, b_sep) if q_sep != b_sep else q)
			changed = True
		else:
			fields.append(b)
	if not changed:
		return built
	return b_sep.join(fields) + built[b_end:]


def header_value(message: str, name: str) -> str | None:
	"""The unfolded value of the first ``name`` field of the message's top-level header block."""
	linesep = linesep_of(message)
	end = message.find(linesep * 2)
	head = message[: end if end >= 0 else len(message)]
	for field in split_fields(head, linesep):
		if _name(field) == name.lower():
			return unfold(field.split(":", 1)[1])
	return None


# ---------------------------------------------------------------------------- generating again
MAX_LINE_LENGTH = 78  # the SMTP policy folds header lines longer than this
_BOUNDARY = re.compile(r'boundary="?([^";\r\n]+)"?', re.IGNORECASE)


def as_generated(message: str, queued: str, fold) -> str | None:
	"""``message`` (``queued`` with its placeholders filled in) as parsing and generating it with
	Frappe's policy would give it, without parsing it — or None when that cannot be told so. The
	generator writes every line as it was (CRLF line ends), except the header fields with a line
	over 78 characters, which it folds (``fold(name, value)``, the policy's): those are folded
	here the same way, found by following the parts' boundaries. A whole field as queued whose
	value has no white space and does not fit on a line of its own is left as it is: folding can
	only encode it, and :func:`keep_queued_header_block` takes such a field back as queued. Only ASCII text with CRLF line ends
	qualifies. (Every message of a step has the same structure; the check against Frappe's own
	build on each chunk's first message covers what is not looked at here.)

	Only header blocks are read line by line: a part's body is copied whole up to the next
	boundary line, found with ``str.find`` (most of a message is body)."""
	if not message.isascii() or not message.endswith("\r\n"):
		return None
	line_ends = message.count("\r\n")
	if message.count("\n") != line_ends or message.count("\r") != line_ends:
		return None
	end = len(message)
	boundaries: set[str] = set()
	out: list[str] = []  # pieces of whole lines, joined by CRLF as the lines they hold
	pos = 0  # the start of a header block
	while True:
		if pos >= end:
			return None  # no body: leave it to the parser
		if message.startswith("\r\n", pos):
			head = []
			body = pos + 2
		else:
			blank = message.find("\r\n\r\n", pos)
			if blank < 0:
				return None  # no body: leave it to the parser
			head = message[pos:blank].split("\r\n")
			body = blank + 4
		if not _generated_head(head, queued, fold, boundaries, out):
			return None
		out.append("")  # the blank line
		after = _boundary_line_end(message, body, boundaries)
		if after < 0:  # the rest is body
			if body < end:
				out.append(message[body : end - 2])
			return "\r\n".join(out) + "\r\n"
		out.append(message[body:after])  # the body and the boundary line after it
		pos = after + 2  # a part's header block follows


def _boundary_line_end(message: str, start: int, boundaries: set[str]) -> int:
	"""Where the first line from ``start`` on that is a boundary line (``--`` and a boundary,
	white space after it allowed) ends; -1 when there is none. ``start``: a line's start."""
	if not boundaries:
		return -1
	at = start
	while True:
		if not message.startswith("--", at):
			found = message.find("\r\n--", at)
			if found < 0:
				return -1
			at = found + 2
		line_end = message.find("\r\n", at)
		if message[at:line_end].rstrip(" \t")[2:] in boundaries:
			return line_end
		at = line_end + 2


def _generated_head(lines: list[str], queued: str, fold, boundaries: set[str], out: list[str]) -> bool:
	"""A header block's lines as generated, added to ``out`` (the parts' boundaries it names
	added to ``boundaries``); False when it cannot be told without the parser."""
	i = 0
	while i < len(lines):
		field = [lines[i]]  # a header field and its continuation lines
		while i + len(field) < len(lines) and lines[i + len(field)][:1] in (" ", "\t"):
			field.append(lines[i + len(field)])
		i += len(field)
		name, colon, value = field[0].partition(":")
		if not colon or field[0][:1] in (" ", "\t"):
			return False
		if name.strip().lower() == "content-type":
			boundaries.update(m.strip() for m in _BOUNDARY.findall(" ".join(field)))
		if all(len(part) <= MAX_LINE_LENGTH for part in field):
			if field[0] != name + ": " + value.lstrip(" \t"):
				return False  # the generator writes "name: value" (one space): leave it to the parser
			out.extend(field)
			continue
		if (
			len(field) == 1
			and not any(c in value.strip(" \t") for c in " \t")
			and len(value.strip(" \t")) + 1 > MAX_LINE_LENGTH  # too long for a line of its own
			and f"\r\n{field[0]}\r\n" in queued
		):
			out.extend(field)  # taken back as queued by finish
			continue
		# the generator's own: the value as the compat32 parser reads it, folded by the policy
		raw = (value.lstrip(" \t") + "\r\n" + "".join(part + "\r\n" for part in field[1:])).rstrip("\r\n")
		out.extend(fold(name, raw).split("\r\n")[:-1])
	return True


_DIGIT = re.compile(r"[0-9]")


class ShapeFolds:
	"""``fold(name, value)`` remembered by the value's *shape* (every digit read as 0).

	Parts' boundaries are random digits (``===============4489181529152688372==``): each message
	of a step has a ``Content-Type`` line to fold that differs from the others' by its digits
	only, and folding the same shape with other digits gives the same text with those digits in
	the same places — digits are ordinary characters to the folder, and folding never reorders
	characters. A fold is remembered only when that holds for it: the digits of the folded text
	are the value's, in order, and nothing was encoded (an encoded word carries the digits in
	another form)."""

	MAX = 256

	def __init__(self, fold):
		self.fold = fold
		self.shapes: dict[tuple[str, str], str | None] = {}

	def __call__(self, name: str, value: str) -> str:
		digits = _DIGIT.findall(value)
		key = (name, _DIGIT.sub("0", value))
		template = self.shapes.get(key)
		if template is not None:
			filled = iter(digits)
			return _DIGIT.sub(lambda _m: next(filled), template)
		folded = self.fold(name, value)
		if key not in self.shapes:
			if len(self.shapes) >= self.MAX:
				self.shapes.clear()
			keep = "=?" not in folded and _DIGIT.findall(folded) == digits
			self.shapes[key] = _DIGIT.sub("0", folded) if keep else None
		return folded
