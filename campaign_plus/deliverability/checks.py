# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Check Deliverability: a campaign's findings, from a list of checks other capabilities extend.

Each function of the ``campaign_plus_deliverability_checks`` hook takes a :class:`CheckContext`
— the campaign, each step's email rendered as it would be sent (:class:`Step`: the message text,
its HTML and text parts, its headers, the engine's ``RenderedMessage``), the sending accounts
and a DNS reader — and returns engine ``Finding``\\ s (campaign_plus.engine.deliverability).
This module's own: the sending domain's DNS records (SPF, DKIM, DMARC, alignment), each step's
email (size, text part, list headers, unsubscribe link, images, links), the domain's volume.
"""

import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import add_to_date, get_url, now_datetime

from campaign_plus.deliverability import dkim, dns
from campaign_plus.deliverability.headers import batch_headers
from campaign_plus.engine import deliverability as engine
from campaign_plus.engine.mailheaders import add_headers
from campaign_plus.utils import unsubscribe_links
from campaign_plus.utils.footer import FooterTemplate, has_footer, sender_identity
from campaign_plus.utils.language import site_language

HOOK = "campaign_plus_deliverability_checks"
SAMPLE_ADDRESS = "recipient@example.com"
PREVIEW_ROW = "deliverability-preview"


@dataclass
class Account:
	name: str
	from_address: str | None
	smtp_server: str | None
	dkim_domain: str | None = None
	dkim_selector: str | None = None
	dkim_key: str | None = None  # the private key (PEM)


@dataclass
class Step:
	label: str
	template: str
	subject: str = ""
	message: str = ""  # the whole message as queued
	html: str = ""
	text: str = ""
	headers: dict = field(default_factory=dict)  # lower-case name: value
	rendered: engine.RenderedMessage | None = None
	error: str | None = None  # the template could not be rendered


@dataclass
class CheckContext:
	campaign: str
	steps: list[Step]
	accounts: list[Account]
	txt: Callable[[str], list[str] | None]


# ---------------------------------------------------------------------------- the context
def sending_accounts(campaign: str) -> list[Account]:
	from campaign_plus.sending.sender import senders

	rows = frappe.get_all("Email Campaign", filters={"campaign_name": campaign}, fields=["name"], limit=50)
	rows = [frappe._dict(email_campaign=row.name) for row in rows] or [frappe._dict(email_campaign=None)]
	found = {}
	sender_of = senders(rows)
	for row in rows:
		sender, account = sender_of[row.email_campaign]
		if account.name in found:
			continue
		config = dkim.account_config(account)
		found[account.name] = Account(
			account.name,
			sender or account.email_id,
			account.get("smtp_server"),
			*(config or (None, None, None)),
		)
	return list(found.values())


def render_steps(campaign: str) -> list[Step]:
	"""Each step's email as the next send batch would queue it, for a sample recipient."""
	from campaign_plus.sending import sender as sending
	from campaign_plus.tracking.messages import BatchTracker

	doc = frappe.get_doc("Campaign", campaign)
	campaign_doc = doc.as_dict()
	schedules = list(doc.get("campaign_schedules") or [])
	templates = sending.compile_templates({row.email_template for row in schedules})
	sender_email, account = sending.senders([frappe._dict(email_campaign=None)])[None]
	layout = sending.CampaignLayout(account)
	tracker = BatchTracker(campaign, campaign_doc)
	footer = FooterTemplate(sender_identity(campaign), site_language())
	from campaign_plus.design.sending import BatchDesigns, DesignedLayout

	designs = BatchDesigns(
		campaign, campaign_doc, [frappe._dict(email_template=s.email_template) for s in schedules], tracker
	)
	steps = []
	for idx, schedule in enumerate(schedules, start=1):
		label = _("Step {0} ({1})").format(idx, schedule.email_template)
		step = Step(label, schedule.email_template)
		steps.append(step)
		template = templates.get(schedule.email_template)
		if not isinstance(template, sending.CompiledTemplate):
			step.error = str(template or _("Email Template {0} not found.").format(schedule.email_template))
			continue
		try:
			subject, body = template.render(
				{"doc": frappe._dict(), "campaign": campaign_doc, "recipient": SAMPLE_ADDRESS}
			)
		except Exception as error:
			step.error = f"{type(error).__name__}: {error}"
			continue
		row = frappe._dict(
			name=PREVIEW_ROW,
			email=SAMPLE_ADDRESS,
			schedule_row=schedule.name,
			step_idx=idx,
			email_account=account.name,
		)
		page = unsubscribe_links.page_url(unsubscribe_links.token_signer()(PREVIEW_ROW))
		try:  # a designed step: the compiled design, as sent (campaign_plus.design)
			design = designs.get(schedule.email_template, lang=site_language())
		except Exception as error:
			step.error = f"{type(error).__name__}: {error}"
			continue
		if design:
			body, text = design.render(row, {}, SAMPLE_ADDRESS, page)
		else:
			body, text = tracker.track(row, {}, body)
		if not has_footer(body):
			html_footer, text_footer = footer.render(page)
			body, text = body + html_footer, (text + text_footer if text is not None else None)
		step_layout = DesignedLayout(account) if design else layout
		data = sending.build_queue_row(
			campaign, SAMPLE_ADDRESS, subject, str(body), sender_email, step_layout, text
		)
		message = add_headers(data["message"], batch_headers(campaign, [row]).get(PREVIEW_ROW, []))
		message = message.replace("<!--recipient-->", SAMPLE_ADDRESS)
		fill(step, subject, message, page)
	return steps


