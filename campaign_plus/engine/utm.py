# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""UTM parameters: links of campaign emails that credit the campaign, pages that carry them.

A tracked click on a link to one of the company's own domains is sent on with ``utm_source``,
``utm_medium`` (``email``), ``utm_campaign`` and ``utm_content`` (the step, and its A/B variant)
added — unless the link already has a UTM parameter: the marketer's own tagging wins, whole.
Other domains are never touched. A domain in the list covers its subdomains
(``example.com``: ``www.example.com``, ``shop.example.com``).

Pages (a form's page, the page a form is embedded in) carry UTM parameters in their query
string: :func:`page_utm` reads them, trimmed to what a record can keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from campaign_plus.engine.errors import RuleError, _

SOURCE = "utm_source"
MEDIUM = "utm_medium"
CAMPAIGN = "utm_campaign"
CONTENT = "utm_content"
TERM = "utm_term"
KEYS = (SOURCE, MEDIUM, CAMPAIGN, CONTENT)
ALL_KEYS = (*KEYS, TERM)
EMAIL_MEDIUM = "email"
DEFAULT_SOURCE = "campaign_plus"
MAX_VALUE = 140  # a Data field

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalize_domain(entry: str) -> str | None:
	"""``entry`` as a bare lower-case host name (scheme, port, path and a leading ``*.`` or ``.``
	dropped); None when it is not a host name."""
	text = (entry or "").strip().lower()
	if not text:
		return None
	if "://" in text:
		text = text.split("://", 1)[1]
	text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
	text = text.rsplit("@", 1)[-1]
	if text.startswith("["):  # an IPv6 literal: not a company domain
		return None
	text = text.split(":", 1)[0]
	text = text.removeprefix("*.").lstrip(".").rstrip(".")
	return text if _DOMAIN.match(text) else None


def parse_domains(text: str | None) -> list[str]:
	"""The domains of a list typed one per line (or separated by commas / spaces), validated."""
	domains = []
	for entry in re.split(r"[\s,;]+", text or ""):
		if not entry.strip():
			continue
		domain = normalize_domain(entry)
		if domain is None:
			raise RuleError(_("{0} is not a domain name."), entry.strip(), title=_("Invalid Domain"))
		if domain not in domains:
			domains.append(domain)
	return domains


def host_of(url: str) -> str | None:
	try:
		parts = urlsplit((url or "").strip())
		host = parts.hostname
	except ValueError:
		return None
	if parts.scheme.lower() not in ("http", "https") or not host:
		return None
	return host.lower().rstrip(".")


def is_own(url: str, domains: Iterable[str]) -> bool:
	"""Does ``url`` (http or https) go to one of ``domains`` (normalised) or a subdomain of one?"""
	host = host_of(url)
	if not host:
		return False
	return any(host == domain or host.endswith("." + domain) for domain in domains)


def has_utm(url: str) -> bool:
	"""Does the link carry a UTM parameter already (any of them, any case)?"""
	try:
		query = urlsplit(url).query
	except ValueError:
		return True  # unreadable: leave it alone
	return any(key.strip().lower().startswith("utm_") for key, _v in parse_qsl(query, keep_blank_values=True))


def content_label(step_idx: int | str | None, variant: str | None = None) -> str:
	"""``utm_content`` of a campaign email's link: ``step-2``, or ``step-2-B`` for a variant."""
	label = f"step-{int(step_idx or 0)}" if str(step_idx or "0").isdigit() else "step-0"
	variant = clean_value(variant)
	return f"{label}-{variant}" if variant else label


def campaign_parameters(
	campaign: str, step_idx: int | str | None, variant: str | None, source: str | None = None
) -> dict[str, str]:
	"""The parameters a campaign email's link gets, in their usual order."""
	return {
		SOURCE: clean_value(source) or DEFAULT_SOURCE,
		MEDIUM: EMAIL_MEDIUM,
		CAMPAIGN: clean_value(campaign) or "",
		CONTENT: content_label(step_idx, variant),
	}


def add_parameters(url: str, parameters: Mapping[str, str]) -> str:
	"""``url`` with ``parameters`` appended to its query (its own parameters and fragment kept
	exactly as they were)."""
	parts = urlsplit(url)
	extra = urlencode([(key, value) for key, value in parameters.items() if value])
	if not extra:
		return url
	query = f"{parts.query}&{extra}" if parts.query else extra
	return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def decorate(url: str, domains: Iterable[str], parameters: Mapping[str, str]) -> str:
	"""Where a tracked click goes: ``url`` with the campaign's UTM ``parameters`` when it points to
	one of the company's ``domains`` and has no UTM parameter yet; else ``url`` untouched."""
	domains = list(domains)
	if not domains or not is_own(url, domains) or has_utm(url):
		return url
	try:
		return add_parameters(url, parameters)
	except ValueError:
		return url


def clean_value(value: object, limit: int = MAX_VALUE) -> str | None:
	"""A UTM value fit to keep: text, control characters removed, spaces collapsed, at most
	``limit`` characters; None when empty."""
	if value is None or isinstance(value, bool):
		return None
	text = _CONTROL.sub("", str(value))
	text = " ".join(text.split())[:limit].strip()
	return text or None


def page_utm(*urls: str | None, values: Mapping[str, object] | None = None) -> dict[str, str]:
	"""The UTM values of a page: explicit ``values`` first, then each URL's query, first found wins."""
	found: dict[str, str] = {}
	for key in ALL_KEYS:
		value = clean_value((values or {}).get(key))
		if value:
			found[key] = value
	for url in urls:
		if not url:
			continue
		try:
			pairs = parse_qsl(urlsplit(str(url)).query, keep_blank_values=False)
		except ValueError:
			continue
		for key, value in pairs:
			key = key.strip().lower()
			if key in ALL_KEYS and key not in found:
				value = clean_value(value)
				if value:
					found[key] = value
	return found
