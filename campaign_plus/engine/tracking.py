# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Engagement tracking, as plain rules: which links of a campaign email are tracked, the open
pixel, what kind of reader a user agent is, what counts as a unique open or click, how a
delivery status notification (bounce) reads, and the engagement figures of a step.

- Tracked links: every ``href`` of an ``<a>`` whose URL is ``http(s)``, numbered from 0 in the
  order of the body, except the unsubscribe link (any URL mentioning "unsubscribe", Frappe's
  ``<!--unsubscribe_url-->`` placeholder) and ``mailto:``, ``tel:``, ``#anchors``, relative or
  templated links. A link carrying ``data-cp-no-track`` is left alone too.
- Unique counts: a message counts once as opened when it has an open or a click (a click
  proves the message was opened even when images were blocked), once as clicked when it has a
  click; repeated hits never add to unique counts. Hits from bots (link scanners, crawlers)
  are recorded but never counted.
- Bounces: a DSN's status ``5.x.x`` is hard (the address is refused for good), ``4.x.x`` soft.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from campaign_plus.engine.errors import RuleError, _

OPEN = "Open"
CLICK = "Click"
KINDS = (OPEN, CLICK)

# How a recipient is tracked, decided at send time (stored on the ledger row).
INDIVIDUAL = "Individual"  # the token names the ledger row: events and summary per recipient
AGGREGATE = "Aggregate"  # the token names only the step: counters per step, nothing per person
TRACKING_MODES = (INDIVIDUAL, AGGREGATE)

GRANTED, REFUSED, UNKNOWN = "Granted", "Refused", "Unknown"
CONSENT_VALUES = (GRANTED, REFUSED, UNKNOWN)

# User agent classes.
BOT, PROXY, MOBILE, DESKTOP, OTHER = "Bot", "Mail Proxy", "Mobile", "Desktop", "Other"
USER_AGENT_CLASSES = (DESKTOP, MOBILE, PROXY, BOT, OTHER)

HARD, SOFT = "Hard", "Soft"

NO_TRACK_ATTRIBUTE = "data-cp-no-track"
PIXEL_ATTRIBUTE = "data-cp-pixel"