def fill(step: Step, subject: str, message: str, unsubscribe_url: str | None) -> None:
	parsed = email.message_from_string(message, policy=email.policy.default)
	step.subject, step.message = subject, message
	for part in parsed.walk():
		if part.get_content_type() == "text/html" and not step.html:
			step.html = part.get_content()
		elif part.get_content_type() == "text/plain" and not step.text:
			step.text = part.get_content()
	step.headers = {name.lower(): str(value) for name, value in parsed.items()}
	step.rendered = engine.RenderedMessage(
		step.label,
		len(message.encode("utf-8")),
		step.html,
		bool(step.text.strip()),
		step.headers,
		unsubscribe_url,
		get_url(),
	)


def context(campaign: str) -> CheckContext:
	cache: dict[str, list[str] | None] = {}
	reader = dns.resolver()

	def txt(name: str) -> list[str] | None:
		if name not in cache:
			cache[name] = dns.txt(name, reader)
		return cache[name]

	return CheckContext(campaign, render_steps(campaign), sending_accounts(campaign), txt)


def run(campaign: str) -> list[engine.Finding]:
	"""Every check of the hook on ``campaign``."""
	try:
		ctx = context(campaign)
	except frappe.OutgoingEmailError:  # a new site: nothing to send through, so nothing else to judge
		frappe.clear_messages()
		return [
			engine.Finding(
				"account.missing",
				engine.ERROR,
				_("No outgoing Email Account: campaign emails cannot be sent."),
				fix=_(
					"Set up an Email Account with Enable Outgoing and Default Outgoing ticked (or choose one in Campaign Plus Settings), then check again."
				),
			)
		]
	findings: list[engine.Finding] = []
	for method in frappe.get_hooks(HOOK):
		findings += frappe.get_attr(method)(ctx) or []
	return findings


