# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send time: the open pixel and tracked links of each campaign email (the engine decides which).

One :class:`BatchTracker` per send batch reads the switches once (Campaign Plus Settings, the
campaign's "Track Opens" / "Track Clicks") and the recipients' tracking consent from the party
documents the sender loaded already. Each message gets signed tokens (the site's secret,
:mod:`campaign_plus.utils.signing`): for a recipient tracked individually they name the ledger
row; for one tracked only in aggregate (consent required and not granted) they name the step
alone. A click token names the message's link set — the URLs of its links, stored once per
distinct set in **Campaign Link Set** — and the link's number, never the URL itself.

A test email (``BatchTracker(..., test=True)``) is tracked as its campaign's emails are, so that
it reads the same, but its tokens name only the campaign (kind :data:`TEST`): its pixel shows and
its links lead to their pages, and the hit recording writes nothing for them
(:mod:`campaign_plus.tracking.hits`).
"""

import hashlib
import json
from urllib.parse import quote

import frappe
from frappe.core.utils import html2text
from frappe.query_builder import DocType
from frappe.utils import cint, create_batch, get_url

from campaign_plus.engine import tracking
from campaign_plus.utils.db import STANDARD_COLUMNS, standard_values
from campaign_plus.utils.signing import signer

LEDGER = "Campaign Send Log"
LINK_SET = "Campaign Link Set"
OPEN_PURPOSE = "campaign_plus:open"
CLICK_PURPOSE = "campaign_plus:click"
OPEN_METHOD = "/api/method/campaign_plus.tracking.api.open"
CLICK_METHOD = "/api/method/campaign_plus.tracking.api.click"
# Token kinds: the first field says what the rest name (TEST: a test email, never counted).
ROW, STEP, TEST = "r", "s", "t"


def tracking_settings() -> tuple[bool, bool]:
	"""(tracking enabled site-wide, consent required for individual tracking)."""
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	enabled = values.get("enable_tracking")
	return (True if enabled in (None, "") else bool(cint(enabled))), bool(
		cint(values.get("require_tracking_consent"))
	)


def tracking_address() -> str:
	"""Where the pixel and tracked links point: the settings' Tracking URL (the app's tracking
	server, :mod:`campaign_plus.tracking.server`), else this site's own address."""
	return frappe.db.get_single_value("Campaign Plus Settings", "tracking_url") or get_url()


def link_set_name(campaign: str, urls: list[str]) -> str:
	return hashlib.sha256(json.dumps([campaign, urls]).encode()).hexdigest()[:20]


class BatchTracker:
	def __init__(self, campaign: str, campaign_doc: dict, test: bool = False):
		enabled, self.consent_required = tracking_settings()
		self.campaign = campaign
		self.test = test  # a test email: tokens the hit recording ignores
		self.opens = enabled and bool(cint(campaign_doc.get("cp_track_opens", 1)))
		self.clicks = enabled and bool(cint(campaign_doc.get("cp_track_clicks", 1)))
		self.enabled = self.opens or self.clicks
		self.modes: dict[str, str] = {}
		self.link_sets: dict[str, list[str]] = {}
		if self.enabled:
			base = tracking_address()
			self.open_base = f"{base}{OPEN_METHOD}?t="
			self.click_base = f"{base}{CLICK_METHOD}?t="
			self.sign_open = signer(OPEN_PURPOSE)
			self.sign_click = signer(CLICK_PURPOSE)

	def track(self, row, party: dict | None, body: str) -> tuple[str, str | None]:
		"""The body to send to ``row``'s recipient (links rewritten, pixel added) and its plain text.

		The text is made from the original body, as Frappe would (``html2text``), with its links
		replaced by the same click URLs: no pixel in it, and no second conversion of the longer
		tracked body. Untracked: the body as it is and None (Frappe makes the text).
		"""
		if not self.enabled:
			return body, None
		links = tracking.tracked_links(body) if self.clicks else []
		pixel, clicks = self.urls(row, party, [link.url for link in links])
		text = html2text(body)
		tracked, urls = tracking.rewrite(body, (lambda index: clicks[index]) if links else None, pixel, links)
		if urls:
			text = tracking.rewrite_text(text, urls, clicks)
		return tracked, text

	def urls(self, row, party: dict | None, urls: list[str]) -> tuple[str | None, list[str]]:
		"""The open pixel's URL (None: opens not tracked) and the click URL of each of ``urls``
		(the message's tracked links, in order) for ``row``'s recipient; the message's tracking mode
		and link set are recorded for :meth:`save`."""
		consent = (party or {}).get("cp_tracking_consent")
		mode = tracking.tracking_mode(True, self.consent_required, consent)
		if self.test:
			subject, mode = (TEST, self.campaign), None
		elif mode == tracking.INDIVIDUAL:
			subject = (ROW, row.name)
		else:
			subject = (STEP, self.campaign, row.schedule_row or "", str(row.step_idx or 0))
		urls = urls if self.clicks else []
		link_set = link_set_name(self.campaign, urls) if urls else ""
		pixel = self.open_base + quote(self.sign_open(*subject)) if self.opens else None
		clicks = [
			self.click_base + quote(self.sign_click(*subject, link_set, str(index)))
			for index in range(len(urls))
		]
		if urls:
			self.link_sets.setdefault(link_set, list(urls))
		if mode:
			self.modes[row.name] = mode
		return pixel, clicks

	def save(self, queued: list[str], now) -> None:
		"""After the batch's Email Queue rows: its link sets (once each) and each row's tracking mode."""
		if not self.enabled:
			return
		if self.link_sets:
			frappe.db.bulk_insert(
				LINK_SET,
				[*STANDARD_COLUMNS, "campaign", "link_count", "links"],
				[
					(*standard_values(name, now), self.campaign, len(urls), json.dumps(urls))
					for name, urls in self.link_sets.items()
				],
				ignore_duplicates=True,
			)
		by_mode: dict[str, list[str]] = {}
		for name in queued:
			if self.modes.get(name):
				by_mode.setdefault(self.modes[name], []).append(name)
		log = DocType(LEDGER)
		for mode, names in by_mode.items():
			for chunk in create_batch(names, 1000):
				frappe.qb.update(log).set(log.tracking, mode).where(log.name.isin(list(chunk))).run()
