# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Asynchronous bounces: delivery status notifications arriving in an incoming Email Account.

Frappe (15 and 16) has no bounce handling of its own: its receiver (``InboundMail.process`` in
``frappe/email/receive.py``) turns every incoming email, a DSN included, into a received
**Communication** — without the machine-readable parts of the report. So on ``after_insert`` of
a received Communication, the parsed email Frappe's receiver is working on (it is on the call
stack: Frappe hands document hooks the Communication only) is read by the engine
(:func:`campaign_plus.engine.tracking.parse_bounce`); a Communication made any other way is read
from its own text. Each failed recipient is matched to the ledger row through the original
Message-ID (the Email Queue row's ``message_id``), else to the latest campaign email sent to that
address.

Hard (5.x.x): the row becomes Bounced, and a **Campaign Bounce** keeps the address out of every
later campaign send (reason "Bounced Address", through the ``campaign_plus_address_exclusions``
hook) until someone clears it. Soft (4.x.x): counted on the row and recorded.
"""

from collections.abc import Iterable

import frappe
from frappe.core.utils import html2text
from frappe.query_builder import DocType
from frappe.utils import create_batch, now_datetime

from campaign_plus.engine import tracking
from campaign_plus.engine.schedule import BOUNCED, BOUNCED_ADDRESS, QUEUED, SENT, normalize_email
from campaign_plus.utils import feedback
from campaign_plus.utils.feedback import notify_feedback
from campaign_plus.utils.inbound import inbound_message

LEDGER = "Campaign Send Log"
BOUNCE = "Campaign Bounce"


def _inbound_message(doc):
	"""The email Frappe's receiver is turning into ``doc``, when it is on the call stack."""
	return inbound_message(doc, skip=2)


def _rebuilt(doc):
	"""A Communication made otherwise than by Frappe's receiver, as an email message."""
	from email.message import EmailMessage

	message = EmailMessage()
	message["From"] = doc.sender or ""
	message["Subject"] = " ".join((doc.subject or "").split())
	text = html2text(doc.content) if doc.content else ""
	message.set_content(text or doc.get("text_content") or "")
	return message


def on_received_email(doc, method=None):
	"""Communication.after_insert: a received delivery status notification → bounces."""
	if doc.sent_or_received != "Received" or doc.communication_medium not in (None, "", "Email"):
		return
	message = _inbound_message(doc)
	sender = (doc.sender or "").lower()
	if message is None and "mailer-daemon" not in sender and "postmaster" not in sender:
		return
	frappe.db.savepoint("campaign_plus_bounce")
	try:
		report = tracking.parse_bounce(message if message is not None else _rebuilt(doc))
		if not report or not report.bounces:
			return
		doc.flags.cp_bounce = True
		record(report, communication=doc.name)
	except Exception:
		# The email itself must still be received: the bounce is logged for a person to look at.
		frappe.db.rollback(save_point="campaign_plus_bounce")
		frappe.log_error(title="Campaign Plus: bounce not recorded", reference_doctype="Communication",
			reference_name=doc.name)  # fmt: skip


def _row_for(bounce: tracking.Bounce) -> dict | None:
	log = DocType(LEDGER)
	if bounce.original_message_id:
		queue = DocType("Email Queue")
		rows = (
			frappe.qb.from_(queue)
			.join(log)
			.on(log.email_queue == queue.name)
			.select(log.name, log.campaign, log.email, log.status)
			.where(queue.message_id == bounce.original_message_id)
			.limit(1)
			.run(as_dict=True)
		)
		if rows:
			return rows[0]
	if bounce.recipient:
		rows = (
			frappe.qb.from_(log)
			.select(log.name, log.campaign, log.email, log.status)
			.where(log.email == bounce.recipient)
			.where(log.status.isin([QUEUED, SENT, BOUNCED]))
			.orderby(log.queued_on, order=frappe.qb.desc)
			.limit(1)
			.run(as_dict=True)
		)
		if rows:
			return rows[0]
	return None


def record(report: tracking.BounceReport, communication: str | None = None) -> list[str]:
	"""Apply a bounce report: ledger rows marked, Campaign Bounce records. Returns the rows matched."""
	now, matched, matched_bounces = now_datetime(), [], []
	log = DocType(LEDGER)
	for bounce in report.bounces:
		row = _row_for(bounce)
		if not row:
			continue
		matched.append(row.name)
		matched_bounces.append(bounce)
		email = normalize_email(bounce.recipient or row.email) or (row.email or "").lower()
		if bounce.kind == tracking.HARD:
			(
				frappe.qb.update(log)
				.set(log.status, BOUNCED)
				.set(log.bounced_on, now)
				.set(log.error, bounce.diagnostic or bounce.status)
				.set(log.modified, now)
				.where(log.name == row.name)
				.where(log.status.isin([QUEUED, SENT]))
				.run()
			)
		else:
			frappe.qb.update(log).set(log.soft_bounces, log.soft_bounces + 1).where(
				log.name == row.name
			).run()
		frappe.get_doc(
			{
				"doctype": BOUNCE,
				"email": email,
				"bounce_type": bounce.kind,
				"status_code": bounce.status,
				"diagnostic": bounce.diagnostic,
				"campaign": row.campaign,
				"send_log": row.name,
				"communication": communication,
				"received_on": now,
			}
		).insert(ignore_permissions=True)
	hard = [
		name for name, bounce in zip(matched, matched_bounces, strict=True) if bounce.kind == tracking.HARD
	]
	notify_feedback(
		{feedback.HARD_BOUNCE: hard, feedback.SOFT_BOUNCE: [name for name in matched if name not in hard]}
	)
	return matched


def record_rejections(report) -> list[str]:
	"""Listener of campaign_plus.delivery: a message the mail server refused for good (5xx) while
	it was being delivered is a hard bounce, as a DSN arriving later would have said."""
	if not report.rejected:
		return []
	message_ids = dict(
		frappe.get_all(
			"Email Queue",
			filters={"name": ("in", [r.email_queue for r in report.rejected])},
			fields=["name", "message_id"],
			as_list=True,
		)
	)
	bounces = [
		tracking.Bounce(
			recipient=normalize_email(rejection.recipient),
			status=tracking.enhanced_status(rejection.message) or f"{rejection.code // 100}.0.0",
			kind=tracking.HARD,
			diagnostic=rejection.error,
			original_message_id=message_ids.get(rejection.email_queue),
		)
		for rejection in report.rejected
	]
	return record(tracking.BounceReport(bounces=bounces))


def active_hard_bounces(emails: Iterable[str]) -> set[str]:
	"""The addresses among ``emails`` with a hard bounce nobody cleared. When the active bounces
	are fewer than the addresses (the usual case for a campaign run), they are read once and
	matched here; otherwise one parameterised query per 10,000 addresses."""
	emails = {normalize_email(email) for email in emails if email} - {None, ""}
	if not emails:
		return set()
	active = "`bounce_type` = %(hard)s AND `cleared` = 0"
	(count,) = frappe.db.sql(f"SELECT COUNT(*) FROM `tab{BOUNCE}` WHERE {active}", {"hard": tracking.HARD})[0]
	if count <= len(emails):
		rows = frappe.db.sql(
			f"SELECT DISTINCT `email` FROM `tab{BOUNCE}` WHERE {active}", {"hard": tracking.HARD}
		)
		return {normalize_email(email) for (email,) in rows} & emails
	found: set[str] = set()
	for chunk in create_batch(sorted(emails), 10000):
		rows = frappe.db.sql(
			f"SELECT DISTINCT `email` FROM `tab{BOUNCE}` WHERE {active} AND `email` IN %(emails)s",
			{"hard": tracking.HARD, "emails": tuple(chunk)},
		)
		found.update(normalize_email(email) for (email,) in rows)
	return found


def bounced_addresses(campaign: str, recipients) -> dict[str, set[str]]:
	"""The ``campaign_plus_address_exclusions`` hook: hard-bounced addresses are skipped."""
	return {BOUNCED_ADDRESS: active_hard_bounces(r.email for r in recipients)}


def clear(email: str) -> int:
	"""Clear an address's hard bounces (and lift its Hard Bounce suppression); how many were cleared."""
	email = normalize_email(email)
	if not email:
		frappe.throw(frappe._("Enter a valid email address."))
	from campaign_plus.engine.suppression import HARD_BOUNCE
	from campaign_plus.suppression import records

	count = clear_bounces_of([email])
	records.lift([email], [HARD_BOUNCE], clear_bounces=False)
	return count


def clear_bounces_of(emails: list[str], user: str | None = None) -> int:
	"""Mark the addresses' hard bounces cleared (one UPDATE); how many were."""
	bounce = DocType(BOUNCE)
	names = (
		frappe.qb.from_(bounce)
		.select(bounce.name)
		.where(bounce.email.isin(list(emails)))
		.where(bounce.bounce_type == tracking.HARD)
		.where(bounce.cleared == 0)
		.run(pluck=True)
	) if emails else []  # fmt: skip
	if names:
		(
			frappe.qb.update(bounce)
			.set(bounce.cleared, 1)
			.set(bounce.cleared_by, user or frappe.session.user)
			.set(bounce.cleared_on, now_datetime())
			.set(bounce.modified, now_datetime())
			.where(bounce.name.isin(names))
			.run()
		)
	return len(names)
