# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Spam complaints by email: ARF reports received by an incoming Email Account.

Yahoo's and Microsoft's feedback loops (and most others) mail an Abuse Reporting Format report
for each campaign email a user marks as spam. Frappe's receiver makes it a Communication; on its
``after_insert`` the parsed report (on the call stack, see :mod:`campaign_plus.utils.inbound`) is
read by the engine (:func:`campaign_plus.engine.feedback.parse_arf`) and matched to the Send Log
row — the ``X-Campaign-Plus-Send`` header of the quoted original, else its Message-ID, else
``Original-Rcpt-To``. The complaint then does what :mod:`campaign_plus.feedback.apply` says: the
row *Complained*, a *Spam Complaint* suppression entry, the address unsubscribed from all
campaign email and its consent *Withdrawn* (source *Spam Complaint*). The same report received
twice is applied once (its Message-ID is the event key). A report that is no complaint
(``not-spam``, DMARC failure reports) is received as an ordinary email.
"""

import hashlib

import frappe

from campaign_plus.engine import feedback as arf
from campaign_plus.engine import providers
from campaign_plus.engine import suppression as rules
from campaign_plus.feedback import pipeline
from campaign_plus.utils.inbound import inbound_message

PROVIDER = "Feedback Loop"


def on_received_email(doc, method=None) -> None:
	"""Communication.after_insert: a received ARF report → a complaint."""
	if doc.sent_or_received != "Received" or doc.communication_medium not in (None, "", "Email"):
		return
	message = inbound_message(doc, skip=2)
	if message is None:
		return
	report = arf.parse_arf(message)
	if report is None:
		return
	doc.flags.cp_bounce = True  # a report, not an answer: no response counted
	doc.flags.cp_complaint = True
	if not report.is_complaint:
		return
	frappe.db.savepoint("campaign_plus_complaint")
	try:
		record(report, report_id=doc.message_id, communication=doc.name, email_account=doc.email_account)
	except Exception:
		# The email itself must still be received: the complaint is logged for a person to look at.
		frappe.db.rollback(save_point="campaign_plus_complaint")
		frappe.log_error(title="Campaign Plus: complaint not recorded", reference_doctype="Communication",
			reference_name=doc.name)  # fmt: skip


def record(
	report: arf.FeedbackReport,
	*,
	report_id: str | None = None,
	communication: str | None = None,
	email_account: str | None = None,
) -> pipeline.Result:
	"""Apply one ARF report (a complaint). ``report_id``: the report's own Message-ID."""
	key = (
		report_id
		or hashlib.sha1(
			repr(
				(report.send_token, report.original_message_id, report.recipient, report.arrival_date)
			).encode()
		).hexdigest()
	)
	event = providers.Event(
		key=providers.event_key("arf", key.strip(" <>")),
		kind=providers.COMPLAINT,
		email=report.recipient,
		token=report.send_token,
		message_id=report.original_message_id,
		occurred_at=report.arrival_date,
		detail=report.summary,
	)
	return pipeline.process(
		PROVIDER, [event], source=rules.EMAIL_REPORT, email_account=email_account, communication=communication
	)