# ---------------------------------------------------------------------------- this module's checks
def parents(domain: str) -> list[str]:
	labels = domain.split(".")
	return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def dns_checks(ctx: CheckContext) -> list[engine.Finding]:
	"""SPF, DKIM and DMARC of each sending account's domain, and the From domain's alignment."""
	findings = []
	for account in ctx.accounts:
		from_domain = engine.domain_of(account.from_address)
		if not from_domain:
			findings.append(
				engine.Finding(
					"account.no_address",
					engine.ERROR,
					_("The Email Account {0} has no sending address."),
					(account.name,),
				)
			)
			continue
		findings += engine.judge_spf(from_domain, ctx.txt(from_domain), account.smtp_server)
		expected = record = bits = None
		if account.dkim_key:
			expected = dkim.public_key_base64(account.dkim_key)
			record = (
				f"{dkim.dns_record_name(account.dkim_selector, account.dkim_domain)}. TXT "
				f'"{dkim.dns_record_value(account.dkim_key)}"'
			)
		name = (
			dkim.dns_record_name(account.dkim_selector, account.dkim_domain)
			if account.dkim_domain and account.dkim_selector
			else None
		)
		published = ctx.txt(name) if name else None
		if published:
			bits = published_bits(published)
		findings += engine.judge_dkim(
			account.dkim_domain, account.dkim_selector, published, expected, bits, account.name, record
		)
		dmarc, tags = engine.judge_dmarc(
			from_domain, [(f"_dmarc.{d}", ctx.txt(f"_dmarc.{d}")) for d in parents(from_domain)]
		)
		findings += dmarc
		findings += engine.judge_alignment(from_domain, account.dkim_domain, from_domain, tags)
	return findings


def published_bits(records: list[str]) -> int | None:
	import base64

	from cryptography.hazmat.primitives.serialization import load_der_public_key

	for record in records:
		key = engine.parse_tags(record).get("p")
		if key:
			try:
				return load_der_public_key(base64.b64decode(key)).key_size
			except Exception:
				return None
	return None


def message_checks(ctx: CheckContext) -> list[engine.Finding]:
	findings = []
	for step in ctx.steps:
		if step.error:
			findings.append(
				engine.Finding(
					"message.template_error",
					engine.ERROR,
					_("The template cannot be rendered: {0}"),
					(step.error,),
					step=step.label,
				)
			)
		elif step.rendered:
			findings += engine.judge_message(step.rendered)
	if get_url().startswith("http://"):
		findings.append(
			engine.Finding(
				"site.http",
				engine.WARNING,
				_("This site's address is http ({0}): links and one-click unsubscribe should be https."),
				(get_url(),),
				_("Serve the site over https and set its host_name to the https address."),
			)
		)
	return findings


def volume_check(ctx: CheckContext) -> list[engine.Finding]:
	"""Each sending domain's emails of the last 24 hours (sent, and waiting in the queue)."""
	queue = DocType("Email Queue")
	findings = []
	for domain in sorted({engine.domain_of(a.from_address) for a in ctx.accounts} - {None}):
		from_domain = (queue.sender.like(f"%@{domain}")) | (queue.sender.like(f"%@{domain}>"))
		since = add_to_date(now_datetime(), hours=-24)
		sent = (
			frappe.qb.from_(queue)
			.select(Count("*"))
			.where(from_domain)
			.where(queue.status == "Sent")
			.where(queue.modified >= since)
			.run()[0][0]
		)
		waiting = (
			frappe.qb.from_(queue)
			.select(Count("*"))
			.where(from_domain)
			.where(queue.status.isin(["Not Sent", "Sending", "Partially Sent"]))
			.run()[0][0]
		)
		findings += engine.judge_volume(domain, sent, waiting)
	return findings


# ---------------------------------------------------------------------------- for the desk
def as_dicts(findings: list[engine.Finding]) -> list[dict]:
	"""The findings translated, worst first."""
	order = {level: i for i, level in enumerate(engine.LEVELS)}
	return [
		{
			"check": f.check,
			"level": f.level,
			"step": f.step,
			"message": _(f.message).format(*f.args),
			"fix": _(f.fix).format(*f.fix_args) if f.fix else None,
		}
		for f in sorted(findings, key=lambda f: order.get(f.level, 9))
	]
