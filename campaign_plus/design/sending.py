# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Designed emails in the send batch: compiled once, filled per recipient, sent as compiled.

An Email Template whose *Email Design* is set sends that design: its subject stays the
template's (Jinja, as before), its HTML and text are the compiled design's. Per batch, each
design is compiled (or taken from the cache), its tracked links and open pixel become slots,
the items' prices are asked once and the campaign's targets read once; per recipient, the
slots are filled (personalisation fields, the price they pay, the unsubscribe link, click and
pixel URLs) — joining strings, the HTML part's quoted-printable encoding joined from pieces
encoded once (:meth:`campaign_plus.engine.design_render.Template.encoded`).

The message is built without Frappe's standard email layout around it (:class:`DesignedLayout`),
in both send paths: the filled-in skeleton and Frappe's own QueueBuilder. Frappe still fills in
the unsubscribe URL at send time; the delivery jobs and Frappe's queue send the bytes as stored,
so Outlook's conditional comments reach the inbox.
"""

import copy
import json

import frappe
from frappe.query_builder import DocType
from frappe.utils import nowdate

from campaign_plus.design import catalogue, compiler, identity, model
from campaign_plus.design.personal import field_values
from campaign_plus.engine import design as engine
from campaign_plus.engine.design_render import CLICK, PIXEL, Compiled, tracked
from campaign_plus.sending.sender import BODY_TOKEN, CampaignLayout

DESIGN_FIELD = "cp_email_design"
SEND_CACHE_PREFIX = "campaign_plus:design-send:"
SEND_CACHE_SECONDS = 300
_prepared: dict[str, tuple] = {}


class Rendered(str):
	"""A designed message's HTML, with what it was filled from: its quoted-printable encoding is
	joined from pieces encoded once (:meth:`qp`)."""

	template = None
	values = None

	def qp(self, linesep: str) -> str:
		return self.template.encoded(self.values, linesep)


class DesignedLayout(CampaignLayout):
	"""No layout: the compiled design is the whole HTML part (no Frappe wrapper, no premailer;
	the design's footer carries the sender and the unsubscribe link)."""

	def __init__(self, account):
		in_db = bool(account.is_exists_in_db())
		self.account = copy.copy(account)
		self.account.is_exists_in_db = lambda: in_db
		self.html = BODY_TOKEN

	def render(self, subject: str, body: str) -> str:
		# as compiled: its links are absolute already, and Frappe's scrub_urls would make the
		# unsubscribe placeholder a relative link of the site
		return f"\n{body}\n"


def template_designs(names) -> dict[str, str]:
	"""Email Template → its design, for the templates that have one."""
	names = [name for name in names if name]
	if not names or not frappe.get_meta("Email Template").has_field(DESIGN_FIELD):
		return {}
	template = DocType("Email Template")
	rows = (
		frappe.qb.from_(template)
		.select(template.name, template[DESIGN_FIELD])
		.where(
			template.name.isin(names) & template[DESIGN_FIELD].isnotnull() & (template[DESIGN_FIELD] != "")
		)
		.run()
	)
	return dict(rows)


class BatchDesign:
	"""One design in one language, ready for one batch of one campaign."""

	def __init__(self, compiled: Compiled, tracker, prices: dict, targets: set, links):
		self.tracker = tracker
		self.prices, self.targets, self.links = prices, targets, links
		if tracker is not None and tracker.enabled:
			compiled, self.urls = tracked(compiled, tracker.opens, tracker.clicks)
		else:
			self.urls = []
		self.compiled = compiled
		self.click_slots = [(CLICK, str(index)) for index in range(len(self.urls))]

	def render(
		self, row, party: dict | None, email: str | None = None, unsubscribe: str | None = None
	) -> tuple[Rendered, str]:
		"""(HTML, text) of the message to ``row``'s recipient (``unsubscribe``: their unsubscribe
		URL, else the unsubscribe page of the row)."""
		urls = {}
		if self.tracker is not None and self.tracker.enabled:
			pixel, clicks = self.tracker.urls(row, party, self.urls)
			urls = dict(zip(self.click_slots, clicks, strict=True))
			urls[(PIXEL, "")] = pixel or ""
		fields = field_values(row.get("party_type"), party, email or row.get("email"))
		target = (row.get("party_type"), row.get("party")) in self.targets
		html_values, text_values = self.compiled.values(
			fields, self.prices, target, unsubscribe or self.links.url(row.name), urls
		)
		html = Rendered(self.compiled.html_template.fill(html_values))
		html.template, html.values = self.compiled.html_template, html_values
		return html, self.compiled.text_template.fill(text_values)


class BatchDesigns:
	"""The designs of a send batch's templates, each compiled (or taken from the cache) at first
	use in each recipient language; prices asked once per design, targets read once."""

	def __init__(self, campaign: str, campaign_doc: dict, rows, tracker=None):
		self.campaign, self.campaign_doc, self.tracker, self.rows = campaign, campaign_doc, tracker, rows
		self.by_template = template_designs({row.get("email_template") for row in rows})
		self.ready: dict[tuple, BatchDesign | Exception] = {}
		self.prices: dict[str, dict] = {}
		self._targets = self._languages = self._links = None

	def __bool__(self) -> bool:
		return bool(self.by_template)

	def targets(self) -> set:
		if self._targets is None:
			self._targets = catalogue.target_parties(self.campaign, self.campaign_doc)
		return self._targets

	def language(self, row) -> str:
		if self._languages is None:
			self._languages = identity.languages(self.rows)
		return self._languages.get((row.get("party_type"), row.get("party"))) or identity.recipient_language()

	def get(self, template: str, row=None, lang: str | None = None) -> BatchDesign | None:
		"""The template's design for this batch, in ``row``'s recipient's language; None for a
		template without one. A design that cannot be compiled raises (its recipients fail with
		the error, as a broken template's)."""
		name = self.by_template.get(template)
		if not name:
			return None
		lang = lang or (self.language(row) if row is not None else identity.recipient_language())
		if (name, lang) not in self.ready:
			try:
				compiled, prices = self.prepared(name, lang)
				self.prices[name] = prices
				if self._links is None:
					self._links = identity.UnsubscribeLinks()
				self.ready[(name, lang)] = BatchDesign(
					compiled, self.tracker, prices, self.targets(), self._links
				)
			except Exception as error:
				self.ready[(name, lang)] = error
		ready = self.ready[(name, lang)]
		if isinstance(ready, Exception):
			raise ready
		return ready

	def prepared(self, name: str, lang: str) -> tuple[Compiled, dict]:
		"""The compiled design and its items' prices, shared by the batches of one send run: kept
		for a few minutes under the design's version, the campaign, the language and the day (a
		batch then reads one cache key instead of the brand kit, identity, items and ERPNext's
		pricing again)."""
		version = frappe.db.get_value(model.DOCTYPE, name, "version")
		key = f"{SEND_CACHE_PREFIX}{name}:{version}:{self.campaign}:{lang}:{nowdate()}"
		if key in _prepared:
			return _prepared[key]
		stored = frappe.cache.get_value(key, expires=True)
		if stored:
			data = json.loads(stored)
			prices = {
				code: {**entry, "list": _pair(entry.get("list")), "campaign": _pair(entry.get("campaign"))}
				for code, entry in data["prices"].items()
			}
			result = (compiler.load_compiled(data["compiled"]), prices)
		else:
			_row, design, compiled = compiler.compiled(name, self.campaign, lang)
			prices = catalogue.prices(engine.item_codes(design), self.campaign_doc)
			frappe.cache.set_value(
				key,
				json.dumps({"compiled": compiler.dump_compiled(compiled), "prices": prices}),
				expires_in_sec=SEND_CACHE_SECONDS,
			)
			result = (compiled, prices)
		if len(_prepared) >= 32:
			_prepared.pop(next(iter(_prepared)))
		_prepared[key] = result
		return result


def _pair(value):
	return tuple(value) if value else None