_A_TAG = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""(\bhref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_PIXEL = re.compile(rf"<img\b[^>]*\b{PIXEL_ATTRIBUTE}\b[^>]*>", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_SPACE = re.compile(r"\s")


def tracking_mode(track: bool, consent_required: bool, consent: str | None) -> str | None:
	"""How a message is tracked: None (off), per person, or only in the step's aggregate figures."""
	if not track:
		return None
	if consent_required and (consent or UNKNOWN) != GRANTED:
		return AGGREGATE
	return INDIVIDUAL


def is_trackable(url: str) -> bool:
	"""An absolute http(s) URL that is neither an unsubscribe link nor already a tracked one."""
	url = url.strip()
	lowered = url.lower()
	if not lowered.startswith(("http://", "https://")):
		return False  # mailto:, tel:, #anchor, relative, {{ templated }}, javascript:, …
	if "unsubscribe" in lowered or "<!--" in lowered or "{{" in url or "{%" in url:
		return False
	return not _SPACE.search(url)


@dataclass(frozen=True)
class Link:
	index: int
	url: str  # as the reader's browser would follow it (HTML entities decoded)
	start: int  # where the href value starts in the body
	end: int  # and ends (quotes excluded)


def tracked_links(body: str) -> list[Link]:
	"""The links of ``body`` that are rewritten, in order, with their index and position."""
	links: list[Link] = []
	for tag in _A_TAG.finditer(body):
		text = tag.group(0)
		if NO_TRACK_ATTRIBUTE in text.lower():
			continue
		href = _HREF.search(text)
		if not href:
			continue
		group = next(g for g in (2, 3, 4) if href.group(g) is not None)
		url = html.unescape(href.group(group))
		if not is_trackable(url):
			continue
		links.append(
			Link(len(links), url.strip(), tag.start() + href.start(group), tag.start() + href.end(group))
		)
	return links


def pixel_tag(url: str) -> str:
	return (
		f'<img src="{html.escape(url, quote=True)}" width="1" height="1" alt="" {PIXEL_ATTRIBUTE}="1" '
		'style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">'
	)


def rewrite(
	body: str,
	click_url: Callable[[int], str] | None,
	pixel_url: str | None,
	links: list[Link] | None = None,
) -> tuple[str, list[str]]:
	"""``body`` with each tracked link replaced by ``click_url(index)`` and the open pixel added.

	Returns the new body and the original URLs by index (what a click on index i goes to).
	With neither clicks nor opens tracked, the body comes back untouched. ``links``: the body's
	:func:`tracked_links`, when the caller has them already.
	"""
	urls: list[str] = []
	if click_url is not None:
		parts, position = [], 0
		for link in tracked_links(body) if links is None else links:
			parts.append(body[position : link.start])
			parts.append(html.escape(click_url(link.index), quote=True))
			position = link.end
			urls.append(link.url)
		parts.append(body[position:])
		body = "".join(parts)
	if pixel_url is not None:
		pixel = pixel_tag(pixel_url)
		ends = list(_BODY_END.finditer(body))
		if ends:
			at = ends[-1].start()
			body = body[:at] + pixel + body[at:]
		else:
			body = body + pixel
	return body, urls


def rewrite_text(text: str, urls: list[str], click_urls: list[str]) -> str:
	"""The plain-text part made from the original body, its links replaced by their click URLs.

	Each link's URL is looked for after the previous one (the text keeps the body's order), so
	the same URL twice gets each its own click URL; a URL the text does not show is skipped.
	"""
	parts, position = [], 0
	for url, click in zip(urls, click_urls, strict=True):
		found = text.find(url, position)
		if found < 0:
			continue
		parts.append(text[position:found])
		parts.append(click)
		position = found + len(url)
	parts.append(text[position:])
	return "".join(parts)


def without_pixel(body: str) -> str:
	"""The body without its open pixel (for the plain-text part of the message)."""
	return _PIXEL.sub("", body)


def link_at(urls: Iterable[str], index: object) -> str | None:
	"""The URL of link ``index`` of a message, None when there is no such link."""
	urls = list(urls)
	if isinstance(index, str):
		index = int(index) if index.isdigit() and len(index) < 6 else None
	if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(urls):
		return None
	url = urls[index]
	return url if isinstance(url, str) and is_trackable(url) else None


# --- user agents ------------------------------------------------------------------------------

_BOT = re.compile(
	r"bot\b|bot/|crawler|spider|slurp|scanner|preview|curl/|wget/|python-|python/|httpclient|"
	r"java/|go-http|okhttp|libwww|headless|phantomjs|barracuda|proofpoint|mimecast|"
	r"symantec|trendmicro|forcepoint|safelinks|linkchecker|facebookexternalhit",
	re.IGNORECASE,
)
_PROXY = re.compile(r"googleimageproxy|yahoomailproxy|ggpht\.com|via ggpht|outlook-ios-proxy", re.I)
_MOBILE = re.compile(r"mobile|android|iphone|ipad|ipod|windows phone|blackberry", re.IGNORECASE)
_DESKTOP = re.compile(r"windows nt|macintosh|mac os x|x11|linux|cros|thunderbird|outlook", re.I)


def user_agent_class(user_agent: str | None) -> str:
	"""Desktop, Mobile, Mail Proxy (Gmail, Yahoo image proxies), Bot (scanners) or Other."""
	ua = (user_agent or "").strip()
	if not ua:
		return OTHER
	if _PROXY.search(ua):
		return PROXY
	if _BOT.search(ua):
		return BOT
	if _MOBILE.search(ua):
		return MOBILE
	if _DESKTOP.search(ua):
		return DESKTOP
	return OTHER


def counts(user_agent_class_: str) -> bool:
	"""Whether a hit counts in the figures (bots' hits are only recorded)."""
	return user_agent_class_ != BOT


# --- unique counts ----------------------------------------------------------------------------


@dataclass
class Summary:
	"""What a ledger row says of its message: hits and the first open / click."""

	opens: int = 0
	clicks: int = 0
	first_opened_on: object = None
	first_clicked_on: object = None

	@property
	def opened(self) -> bool:
		return bool(self.opens or self.clicks)

	@property
	def clicked(self) -> bool:
		return bool(self.clicks)


def record(summary: Summary, kind: str, moment, user_agent_class_: str) -> Summary:
	"""The summary after one hit (the database does the same in one UPDATE)."""
	if not counts(user_agent_class_):
		return summary
	if kind == OPEN:
		summary.opens += 1
		if summary.first_opened_on is None:
			summary.first_opened_on = moment
	elif kind == CLICK:
		summary.clicks += 1
		if summary.first_clicked_on is None:
			summary.first_clicked_on = moment
	return summary


def unique_counts(summaries: Iterable[Summary]) -> tuple[int, int]:
	"""(messages opened, messages clicked): each message once, however many hits."""
	opened = clicked = 0
	for summary in summaries:
		opened += summary.opened
		clicked += summary.clicked
	return opened, clicked


# --- bounces ----------------------------------------------------------------------------------

_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_SMTP_CODE = re.compile(r"(?<!\d)([45])\d\d(?=[\s-])")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_BOUNCE_SUBJECT = re.compile(
	r"undeliver|delivery status notification|delivery failure|failure notice|returned mail|"
	r"mail delivery (failed|system)|non remis|non distribu|échec de (la )?remise|"
	r"could not be delivered|delivery has failed|unzustellbar",
	re.IGNORECASE,
)


def bounce_type(status: str | None) -> str | None:
	"""Hard for a permanent failure (5.x.x), Soft for a transient one (4.x.x), else None."""
	match = _STATUS.search(status or "")
	if not match:
		return None
	return {"5": HARD, "4": SOFT}.get(match.group(1))


def enhanced_status(text: str | None) -> str | None:
	"""The enhanced status code (RFC 3463, ``5.1.1``) in an SMTP reply or diagnostic, if any."""
	match = _STATUS.search(text or "")
	return match.group(0) if match else None


@dataclass
class Bounce:
	"""One failed recipient of a delivery status notification."""

	recipient: str | None
	status: str
	kind: str  # HARD or SOFT
	diagnostic: str = ""
	original_message_id: str | None = None


@dataclass
class BounceReport:
	original_message_id: str | None = None
	bounces: list[Bounce] = field(default_factory=list)


def _address(value: str | None) -> str | None:
	if not value:
		return None
	# "rfc822; someone@example.com"
	value = value.split(";", 1)[-1]
	match = _ADDRESS.search(value)
	return match.group(0).strip().lower() if match else None


def _message_id(value: str | None) -> str | None:
	value = (value or "").strip()
	if not value:
		return None
	return value.strip().strip("<>").strip() or None


def is_bounce_message(message: email.message.Message) -> bool:
	"""A delivery status notification: multipart/report of delivery-status, or a mailer-daemon's."""
	if (
		message.get_content_type() == "multipart/report"
		and (message.get_param("report-type") or "").lower() == "delivery-status"
	):
		return True
	sender = (message.get("From") or "").lower()
	return ("mailer-daemon" in sender or "postmaster" in sender) and bool(
		_BOUNCE_SUBJECT.search(message.get("Subject") or "")
	)


def _original_headers(message: email.message.Message) -> email.message.Message | None:
	for part in message.walk():
		content_type = part.get_content_type()
		if content_type == "message/rfc822":
			payload = part.get_payload()
			if isinstance(payload, list) and payload:
				return payload[0]
		elif content_type == "text/rfc822-headers":
			raw = part.get_payload(decode=True) or b""
			return email.message_from_bytes(raw, policy=email.policy.compat32)
	return None


def parse_bounce(raw: bytes | str | email.message.Message) -> BounceReport | None:
	"""The failed recipients of a DSN (RFC 3464), or None when the message is not a bounce.

	The per-recipient blocks of ``message/delivery-status`` give each address, its action and
	status; the returned original (``message/rfc822`` or ``text/rfc822-headers``) gives the
	original Message-ID. A bounce without a machine-readable part (some mail servers) is read
	from its text: the first status code (or SMTP reply code) and the addresses it names.
	"""
	if isinstance(raw, email.message.Message):
		message = raw
	elif isinstance(raw, bytes):
		message = email.message_from_bytes(raw, policy=email.policy.compat32)
	else:
		message = email.message_from_string(raw, policy=email.policy.compat32)
	if not is_bounce_message(message):
		return None
	original = _original_headers(message)
	report = BounceReport(original_message_id=_message_id(original.get("Message-ID")) if original else None)
	original_to = _address(original.get("To")) if original else None
	for part in message.walk():
		if part.get_content_type() != "message/delivery-status":
			continue
		blocks = part.get_payload()
		if not isinstance(blocks, list):
			continue
		for block in blocks[1:] if len(blocks) > 1 else blocks:
			action = (block.get("Action") or "").strip().lower()
			status = (block.get("Status") or "").strip()
			kind = bounce_type(status)
			if action == "delayed":
				kind, status = SOFT, status or "4.0.0"
			if action in ("delivered", "relayed", "expanded") or not kind:
				continue
			report.bounces.append(
				Bounce(
					recipient=_address(block.get("Final-Recipient"))
					or _address(block.get("Original-Recipient")),
					status=_STATUS.search(status).group(0) if _STATUS.search(status) else status,
					kind=kind,
					diagnostic=" ".join((block.get("Diagnostic-Code") or "").split())[:1000],
					original_message_id=report.original_message_id,
				)
			)
	if not report.bounces:
		text = _text_of(message)
		status = _STATUS.search(text)
		if status:
			code, kind = status.group(0), bounce_type(status.group(0))
		else:
			smtp = _SMTP_CODE.search(text)
			if not smtp:
				return report
			kind = HARD if smtp.group(1) == "5" else SOFT
			code = f"{smtp.group(1)}.0.0"
		recipients = _addresses_in(text) or ([original_to] if original_to else [None])
		report.bounces = [
			Bounce(recipient, code, kind, " ".join(text.split())[:1000], report.original_message_id)
			for recipient in recipients
		]
	return report


def _text_of(message: email.message.Message) -> str:
	texts = []
	for part in message.walk():
		if part.get_content_type() in ("text/plain", "text/html") and not part.get_filename():
			payload = part.get_payload(decode=True)
			if isinstance(payload, bytes):
				texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
		if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
			break  # the original message's own text is not the report
	return re.sub(r"<[^>]+>", " ", "\n".join(texts))


def _addresses_in(text: str) -> list[str]:
	seen: list[str] = []
	for match in _ADDRESS.finditer(text):
		address = match.group(0).lower().rstrip(".")
		if address not in seen and not address.startswith(("mailer-daemon@", "postmaster@")):
			seen.append(address)
	return seen[:10]


# --- figures ----------------------------------------------------------------------------------


def ratio(numerator: float, denominator: float) -> float | None:
	"""A percentage, capped at 100 (aggregate hits can exceed the messages); None without base."""
	return None if not denominator else round(min(numerator / denominator, 1) * 100, 2)


@dataclass(frozen=True)
class StepFigures:
	"""What the database counts for one step (or a whole campaign)."""

	sent: int = 0  # messages that left (Sent, or Bounced after leaving)
	hard_bounces: int = 0  # messages bounced for good (rows Bounced)
	soft_bounces: int = 0  # messages with a temporary bounce
	unique_opens: int = 0  # messages opened (individually tracked)
	unique_clicks: int = 0  # messages clicked (individually tracked)
	opens: int = 0  # open hits, individual
	clicks: int = 0  # click hits, individual
	aggregate_opens: int = 0  # open hits of recipients tracked only in aggregate
	aggregate_clicks: int = 0  # click hits, likewise
	unsubscribes: int = 0
	replies: int = 0
	complaints: int = 0  # messages their recipient marked as spam (rows Complained)

	def __add__(self, other: StepFigures) -> StepFigures:
		return StepFigures(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))


def _values(figures: StepFigures) -> tuple[int, ...]:
	return tuple(getattr(figures, name) for name in StepFigures.__dataclass_fields__)


@dataclass(frozen=True)
class Engagement:
	figures: StepFigures
	delivered: int
	open_rate: float | None
	click_rate: float | None
	click_to_open_rate: float | None
	bounce_rate: float | None
	unsubscribe_rate: float | None
	reply_rate: float | None
	complaint_rate: float | None = None  # complaints over delivered (Gmail's spam rate)


def engagement(figures: StepFigures) -> Engagement:
	"""Delivered = sent less hard bounces; rates over delivered (bounces over sent).

	Recipients tracked only in aggregate cannot be told apart: their hits are added to the
	unique figures as they are (the rates stay at most 100 %).
	"""
	delivered = max(figures.sent - figures.hard_bounces, 0)
	opened = figures.unique_opens + figures.aggregate_opens
	clicked = figures.unique_clicks + figures.aggregate_clicks
	return Engagement(
		figures,
		delivered=delivered,
		open_rate=ratio(opened, delivered),
		click_rate=ratio(clicked, delivered),
		click_to_open_rate=ratio(clicked, opened),
		bounce_rate=ratio(figures.hard_bounces + figures.soft_bounces, figures.sent),
		unsubscribe_rate=ratio(figures.unsubscribes, delivered),
		reply_rate=ratio(figures.replies, delivered),
		complaint_rate=ratio(figures.complaints, delivered),
	)


def attribute_to_steps(
	sends: Iterable[tuple[str, str, object]], events: Iterable[tuple[str, object]]
) -> dict[str, int]:
	"""Per step, how many of ``events`` (email, moment) followed one of its ``sends``.

	``sends`` are (step, email, sent on). An event (an unsubscribe, a reply) goes to the last
	step sent to that address at or before its moment, or to the first one when it came earlier.
	"""
	by_email: dict[str, list[tuple[object, str]]] = {}
	for step, address, moment in sends:
		if address and moment is not None:
			by_email.setdefault(address.strip().lower(), []).append((moment, step))
	result: dict[str, int] = {}
	for address, moment in events:
		steps = sorted(by_email.get((address or "").strip().lower(), []), key=lambda item: item[0])
		if not steps:
			continue
		chosen = steps[0][1]
		for sent_on, step in steps:
			if moment is not None and sent_on <= moment:
				chosen = step
		result[chosen] = result.get(chosen, 0) + 1
	return result


# --- where the tracking links point ---------------------------------------------------------------

_HOST = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$")


def tracking_base(value: str | None) -> str | None:
	"""The address of a tracking server as the pixel and tracked links are made with it
	(``https://host`` or ``http://host:port``, lower case, no trailing slash); None when empty.
	Only a scheme (http or https), a host name and a port: no user, path, query or fragment (the
	tracking paths are the app's own)."""
	text = (value or "").strip()
	if not text:
		return None
	invalid = RuleError(
		_("{0} is not a tracking address: https:// and a host name (and a port), nothing after it."),
		text,
		title=_("Invalid Tracking URL"),
	)
	try:
		parts = urlsplit(text)
		port = parts.port
	except ValueError:
		raise invalid from None
	host = (parts.hostname or "").rstrip(".")
	if (
		parts.scheme.lower() not in ("http", "https")
		or not _HOST.match(host)
		or parts.username is not None
		or parts.password is not None
		or parts.path not in ("", "/")
		or parts.query
		or parts.fragment
		or "#" in text
		or "?" in text
	):
		raise invalid
	return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port is not None else "")
