# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import string
from email.parser import Parser
from email.policy import SMTP

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from campaign_plus.engine import mailheaders as mh

token = st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=120)
anything = st.text(max_size=60)


def test_list_unsubscribe_puts_the_https_url_first_and_the_mailto_after():
	value = mh.list_unsubscribe(
		"https://erp.example.com/api/method/x?t=abc.def",
		mh.mailto_uri("box@example.com", "unsubscribe abc.def"),
	)
	assert value == (
		"<https://erp.example.com/api/method/x?t=abc.def>, "
		"<mailto:box@example.com?subject=unsubscribe%20abc.def>"
	)
	assert mh.list_unsubscribe_uris(value)[0].startswith("https://")
	assert mh.list_unsubscribe("https://a.example/u") == "<https://a.example/u>"


@pytest.mark.parametrize(
	"url",
	["ftp://a.example/u", "https:///nohost", "https://a.example/u v", "https://a.example/<x>", "mailto:x@y"],
)
def test_list_unsubscribe_refuses_what_is_no_plain_web_url(url):
	with pytest.raises(mh.HeaderError):
		mh.list_unsubscribe(url)


@given(token, token)
def test_list_unsubscribe_uris_round_trip(a, b):
	https, mailto = f"https://site.example/u?t={a}", mh.mailto_uri("box@site.example", f"unsubscribe {b}")
	assert mh.list_unsubscribe_uris(mh.list_unsubscribe(https, mailto)) == [https, mailto]


@given(anything, anything, anything, anything)
def test_feedback_id_has_four_clean_parts_and_a_valid_sender_id(campaign, step, account, sender):
	value = mh.feedback_id(campaign, step, account, sender)
	parts = value.split(":")
	assert len(parts) == 4
	assert all(set(part) <= set(string.ascii_letters + string.digits + "._-") for part in parts)
	assert mh.SENDER_ID_MIN <= len(parts[3]) <= mh.SENDER_ID_MAX
	assert value.isascii() and " " not in value


def test_feedback_id_keeps_readable_identifiers():
	assert mh.feedback_id("Spring Sale 2026", "step2", "Sales Mail", "erp.example.com") == (
		"Spring-Sale-2026:step2:Sales-Mail:erp-example-com"
	)


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=6), st.data())
def test_merged_headers_are_safe(group, data):
	second = data.draw(st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=4))
	headers, refused = mh.merge_headers([group, second])
	names = [name.lower() for name, _value in headers]
	assert len(names) == len(set(names))
	for name, value in headers:
		assert name.lower() not in mh.PROTECTED
		assert ":" not in name and name.isascii() and name.isprintable() and " " not in name
		assert "\r" not in value and "\n" not in value and value.isascii()
	assert len(headers) + len(refused) == len(group) + len(second)


def test_the_first_group_to_give_a_name_keeps_it_and_protected_headers_are_refused():
	headers, refused = mh.merge_headers(
		[{"X-Tag": "a", "From": "evil@example.com"}, {"x-tag": "b", "X-Other": "c\r\nBcc: x@y"}]
	)
	assert headers == [("X-Tag", "a")]
	assert {name for name, _why in refused} == {"From", "x-tag", "X-Other"}


MESSAGE = (
	'Content-Type: multipart/alternative; boundary="b"\r\nMIME-Version: 1.0\r\nFrom: a@example.com\r\n'
	"To: <!--recipient-->\r\nSubject: Hello\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n"
)


@given(token, token, st.sampled_from(["\r\n", "\n"]))
def test_added_headers_are_read_back(a, b, linesep):
	message = MESSAGE.replace("\r\n", linesep)
	url = f"https://site.example/u?t={a}"
	with_headers = mh.add_headers(
		message, [(mh.LIST_UNSUBSCRIBE, mh.list_unsubscribe(url, f"mailto:x@y?subject={b}")), ("X-B", b)]
	)
	assert mh.header_value(with_headers, "x-b") == b
	assert mh.list_unsubscribe_uris(mh.header_value(with_headers, mh.LIST_UNSUBSCRIBE)) == [
		url,
		f"mailto:x@y?subject={b}",
	]
	assert with_headers.endswith(message[message.index(linesep * 2) :])  # the body untouched
	assert mh.header_value(with_headers, "subject") == "Hello"


