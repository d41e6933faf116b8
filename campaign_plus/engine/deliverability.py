# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Check Deliverability, as plain rules: what the sending domain's DNS records (SPF, DKIM,
DMARC), a step's rendered email and the day's volume say about reaching the inbox, each finding
with what to do about it.

The facts behind the rules (Gmail and Yahoo's sender rules of 2024, Outlook.com's of 2025,
RFC 7208 / 6376 / 7489 / 8058) are in the project's deliverability notes. Messages are written
for a marketer, untranslated (the Frappe edge translates them, ``{0}``-style arguments apart).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from campaign_plus.engine.errors import _

ERROR, WARNING, INFO, OK = "error", "warning", "info", "ok"
LEVELS = (ERROR, WARNING, INFO, OK)
GMAIL_CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" past this much HTML
BULK_THRESHOLD = 5000  # a day to Gmail: a bulk sender for good
MIN_KEY_BITS, GOOD_KEY_BITS = 1024, 2048

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_SELECTOR = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")

# Well-known mail services: the SPF include their customers publish.
PROVIDER_SPF = (
	("google.com", "include:_spf.google.com"),
	("gmail.com", "include:_spf.google.com"),
	("office365.com", "include:spf.protection.outlook.com"),
	("outlook.com", "include:spf.protection.outlook.com"),
	("sendgrid.net", "include:sendgrid.net"),
	("mailgun.org", "include:mailgun.org"),
	("amazonaws.com", "include:amazonses.com"),
	("mailjet.com", "include:spf.mailjet.com"),
	("brevo.com", "include:spf.brevo.com"),
	("sendinblue.com", "include:spf.brevo.com"),
	("postmarkapp.com", "include:spf.mtasv.net"),
	("ovh.net", "include:mx.ovh.com"),
	("zoho.com", "include:zoho.com"),
)


@dataclass(frozen=True)
class Finding:
	check: str  # a stable code: "spf.missing", "message.clipped", …
	level: str
	message: str  # untranslated, with {0}-style placeholders
	args: tuple = ()
	fix: str | None = None
	fix_args: tuple = ()
	step: str | None = None  # the step a message finding is about

	def with_step(self, step: str | None) -> Finding:
		return Finding(self.check, self.level, self.message, self.args, self.fix, self.fix_args, step)


def worst(findings: list[Finding]) -> str:
	levels = {finding.level for finding in findings}
	return next((level for level in LEVELS if level in levels), OK)


def has_errors(findings: list[Finding]) -> bool:
	return any(finding.level == ERROR for finding in findings)


# ---------------------------------------------------------------------------- names
def valid_domain(domain: str | None) -> bool:
	if not domain or len(domain) > 253 or "." not in domain:
		return False
	return all(_LABEL.match(label) for label in domain.lower().rstrip(".").split("."))


def valid_selector(selector: str | None) -> bool:
	return bool(selector) and all(_SELECTOR.match(part) for part in selector.split("."))


def domain_of(address: str | None) -> str | None:
	if not address or "@" not in address:
		return None
	domain = address.rsplit("@", 1)[1].strip().strip(">").lower().rstrip(".")
	return domain or None


def aligned(a: str | None, b: str | None, strict: bool = False) -> bool:
	"""DMARC identifier alignment: the same domain (strict), or one within the other (relaxed:
	organizational domains approximated without the public suffix list)."""
	if not a or not b:
		return False
	a, b = a.lower().rstrip("."), b.lower().rstrip(".")
	if strict:
		return a == b
	return a == b or a.endswith("." + b) or b.endswith("." + a)


def parse_tags(record: str) -> dict[str, str]:
	"""``k=v; k=v`` tag lists (DKIM, DMARC): lower-case names, values without white space."""
	tags = {}
	for part in record.split(";"):
		if "=" in part:
			name, value = part.split("=", 1)
			tags[name.strip().lower()] = "".join(value.split())
	return tags


# ---------------------------------------------------------------------------- SPF
def spf_mechanism_for(smtp_host: str | None) -> str:
	"""What an SPF record should contain to allow the mail server ``smtp_host``."""
	host = (smtp_host or "").lower().rstrip(".")
	for suffix, mechanism in PROVIDER_SPF:
		if host == suffix or host.endswith("." + suffix):
			return mechanism
	return f"a:{host}" if valid_domain(host) else "mx"


