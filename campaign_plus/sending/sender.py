# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The sending job: one batch of Planned ledger rows becomes Email Queue rows, in one transaction.

Rows are locked (SELECT … FOR UPDATE) and only those still Planned are sent, so two workers
racing on the same rows send each email once. Each Email Template is compiled once per batch;
each recipient's document is loaded with one query per doctype. Frappe's email layout (header,
footer, unsubscribe link, with its CSS inlined by premailer — 30 ms a call) is built once per
batch and sender account, and each recipient's rendered body is put into it; the MIME message
is then built by Frappe's own QueueBuilder, and the Email Queue rows are inserted in bulk, named
after their ledger row. Each body ends with its sender's footer in the recipient's language
(campaign_plus.utils.footer), and each message carries its headers (list headers, Feedback-ID,
the send id, other capabilities': campaign_plus.deliverability.headers). Before either path,
each rendered body gets its open pixel and tracked links (campaign_plus.tracking.messages); both paths are given the same tracked body, so the
skeleton's check against Frappe's builder compares like with like. After the commit the rows are
handed over to campaign_plus.delivery (paced jobs that send them with Frappe's own per-row
sending); Frappe's flush is the safety net.
A template error fails only that recipient; any other error rolls the whole batch back, and
the next planner run enqueues it again.
"""

import copy
import time
from collections import defaultdict
from email import message_from_string, quoprimime
from email import policy as email_policy

import frappe
from frappe import _
from frappe.core.utils import html2text
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.email.doctype.email_queue.email_queue import QueueBuilder
from frappe.email.email_body import EMBED_PATTERN, inline_style_in_html
from frappe.query_builder import DocType
from frappe.utils import (
	create_batch,
	escape_html,
	expand_relative_urls,
	get_url,
	now_datetime,
	scrub_urls,
)
from frappe.utils.jinja import get_email_from_template, get_jenv

from campaign_plus import delivery
from campaign_plus.deliverability.headers import add_message_headers
from campaign_plus.engine.schedule import (
	CLOSED,
	FAILED,
	INVALID_EMAIL,
	PLANNED,
	QUEUED,
	SKIPPED,
	TEMPLATE_ERROR,
)
from campaign_plus.sending import ledger
from campaign_plus.sending.planner import BATCH_METHOD, campaign_state
from campaign_plus.sending.settings import get_sending_settings
from campaign_plus.tracking.messages import BatchTracker
from campaign_plus.utils import holds, jobs
from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, retrying_deadlocks
from campaign_plus.utils.footer import BatchFooters
from campaign_plus.utils.runtime import in_test

SAVEPOINT = "campaign_plus_send_batch"
QUEUE_INSERT_BYTES = 4_000_000
# Campaign emails go after transactional ones in Frappe's queue (it sends higher priority first).
PRIORITY = 0


def send_batch(campaign: str, names: list[str], batch_number: int = 1, batch_count: int = 1) -> dict:
	"""RQ job: send one batch of a campaign's planned rows, then the send batches next in the
	queue, in this process (:mod:`campaign_plus.utils.jobs`). This batch's result."""
	started = time.monotonic()
	result = send_one_batch(campaign, names, batch_number, batch_count)
	jobs.go_on(BATCH_METHOD, send_one_batch, started)
	return result


def send_one_batch(campaign: str, names: list[str], batch_number: int = 1, batch_count: int = 1) -> dict:
	def attempt():
		frappe.db.savepoint(SAVEPOINT)
		try:
			result = _send(campaign, names)
		except frappe.QueryDeadlockError:
			raise  # the database ended the transaction: retried whole
		except Exception:
			frappe.db.rollback(save_point=SAVEPOINT)
			raise
		if not in_test():
			frappe.db.commit()
		return result

	# batches side by side on several workers may deadlock (small tables are scanned whole)
	result = retrying_deadlocks(attempt)
	frappe.publish_progress(
		batch_number * 100 / max(batch_count, 1),
		title=_("Sending campaign emails"),
		doctype="Campaign",
		docname=campaign,
		description=_("Batch {0} of {1}").format(batch_number, batch_count),
	)
	return result


def locked_planned_rows(names: list[str]) -> list[dict]:
	"""The rows still Planned, locked. Locked by primary key only, the status checked here: a
	lock taken through the status index would reach the rows of batches running side by side."""
	log = DocType(ledger.LEDGER)
	rows = (
		frappe.qb.from_(log)
		.select(
			log.name,
			log.status,
			log.email,
			log.party_type,
			log.party,
			log.email_template,
			log.email_campaign,
			log.step_idx,
			log.step_label,
			log.schedule_row,
		)
		.where(log.name.isin(list(names)))
		.orderby(log.name)
		.for_update()
		.run(as_dict=True)
	)
	return [row for row in rows if row.status == PLANNED]


class CompiledTemplate:
	"""An Email Template compiled once (Jinja, Frappe's sandboxed environment)."""

	def __init__(self, row):
		jenv = get_jenv()
		body = row.response_html if row.use_html else row.response
		self.subject = jenv.from_string(row.subject or "")
		self.body = jenv.from_string(body or "")

	def render(self, context: dict) -> tuple[str, str]:
		return self.subject.render(context), self.body.render(context)


def compile_templates(names: set[str]) -> dict[str, CompiledTemplate | Exception]:
	rows = frappe.get_all(
		"Email Template",
		filters={"name": ("in", [n for n in names if n])},
		fields=["name", "subject", "use_html", "response", "response_html"],
	)
	compiled: dict[str, CompiledTemplate | Exception] = {}
	for row in rows:
		try:
			compiled[row.name] = CompiledTemplate(row)
		except Exception as error:  # a syntax error fails the recipients of that template only
			compiled[row.name] = error
	return compiled


def party_documents(rows: list[dict]) -> dict[tuple[str, str], dict]:
	names: dict[str, set[str]] = defaultdict(set)
	for row in rows:
		names[row.party_type].add(row.party)
	documents = {}
	for doctype, doctype_names in names.items():
		for doc in frappe.get_all(doctype, filters={"name": ("in", list(doctype_names))}, fields=["*"]):
			documents[(doctype, doc.name)] = doc
	return documents


def senders(rows: list[dict]) -> dict[str | None, tuple[str | None, object]]:
	"""(sender, outgoing Email Account) for each Email Campaign of the batch (None: default)."""
	settings = get_sending_settings()
	if settings.email_account:
		account = frappe.get_doc("Email Account", settings.email_account)
		return defaultdict(lambda: (account.default_sender, account))
	users = {row.email_campaign for row in rows if row.email_campaign}
	by_campaign = {}
	if users:
		email_campaign = DocType("Email Campaign")
		user = DocType("User")
		for row in (
			frappe.qb.from_(email_campaign)
			.join(user)
			.on(user.name == email_campaign.sender)
			.select(email_campaign.name, user.email)
			.where(email_campaign.name.isin(list(users)))
			.run(as_dict=True)
		):
			by_campaign[row.name] = row.email
	default = EmailAccount.find_outgoing(_raise_error=True)
	result = defaultdict(lambda: (None, default))
	accounts: dict[str, object] = {}
	for name, email in by_campaign.items():
		if email not in accounts:
			accounts[email] = EmailAccount.find_outgoing(match_by_email=email, _raise_error=True)
		result[name] = (email, accounts[email])
	return result


_queue_columns: dict[str, list[str]] = {}


def _columns(doctype: str) -> list[str]:
	if doctype not in _queue_columns:
		_queue_columns[doctype] = frappe.db.get_table_columns(doctype)
	return _queue_columns[doctype]


SUBJECT_TOKEN = "CampaignPlusSubjectToken"
BODY_TOKEN = "CampaignPlusBodyToken"


def render_layout(subject: str, content: str, account) -> str:
	"""Frappe's email layout (``templates/emails/standard.html``, CSS inlined) around ``content``,
	with the account's own footer and without Frappe's standard footer ("Sent via …") and
	unsubscribe line: campaign emails carry their sender's footer, in the recipient's language
	(:mod:`campaign_plus.utils.footer`), at the end of their content."""
	footer = get_email_from_template("email_footer", {"email_account_footer": account.footer})[0]
	rendered = frappe.get_template("templates/emails/standard.html").render(
		{
			"brand_logo": None,
			"with_container": False,
			"site_url": get_url(),
			"header": None,
			"content": content,
			"footer": footer,
			"title": subject,
			"print_html": None,
			"subject": subject,
		}
	)
	return inline_style_in_html(scrub_urls(rendered))


LAYOUT_CACHE_SECONDS = 600


def layout_html(account) -> str:
	"""The layout of ``account`` with the subject and body tokens in it, CSS-inlined: rendered
	once, then read from the cache by the next batches for a few minutes (premailer parses
	Frappe's email CSS, half a second a batch). It depends on the account's footer, the site's
	URL and the code (Frappe's templates and CSS), all in the key."""
	import hashlib

	import campaign_plus

	inputs = "\x00".join(
		[frappe.__version__, campaign_plus.__version__, get_url(), account.get("footer") or ""]
	)
	key = f"campaign_plus:layout:{hashlib.sha256(inputs.encode()).hexdigest()}"
	html = frappe.cache.get_value(key, expires=True)
	if not html:
		html = render_layout(SUBJECT_TOKEN, f"<div>{BODY_TOKEN}</div>", account)
		frappe.cache.set_value(key, html, expires_in_sec=LAYOUT_CACHE_SECONDS)
	return html


class CampaignLayout:
	"""The email layout for one sender account, built and CSS-inlined once (and cached for the
	next batches, :func:`layout_html`).

	Frappe wraps the content in ``<p>…</p>`` and premailer closes that paragraph before block
	content; the body is put where Frappe would put it. The body keeps its own styles (the
	layout's CSS is inlined into the layout only).
	"""

	def __init__(self, account):
		in_db = bool(account.is_exists_in_db())
		self.account = copy.copy(account)
		self.account.is_exists_in_db = lambda: in_db  # asked once per message by QueueBuilder
		html = layout_html(account)
		self.html = html.replace(f"<div>{BODY_TOKEN}</div>", BODY_TOKEN)
		if self.html.count(BODY_TOKEN) != 1:  # a layout we do not understand: rendered per message
			self.html = None

	def render(self, subject: str, body: str) -> str:
		if self.html is None:
			return render_layout(subject, body, self.account)
		# Each on its own line, so that the message's quoted-printable lines never split them.
		return self.html.replace(BODY_TOKEN, f"\n{scrub_urls(body)}\n").replace(
			SUBJECT_TOKEN, f"\n{escape_html(subject)}\n"
		)


class CampaignQueueBuilder(QueueBuilder):
	"""Frappe's QueueBuilder, with the layout built once and the planner's unsubscribe check."""

	def __init__(self, layout: CampaignLayout, **kwargs):
		super().__init__(**kwargs)
		self._layout = layout
		self._email_account = layout.account
		self._unsubscribed_user_emails = []  # the planner excluded unsubscribed recipients already

	def email_html_content(self):
		return self._layout.render(self.subject, self._message)


def build_queue_row(
	campaign: str,
	email: str,
	subject: str,
	message: str,
	sender,
	layout: CampaignLayout,
	text: str | None = None,
) -> dict | None:
	"""One Email Queue row built by Frappe (MIME and all): about 3 ms. ``text``: the plain-text
	part when the caller made it (tracking), else Frappe makes it from the message."""
	builder = CampaignQueueBuilder(
		layout,
		recipients=[email],
		sender=sender,
		subject=subject,
		message=message,
		text_content=text,
		reference_doctype="Campaign",
		reference_name=campaign,
		add_unsubscribe_link=0,  # the sender's footer carries the unsubscribe page's link
		send_priority=PRIORITY,
	)
	data = builder.as_dict(include_recipients=False)
	if data and "unsubscribe_params" in data:
		data.setdefault("unsubscribe_param", data.pop("unsubscribe_params"))
	return data


def _qp(text: str, linesep: str) -> str:
	"""Quoted-printable, as the email package encodes a utf-8 MIMEText body."""
	return quoprimime.body_encode(text.encode("utf-8").decode("latin-1"), eol=linesep)


def _parts(message: str) -> tuple[str, str, str]:
	parsed = message_from_string(message, policy=email_policy.SMTP)
	text = html = ""
	for part in parsed.walk():
		if part.get_content_type() == "text/plain":
			text = part.get_content()
		elif part.get_content_type() == "text/html":
			html = part.get_content()
	return str(parsed["Subject"]), text, html


class MessageSkeleton:
	"""A message built once by Frappe with tokens, then filled in per recipient (about 0.1 ms).

	It is used only when, for the batch's first recipient, it gives the same subject, text and
	HTML as Frappe's own path; bodies with embedded images or anything unusual take Frappe's path.
	"""

	def __init__(self, campaign: str, sender, layout: CampaignLayout, sample: tuple):
		"""``sample``: the batch's first (address, subject, body[, text]), checked against Frappe."""
		self.campaign, self.sender, self.layout = campaign, sender, layout
		self.data = None
		if layout.html is None:
			return
		data = build_queue_row(
			campaign, "cp@campaign-plus.invalid", SUBJECT_TOKEN, BODY_TOKEN, sender, layout
		)
		message = data and data["message"]
		if not message or message.count(BODY_TOKEN) != 2 or f"Subject: {SUBJECT_TOKEN}" not in message:
			return
		self.linesep = "\r\n" if "\r\n" in message else "\n"
		head, separator, body = message.partition(self.linesep * 2)
		self.head = head.replace(f"Subject: {SUBJECT_TOKEN}{self.linesep}", "\x00subject\x00")
		self.text_before, self.html_before, self.after = body.split(BODY_TOKEN)
		self.separator = separator
		self.message_id = data["message_id"]
		# html2text adds around the body what it added around the token: strip it from bodies.
		self.text_prefix, self.text_suffix = html2text(BODY_TOKEN).split(BODY_TOKEN)
		self.data = data
		text = sample[3] if len(sample) > 3 else None
		expected = build_queue_row(campaign, *sample[:3], sender, layout, text=text)
		filled = self.fill(*sample)
		if not expected or not filled or _parts(filled["message"]) != _parts(expected["message"]):
			self.data = None

	def usable(self, body: str) -> bool:
		return self.data is not None and not EMBED_PATTERN.search(body) and BODY_TOKEN not in body

	def _text(self, body: str, text: str | None = None) -> str | None:
		text = expand_relative_urls(html2text(body) if text is None else text)
		if not (text.startswith(self.text_prefix) and text.endswith(self.text_suffix)):
			return None
		return text[len(self.text_prefix) : len(text) - len(self.text_suffix)]

	def fill(self, address: str, subject: str, body: str, text: str | None = None) -> dict | None:
		"""The Email Queue row for one recipient, or None when only Frappe's path can build it."""
		text = self._text(body, text)
		if text is None:
			return None
		subject = " ".join(subject.splitlines())
		message_id = f"{frappe.generate_hash(length=24)}@{self.message_id.rpartition('@')[2]}"
		encoded = body.qp(self.linesep) if hasattr(body, "qp") else _qp(scrub_urls(body), self.linesep)
		html_body = f"{self.html_before}{encoded}{self.after}"
		html_body = html_body.replace(SUBJECT_TOKEN, _qp(escape_html(subject), self.linesep))
		head = self.head.replace("\x00subject\x00", email_policy.SMTP.fold("Subject", subject))
		message = (
			head.replace(self.message_id, message_id)
			+ self.separator
			+ self.text_before
			+ _qp(text, self.linesep)
			+ html_body
		)
		return {**self.data, "message": message, "message_id": message_id}


def insert_queue_rows(items: list[tuple[dict, dict]], now, send_after=None) -> None:
	"""Bulk insert Email Queue rows (named after their ledger row) and their recipient rows;
	``send_after``: leased to campaign_plus.delivery until then (Frappe's queue waits)."""
	if not items:
		return
	user = frappe.session.user
	base = {"creation": now, "modified": now, "owner": user, "modified_by": user, "docstatus": 0}
	if send_after:
		base["send_after"] = send_after
	queue_columns = set(_columns("Email Queue"))
	queue_rows = [
		{
			**{k: v for k, v in data.items() if k in queue_columns},
			**base,
			"name": row.name,
			"status": "Not Sent",
			"retry": 0,
		}
		for row, data in items
	]
	fields = sorted({key for r in queue_rows for key in r})
	# each INSERT well under MariaDB's max_allowed_packet (16 MB by default): designed emails weigh
	# tens of KB each
	largest = max(len(r.get("message") or "") for r in queue_rows)
	insert_many(
		"Email Queue",
		fields,
		[tuple(r.get(f) for f in fields) for r in queue_rows],
		chunk_size=min(10_000, QUEUE_INSERT_BYTES // max(largest, 1)),
	)

	recipient_fields = [
		*STANDARD_COLUMNS,
		"parent",
		"parenttype",
		"parentfield",
		"idx",
		"recipient",
		"status",
	]
	insert_many(
		"Email Queue Recipient",
		recipient_fields,
		[
			(
				frappe.generate_hash(length=12),
				now,
				now,
				user,
				user,
				0,
				row.name,
				"Email Queue",
				"recipients",
				1,
				row.email,
				"Not Sent",
			)
			for row, _data in items
		],
	)


def mark_queued(names: list[str], now) -> None:
	"""Queued rows point to the Email Queue row of the same name: one UPDATE per chunk.

	The rows are locked as Planned already (:func:`locked_planned_rows`): the UPDATE goes by
	primary key only, so that batches running side by side never lock each other's rows through
	the status index (a deadlock)."""
	log = DocType(ledger.LEDGER)
	for chunk in create_batch(names, ledger.CHUNK):
		(
			frappe.qb.update(log)
			.set(log.status, QUEUED)
			.set(log.email_queue, log.name)
			.set(log.queued_on, now)
			.set(log.modified, now)
			.where(log.name.isin(list(chunk)))
			.run()
		)


def record_entries(campaign: str, queued: list) -> None:
	"""One campaign entry per step of the batch: how many emails it queued."""
	from campaign_plus.stats.entries import add_entry

	by_step: dict[tuple, int] = defaultdict(int)
	for row in queued:
		by_step[(row.step_idx, row.step_label or row.email_template)] += 1
	for (idx, label), count in sorted(by_step.items(), key=lambda item: item[0][0] or 0):
		add_entry(
			campaign,
			"Email Step Sent",
			_("Step {0} ({1}): {2} emails queued").format(idx, label, count),
			interactions=count,
		)


def _send(campaign: str, names: list[str]) -> dict:
	rows = locked_planned_rows(names)
	if not rows:
		return {"queued": 0, "failed": 0, "skipped": 0}
	if campaign_state(campaign).closed:
		ledger.set_status([row.name for row in rows], SKIPPED, reason=CLOSED)
		return {"queued": 0, "failed": 0, "skipped": len(rows)}

	templates = compile_templates({row.email_template for row in rows})
	documents = party_documents(rows)
	sender_of = senders(rows)
	held = holds.send_hold(campaign, {sender_of[row.email_campaign][1].name for row in rows})
	if held:  # e.g. paused for its reputation: the rows wait until the hold is lifted
		ledger.defer([row.name for row in rows], held)
		return {"queued": 0, "failed": 0, "skipped": 0, "deferred": len(rows)}
	layouts: dict[str, CampaignLayout] = {}
	campaign_doc = frappe.get_doc("Campaign", campaign).as_dict()
	items, failures = [], defaultdict(list)
	skeletons: dict[str, MessageSkeleton] = {}
	tracker = BatchTracker(campaign, campaign_doc)
	from campaign_plus.design.sending import BatchDesigns, DesignedLayout

	designs = BatchDesigns(campaign, campaign_doc, rows, tracker)
	footers = BatchFooters(campaign, rows)
	for row in rows:
		template = templates.get(row.email_template)
		if not isinstance(template, CompiledTemplate):
			error = template or _("Email Template {0} not found.").format(row.email_template)
			failures[(TEMPLATE_ERROR, str(error))].append(row.name)
			continue
		party = documents.get((row.party_type, row.party))
		context = {
			"doc": party or frappe._dict(),
			"campaign": campaign_doc,
			"recipient": row.email,
		}
		try:
			subject, message = template.render(context)
			design = designs.get(row.email_template, row) if designs else None
		except Exception as error:
			failures[(TEMPLATE_ERROR, f"{type(error).__name__}: {error}")].append(row.name)
			continue
		# a designed email: the compiled design, filled in, without Frappe's layout around it
		message, text = design.render(row, party) if design else tracker.track(row, party, message)
		message, text = footers.add(row, message, text)  # a design carries its own footer
		sender, account = sender_of[row.email_campaign]
		key = f"{account.name}\x00{sender}\x00{bool(design)}"
		if key not in skeletons:
			layout_class = DesignedLayout if design else CampaignLayout
			layout = layouts.setdefault(f"{account.name}\x00{bool(design)}", layout_class(account))
			skeletons[key] = MessageSkeleton(campaign, sender, layout, (row.email, subject, message, text))
		skeleton = skeletons[key]
		data = skeleton.fill(row.email, subject, message, text) if skeleton.usable(message) else None
		if data is None:
			data = build_queue_row(campaign, row.email, subject, message, sender, skeleton.layout, text)
		if not data:
			failures[(INVALID_EMAIL, _("Frappe refused the address {0}.").format(row.email))].append(row.name)
			continue
		items.append((row, data))

	add_message_headers(campaign, items)
	now = now_datetime()
	insert_queue_rows(items, now, delivery.send_after())
	mark_queued([row.name for row, _data in items], now)
	ledger.record_accounts([(row.name, data.get("email_account")) for row, data in items])
	tracker.save([row.name for row, _data in items], now)
	delivery.hand_over(campaign, [(row.name, data.get("email_account")) for row, data in items])
	for (reason, error), failed in failures.items():
		ledger.set_status(failed, FAILED, reason=reason, error=error[:1000])
	record_entries(campaign, [row for row, _data in items])
	return {"queued": len(items), "failed": sum(map(len, failures.values())), "skipped": 0}