@given(token, token)
def test_frappes_refolding_is_undone_and_placeholders_stay_filled(a, b):
	"""Frappe 15 parses and generates each message again (the SMTP policy refolds long lines)."""
	url = f"https://erp.example-company.com/api/method/campaign_plus.optout.api.one_click?t={a}"
	queued = mh.add_headers(
		MESSAGE,
		[
			(
				mh.LIST_UNSUBSCRIBE,
				mh.list_unsubscribe(url, f"mailto:box@example.com?subject=unsubscribe%20{a}"),
			),
			(mh.LIST_UNSUBSCRIBE_POST, mh.ONE_CLICK),
			("X-Campaign-Plus-Send", b * 3),
		],
	)
	filled = queued.replace("<!--recipient-->", "someone@example.org")
	built = Parser(policy=SMTP).parsestr(filled).as_string()
	kept = mh.keep_queued_header_block(queued, built)
	assert mh.header_value(kept, mh.LIST_UNSUBSCRIBE) == mh.header_value(queued, mh.LIST_UNSUBSCRIBE)
	assert mh.header_value(kept, "X-Campaign-Plus-Send") == b * 3
	assert mh.header_value(kept, "to") == "someone@example.org"
	assert "=?utf-8?" not in kept
	assert kept[kept.index("\r\n\r\n") :] == built[built.index("\r\n\r\n") :]


def test_a_different_header_block_is_left_as_built():
	built = MESSAGE.replace("Subject: Hello\r\n", "")
	assert mh.keep_queued_header_block(MESSAGE, built) == built


# --- a message as generated again, without parsing it ---------------------------------------
def frappe_like_message(subject: str, to: str, url_token: str, text: str, extra: str) -> str:
	"""A message as Frappe queues it (its EMail: mixed > alternative > text + html, SMTP policy),
	with the campaign headers appended as the send batches append them."""
	from email.mime.multipart import MIMEMultipart
	from email.mime.text import MIMEText

	root = MIMEMultipart("mixed", policy=SMTP)
	alternative = MIMEMultipart("alternative", policy=SMTP)
	root.attach(alternative)
	alternative.attach(MIMEText(text, "plain", "utf-8", policy=SMTP))
	alternative.attach(MIMEText(f"<p>{text}</p><!--email_open_check-->", "html", "utf-8", policy=SMTP))
	root["Subject"] = subject
	root["From"] = "Shop <news@example.com>"
	root["To"] = "<!--recipient-->"
	root["X-Extra"] = extra
	queued = root.as_string(policy=SMTP)
	return mh.add_headers(
		queued,
		[
			("X-Campaign-Plus-Send", url_token[:40]),
			(
				mh.LIST_UNSUBSCRIBE,
				f"<https://erp.example.com/api/method/campaign_plus.optout.api.one_click?t={url_token}>",
			),
			(mh.LIST_UNSUBSCRIBE_POST, mh.ONE_CLICK),
		],
	)


@given(
	subject=st.text(alphabet=string.ascii_letters + " é✓", min_size=1, max_size=140),
	local=st.text(alphabet=string.ascii_lowercase + ".-", min_size=1, max_size=90),
	url_token=token,
	text=st.text(alphabet=string.printable + "éà", max_size=300),
	extra=st.text(alphabet=string.ascii_letters + " ;=", max_size=120),
)
@example(subject=" ", local="a", url_token="0", text="", extra="")  # "Subject:  ": generated with one space
def test_a_message_as_generated_is_what_parsing_and_generating_gives_once_finished(
	subject, local, url_token, text, extra
):
	"""Wherever it answers, the text is what Frappe's build (parse with the SMTP policy, generate)
	gives, once the header block is kept as queued (what is sent)."""
	queued = frappe_like_message(subject, "x", url_token, text, extra.strip() or "x")
	message = queued.replace("<!--recipient-->", f"{local.strip('.') or 'a'}@example.com").replace(
		"<!--email_open_check-->", '<img src="https://erp.example.com/p?t=1">'
	)
	mine = mh.as_generated(message, queued, SMTP.fold)
	theirs = Parser(policy=SMTP).parsestr(message).as_string()
	if mine is not None:
		assert mh.keep_queued_header_block(queued, mine) == mh.keep_queued_header_block(queued, theirs)


def test_a_plain_campaign_message_is_told_without_parsing():
	queued = frappe_like_message("Hello", "x", "t" * 90, "Dear you,\nour offer.", "x")
	message = queued.replace("<!--recipient-->", "a@example.com")
	mine = mh.as_generated(message, queued, SMTP.fold)
	assert mine is not None
	assert mh.keep_queued_header_block(queued, mine) == mh.keep_queued_header_block(
		queued, Parser(policy=SMTP).parsestr(message).as_string()
	)
	assert mh.as_generated(message.replace("\r\n", "\n"), queued, SMTP.fold) is None  # bare line ends
	assert mh.as_generated(message.replace("Hello", "Héllo"), queued, SMTP.fold) is None  # not ASCII


_LINE = st.one_of(
	st.text(string.ascii_letters + string.digits + " =:;-", max_size=90),
	st.sampled_from(
		["", "--", "--b1", "--b1  ", "--b1--", "--b2", "--b2\t", "--b3", "-- b1", " folded", "\tx"]
	),
)
_HEAD_LINE = st.one_of(
	st.sampled_from(
		[
			'Content-Type: multipart/mixed; boundary="b1"',
			"Content-Type: multipart/alternative;",
			' boundary="b2"',
			"Content-Type: text/plain",
			"Subject: " + "word " * 20,
			"X-Long: " + "y" * 90,
			"X-Long: " + "y" * 90 + " z",
			"no colon here",
			"Name:  two spaces",
		]
	),
	st.builds(lambda n, v: f"{n}: {v}", st.sampled_from(["To", "X-A", "Content-Type"]), _LINE),
)


