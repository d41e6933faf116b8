# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A string literal escaped as the database driver escapes it (MySQL's escapes, one table)."""

import string

from hypothesis import example, given
from hypothesis import strategies as st

from campaign_plus.engine import sqltext

# MySQL's escapes as PyMySQL's converters write them, one character at a time
DRIVER = {
	0: "\\0",
	ord("\\"): "\\\\",
	ord("\n"): "\\n",
	ord("\r"): "\\r",
	26: "\\Z",
	ord('"'): '\\"',
	ord("'"): "\\'",
}

_TEXT = st.text(
	alphabet=st.one_of(
		st.sampled_from(["\0", "\\", "\n", "\r", "\032", '"', "'", "%", "é", "✓", "😀"]),
		st.sampled_from(string.printable),
		st.characters(),
	),
	max_size=400,
)


@given(_TEXT)
@example("\\'" * 40)  # a backslash before a quote, long: each escaped once
@example("x" * sqltext.SHORT)
@example("")
def test_text_is_escaped_as_the_driver_escapes_it_short_or_long(text):
	assert sqltext.escape_string(text) == text.translate(DRIVER)
	long = text * (sqltext.SHORT // max(len(text), 1) + 1)
	assert sqltext.escape_string(long) == long.translate(DRIVER)