def judge_spf(domain: str, records: list[str] | None, smtp_host: str | None = None) -> list[Finding]:
	mechanism = spf_mechanism_for(smtp_host)
	suggestion = f"v=spf1 {mechanism} ~all"
	if records is None:
		return [
			Finding(
				"spf.unreadable", WARNING, _("The SPF record of {0} could not be read from DNS."), (domain,)
			)
		]
	spf = [r.strip() for r in records if r.strip().lower().startswith("v=spf1")]
	if not spf:
		return [
			Finding(
				"spf.missing",
				ERROR,
				_(
					"{0} publishes no SPF record: receivers cannot tell that your mail server may send for it."
				),
				(domain,),
				_("Publish a TXT record on {0}: {1}"),
				(domain, suggestion),
			)
		]
	if len(spf) > 1:
		return [
			Finding(
				"spf.several",
				ERROR,
				_("{0} publishes {1} SPF records: receivers treat that as an error."),
				(domain, len(spf)),
				_("Merge them into one TXT record on {0}, such as: {1}"),
				(domain, suggestion),
			)
		]
	record = spf[0]
	terms = record.lower().split()[1:]
	findings = []
	if "+all" in terms or "all" in terms:
		findings.append(
			Finding(
				"spf.open",
				ERROR,
				_("The SPF record of {0} lets anyone send for it (+all)."),
				(domain,),
				_("End the record with ~all or -all instead: {0}"),
				(suggestion,),
			)
		)
	elif not any(t.endswith("all") or t.startswith("redirect=") for t in terms):
		findings.append(
			Finding(
				"spf.no_all",
				WARNING,
				_("The SPF record of {0} does not say what to do with other servers (no ~all or -all)."),
				(domain,),
				_("End the record with ~all: {0}"),
				(suggestion,),
			)
		)
	if (
		mechanism.startswith("include:")
		and mechanism not in terms
		and not any(
			t.startswith(("include:", "redirect=")) and mechanism.split(":", 1)[1] in t for t in terms
		)
	):
		findings.append(
			Finding(
				"spf.server",
				WARNING,
				_("The SPF record of {0} does not include your mail service ({1})."),
				(domain, mechanism),
				_("Add {0} to the SPF record of {1}."),
				(mechanism, domain),
			)
		)
	if not findings:
		findings.append(Finding("spf.ok", OK, _("SPF record of {0}: {1}"), (domain, record)))
	return findings


# ---------------------------------------------------------------------------- DKIM
def judge_dkim(
	domain: str | None,
	selector: str | None,
	records: list[str] | None,
	expected_key: str | None = None,
	published_bits: int | None = None,
	account: str | None = None,
	expected_record: str | None = None,
) -> list[Finding]:
	"""``expected_key``: the ``p=`` of the account's own key (None: this site does not sign)."""
	if not domain or not selector:
		return [
			Finding(
				"dkim.not_signed",
				WARNING,
				_("Campaign emails sent through {0} are not signed with DKIM by this site."),
				(account or "",),
				_(
					"Turn on DKIM signing in the Email Account {0}, or make sure your mail server signs them "
					"for your domain, List-Unsubscribe and List-Unsubscribe-Post included."
				),
				(account or "",),
			)
		]
	name = f"{selector}._domainkey.{domain}"
	publish = expected_record or name
	if records is None:
		return [
			Finding("dkim.unreadable", WARNING, _("The DKIM record {0} could not be read from DNS."), (name,))
		]
	keys = [parse_tags(r) for r in records if "p=" in r.replace(" ", "")]
	if not keys:
		return [
			Finding(
				"dkim.missing",
				ERROR,
				_("No DKIM key is published at {0}: receivers cannot check the signature."),
				(name,),
				_("Publish this TXT record: {0}"),
				(publish,),
			)
		]
	tags = keys[0]
	if not tags.get("p"):
		return [
			Finding(
				"dkim.revoked",
				ERROR,
				_("The DKIM key at {0} is revoked (empty p=)."),
				(name,),
				_("Publish this TXT record: {0}"),
				(publish,),
			)
		]
	if tags.get("k", "rsa") != "rsa":
		return [Finding("dkim.key_type", WARNING, _("The DKIM key at {0} is not an RSA key."), (name,))]
	if expected_key and tags["p"] != expected_key:
		return [
			Finding(
				"dkim.mismatch",
				ERROR,
				_("The DKIM key published at {0} is not the key of the Email Account {1}: signatures fail."),
				(name, account or ""),
				_("Replace the TXT record with: {0}"),
				(publish,),
			)
		]
	if published_bits is not None and published_bits < MIN_KEY_BITS:
		return [
			Finding(
				"dkim.weak",
				ERROR,
				_("The DKIM key at {0} has {1} bits: mailbox providers need at least 1024."),
				(name, published_bits),
				_("Make a 2048-bit key and publish it."),
			)
		]
	if published_bits is not None and published_bits < GOOD_KEY_BITS:
		return [
			Finding(
				"dkim.short",
				WARNING,
				_("The DKIM key at {0} has {1} bits: 2048 are recommended."),
				(name, published_bits),
				_("Make a 2048-bit key and publish it."),
			)
		]
	return [Finding("dkim.ok", OK, _("DKIM key published at {0} matches the signing key."), (name,))]


