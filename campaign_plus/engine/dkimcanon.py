# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""DKIM's *relaxed* header canonicalization (RFC 6376 §3.4.2) of a whole header block in one pass.

dkimpy parses a message's header block with a regular expression per line and canonicalizes each
field with three more; a campaign email's block is plain (CRLF line ends, ``name: value``
fields), which one split and one substitution per field canonicalize the same way: the name
lowercased, the value unfolded, each run of spaces and tabs made one space, spaces stripped at
both ends. A block that is not plain gives None (dkimpy's own parsing then).
"""

import re

_FIELDS = re.compile(rb"\r\n(?![ \t])")
_WSP = re.compile(rb"[\t ]+")
_NAME = re.compile(rb"^[\x21-\x39\x3b-\x7e]+$")


def relaxed(name: bytes, value: bytes) -> bytes:
	"""One field, canonicalized, with its CRLF: ``name:value\\r\\n``."""
	return name.lower().rstrip() + b":" + _WSP.sub(b" ", value.replace(b"\r\n", b"")).strip() + b"\r\n"


def relaxed_fields(head: bytes) -> dict[bytes, bytes] | None:
	"""{lowercased name: the canonical form of its last field} of a header block (without the
	blank line that ends it), or None when the block is not plain."""
	if b"\n" in head.replace(b"\r\n", b"") or b"\r" in head.replace(b"\r\n", b""):
		return None
	fields = {}
	for field in _FIELDS.split(head):
		name, colon, value = field.partition(b":")
		if not colon or not _NAME.match(name):
			return None
		fields[name.lower()] = relaxed(name, value)
	return fields