@given(
	st.lists(
		st.tuples(st.lists(_HEAD_LINE, max_size=6), st.lists(_LINE, max_size=8)), min_size=1, max_size=5
	),
	st.booleans(),
)
def test_a_message_as_generated_reads_bodies_whole_as_it_read_them_line_by_line(parts, queued_same):
	"""Header blocks and bodies (lines that look like boundaries or not, white space after a
	boundary, closing delimiters, empty blocks): the same answer as reading every line."""
	lines = []
	for head, body in parts:
		lines += [*head, "", *body]
	message = "\r\n".join(lines) + "\r\n"
	queued = message if queued_same else "X-Long: " + "y" * 90 + "\r\n"
	assert mh.as_generated(message, queued, mh.ShapeFolds(SMTP.fold)) == line_by_line(
		message, queued, mh.ShapeFolds(SMTP.fold)
	)


def line_by_line(message: str, queued: str, fold) -> str | None:
	"""The line-by-line reading :func:`mh.as_generated` replaced (every body line looked at)."""
	if not message.isascii() or not message.endswith("\r\n"):
		return None
	if message.count("\n") != message.count("\r\n") or message.count("\r") != message.count("\r\n"):
		return None
	lines = message.split("\r\n")
	lines.pop()  # after the last CRLF
	boundaries: set[str] = set()
	out: list[str] = []
	in_head, i = True, 0
	while i < len(lines):
		line = lines[i]
		if not in_head:
			if line.startswith("--") and line.rstrip(" \t")[2:] in boundaries:
				in_head = True  # a part's header block follows
			out.append(line)
			i += 1
			continue
		if line == "":
			in_head = False
			out.append(line)
			i += 1
			continue
		field = [line]  # a header field and its continuation lines
		while i + len(field) < len(lines) and lines[i + len(field)][:1] in (" ", "\t"):
			field.append(lines[i + len(field)])
		i += len(field)
		name, colon, value = field[0].partition(":")
		if not colon or field[0][:1] in (" ", "\t"):
			return None
		if name.strip().lower() == "content-type":
			boundaries.update(m.strip() for m in mh._BOUNDARY.findall(" ".join(field)))
		if all(len(part) <= mh.MAX_LINE_LENGTH for part in field):
			if field[0] != name + ": " + value.lstrip(" \t"):
				return None  # the generator writes "name: value" (one space): leave it to the parser
			out.extend(field)
			continue
		if (
			len(field) == 1
			and not any(c in value.strip(" \t") for c in " \t")
			and len(value.strip(" \t")) + 1 > mh.MAX_LINE_LENGTH  # too long for a line of its own
			and f"\r\n{field[0]}\r\n" in queued
		):
			out.extend(field)  # taken back as queued by finish
			continue
		# the generator's own: the value as the compat32 parser reads it, folded by the policy
		raw = (value.lstrip(" \t") + "\r\n" + "".join(part + "\r\n" for part in field[1:])).rstrip("\r\n")
		out.extend(fold(name, raw).split("\r\n")[:-1])
	if in_head:
		return None  # no body: leave it to the parser
	return "\r\n".join(out) + "\r\n"


_HEADER_VALUE = st.one_of(
	st.builds(
		lambda kind, digits, extra: f'{kind}; boundary="===============' + digits + '==" ' + extra,
		st.sampled_from(["multipart/alternative", "multipart/mixed", "text/plain"]),
		st.text(string.digits, min_size=1, max_size=25),
		st.text(string.ascii_letters + string.digits + " =;-", max_size=40),
	),
	st.text(string.ascii_letters + string.digits + ' <>@.:;="-', max_size=160),
)


@given(
	st.lists(st.tuples(st.sampled_from(["Content-Type", "Subject", "X-Long"]), _HEADER_VALUE), max_size=12)
)
def test_folds_remembered_by_shape_are_the_policys_own(headers):
	folds = mh.ShapeFolds(SMTP.fold)
	for name, value in headers * 2:  # every shape folded once, then taken from memory
		assert folds(name, value) == SMTP.fold(name, value)


def test_each_messages_boundary_line_is_folded_once_per_shape():
	calls = []

	def fold(name, value):
		calls.append(value)
		return SMTP.fold(name, value)

	folds = mh.ShapeFolds(fold)
	for n in (4489181529152688372, 982046908488315887, 1055348602418456712, 3171346972865799043):
		value = f'multipart/alternative; boundary="==============={n}=="'
		assert folds("Content-Type", value) == SMTP.fold("Content-Type", value)
	assert len(calls) == 2  # the 19-digit shape once, the 18-digit one once