# ---------------------------------------------------------------------------- DMARC
def dmarc_record(records: list[str] | None) -> list[str]:
	return [r.strip() for r in records or [] if r.strip().lower().replace(" ", "").startswith("v=dmarc1")]


def judge_dmarc(domain: str, found: list[tuple[str, list[str] | None]]) -> tuple[list[Finding], dict]:
	"""``found``: (name queried, its TXT records) — ``_dmarc.<domain>`` then the parent domains'.
	Returns the findings and the policy's tags ({} without a record)."""
	suggestion = f"v=DMARC1; p=none; rua=mailto:dmarc@{domain}"
	for name, records in found:
		if records is None:
			return [
				Finding(
					"dmarc.unreadable",
					WARNING,
					_("The DMARC record {0} could not be read from DNS."),
					(name,),
				)
			], {}
		dmarc = dmarc_record(records)
		if not dmarc:
			continue
		if len(dmarc) > 1:
			return [
				Finding(
					"dmarc.several",
					ERROR,
					_("{0} has {1} DMARC records: receivers ignore them all."),
					(name, len(dmarc)),
					_("Keep one TXT record on {0}, such as: {1}"),
					(name, suggestion),
				)
			], {}
		tags = parse_tags(dmarc[0])
		policy = tags.get("p", "").lower()
		if policy not in ("none", "quarantine", "reject"):
			return [
				Finding(
					"dmarc.invalid",
					ERROR,
					_("The DMARC record {0} has no valid policy (p=none, quarantine or reject)."),
					(name,),
					_("Publish on {0}: {1}"),
					(name, suggestion),
				)
			], tags
		if policy == "none":
			return [
				Finding(
					"dmarc.monitoring",
					INFO,
					_("DMARC record of {0}: p=none (reports only); enough for Gmail and Yahoo's rules."),
					(name,),
				)
			], tags
		return [Finding("dmarc.ok", OK, _("DMARC record of {0}: p={1}."), (name, policy))], tags
	return [
		Finding(
			"dmarc.missing",
			ERROR,
			_("{0} publishes no DMARC record: Gmail, Yahoo and Outlook.com require one from bulk senders."),
			(domain,),
			_("Publish a TXT record on _dmarc.{0}: {1}"),
			(domain, suggestion),
		)
	], {}


def judge_alignment(
	from_domain: str | None, dkim_domain: str | None, spf_domain: str | None, dmarc_tags: dict | None = None
) -> list[Finding]:
	tags = dmarc_tags or {}
	dkim_ok = aligned(from_domain, dkim_domain, strict=tags.get("adkim", "r").lower() == "s")
	spf_ok = aligned(from_domain, spf_domain, strict=tags.get("aspf", "r").lower() == "s")
	if dkim_ok or spf_ok:
		return [
			Finding(
				"alignment.ok",
				OK,
				_("The From domain {0} is aligned with the {1} domain."),
				(from_domain, "DKIM" if dkim_ok else "SPF"),
			)
		]
	return [
		Finding(
			"alignment.none",
			ERROR,
			_("The From domain {0} matches neither the DKIM domain ({1}) nor the sending domain ({2})."),
			(from_domain or "", dkim_domain or "-", spf_domain or "-"),
			_("Send from an address of {0}, or sign with DKIM for {0}."),
			(dkim_domain or spf_domain or from_domain or "",),
		)
	]


# ---------------------------------------------------------------------------- rendered message
class _Links(HTMLParser):
	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.links: list[str] = []
		self.images_without_alt = 0
		self.images = 0

	def handle_starttag(self, tag, attrs):
		values = dict(attrs)
		if tag == "a" and values.get("href"):
			self.links.append(values["href"].strip())
		elif tag == "img":
			self.images += 1
			if not (values.get("alt") or "").strip() and values.get("width") not in ("1", "0"):
				self.images_without_alt += 1


def links_and_images(html: str) -> tuple[list[str], int, int]:
	"""(link URLs, images, images without alt text — tracking pixels aside)."""
	parser = _Links()
	parser.feed(html or "")
	parser.close()
	return parser.links, parser.images, parser.images_without_alt


def _host_is_ip(url: str) -> bool:
	try:
		host = urlsplit(url).hostname
	except ValueError:
		return False
	if not host:
		return False
	try:
		ipaddress.ip_address(host)
		return True
	except ValueError:
		return False


@dataclass(frozen=True)
class RenderedMessage:
	step: str
	size: int  # bytes of the whole message
	html: str
	has_text: bool
	headers: dict = field(default_factory=dict)  # lower-case name: value
	unsubscribe_url: str | None = None  # what the body must link to
	site_url: str | None = None  # this site's links (tracking, unsubscribe) are judged apart


def judge_message(message: RenderedMessage) -> list[Finding]:
	findings = []
	html_size = len((message.html or "").encode("utf-8"))
	if html_size > GMAIL_CLIP_BYTES:
		findings.append(
			Finding(
				"message.clipped",
				ERROR,
				_(
					"The email is {0} KB of HTML: Gmail clips it after 102 KB, hiding the end (and the unsubscribe link)."
				),
				(round(html_size / 1024),),
				_("Shorten the template, or move long content to a web page and link to it."),
			)
		)
	if not message.has_text:
		findings.append(
			Finding(
				"message.no_text",
				WARNING,
				_("The email has no plain-text part."),
				(),
				_(
					"Send emails with a text version (campaign emails get one unless the template prevents it)."
				),
			)
		)
	unsubscribe = message.headers.get("list-unsubscribe")
	if not unsubscribe:
		findings.append(
			Finding(
				"message.no_list_unsubscribe",
				ERROR,
				_("The email has no List-Unsubscribe header: mail clients show no unsubscribe button."),
				(),
				_("Send campaign emails through Campaign Plus's scheduled steps, which add it."),
			)
		)
	elif not re.search(r"<https://", unsubscribe):
		findings.append(
			Finding(
				"message.no_https_unsubscribe",
				WARNING,
				_("The one-click unsubscribe URL is not https: Gmail and Yahoo do not offer it."),
				(),
				_("Serve this site over https (its URL in the site configuration, host_name)."),
			)
		)
	if (
		unsubscribe
		and (message.headers.get("list-unsubscribe-post") or "").strip() != "List-Unsubscribe=One-Click"
	):
		findings.append(
			Finding(
				"message.no_one_click",
				ERROR,
				_(
					"The email has no List-Unsubscribe-Post header: one-click unsubscribe (RFC 8058) is not offered."
				),
			)
		)
	links, images, without_alt = links_and_images(message.html)
	if message.unsubscribe_url and not any(message.unsubscribe_url in link for link in links):
		findings.append(
			Finding(
				"message.no_unsubscribe_link",
				ERROR,
				_("The body has no visible unsubscribe link."),
				(),
				_("Keep the footer with the unsubscribe link in the template."),
			)
		)
	if without_alt:
		findings.append(
			Finding(
				"message.image_alt",
				WARNING,
				_("{0} of {1} images have no alternative text (alt): readers with images off see nothing."),
				(without_alt, images),
				_("Give each image a short alt text."),
			)
		)
	own = (message.site_url or "\0").lower()
	plain = sorted(
		{link for link in links if link.lower().startswith("http://") and not link.lower().startswith(own)}
	)
	if plain:
		findings.append(
			Finding(
				"message.http_links",
				WARNING,
				_("{0} links are plain http, not https: {1}"),
				(len(plain), ", ".join(plain[:3])),
				_("Link to the https address of each page."),
			)
		)
	bare = sorted({link for link in links if _host_is_ip(link)})
	if bare:
		findings.append(
			Finding(
				"message.ip_links",
				ERROR,
				_("{0} links point to a bare IP address, a sign of spam to filters: {1}"),
				(len(bare), ", ".join(bare[:3])),
				_("Link to a domain name instead."),
			)
		)
	if not findings:
		findings.append(Finding("message.ok", OK, _("The email of this step has no problem found.")))
	return [finding.with_step(message.step) for finding in findings]


# ---------------------------------------------------------------------------- volume
def judge_volume(
	domain: str, last_24h: int, waiting: int = 0, threshold: int = BULK_THRESHOLD
) -> list[Finding]:
	"""Emails sent from ``domain`` in the last 24 hours (and waiting to go), against Gmail's
	bulk-sender threshold."""
	total = last_24h + waiting
	if total >= threshold:
		return [
			Finding(
				"volume.bulk",
				WARNING,
				_(
					"{0} emails from {1} in 24 hours (sent and waiting): over {2} a day, Gmail treats you as a "
					"bulk sender for good: SPF, DKIM, DMARC, one-click unsubscribe and a spam rate under 0.3 % are required."
				),
				(total, domain, threshold),
				_("Fix every error above before sending; spread large sends over several days."),
			)
		]
	return [
		Finding(
			"volume.ok",
			INFO,
			_("{0} emails from {1} in 24 hours (sent and waiting), under the bulk threshold of {2} a day."),
			(total, domain, threshold),
		)
	]
