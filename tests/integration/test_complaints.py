# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Spam complaints by email (ARF reports fed through Frappe's own receiver) and the suppression list
(what keeps an address out, by hand, from a CSV, from bounces and unsubscribes, the migration)."""

import datetime as dt

import frappe
import pytest

from campaign_plus.engine import feedback as arf
from campaign_plus.engine.schedule import COMPLAINED, SKIPPED, SPAM_COMPLAINT, SUPPRESSED
from campaign_plus.feedback import complaints
from campaign_plus.sending import planner
from campaign_plus.suppression import api as suppression_api
from campaign_plus.suppression import records
from campaign_plus.tracking import api as tracking_api
from campaign_plus.tracking import statistics
from campaign_plus.utils import send_id
from tests.integration.helpers import (
	enroll,
	freeze_time,
	make_campaign,
	make_lead,
	make_template,
	use_outgoing_account,
)

START = dt.date(2027, 3, 1)


@pytest.fixture
def send():
	"""send(leads=n) → (campaign, leads): one step sent (queued) to n new leads."""
	use_outgoing_account()
	frappe.db.set_single_value("Campaign Plus Settings", "opt_in_rule", "Not Required")

	def make(leads=2):
		template = make_template()
		campaign = make_campaign(campaign_schedules=[{"email_template": template.name, "send_after_days": 0}])
		people = [make_lead() for _ in range(leads)]
		enroll(campaign.name, [p.name for p in people], START)
		with freeze_time(f"{START} 10:00:00"):
			planner.plan_campaign(campaign.name)
		return campaign, people

	return make


def row_of(campaign: str, lead) -> frappe._dict:
	return frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign, "party": lead.name},
		fields=["name", "status", "reason", "complained_on", "email_queue"],
	)[0]


def later_status(lead) -> tuple[str, str | None]:
	"""What a new campaign does with ``lead`` today: (status, reason) of its row."""
	later = make_campaign(campaign_schedules=[{"email_template": make_template().name, "send_after_days": 0}])
	enroll(later.name, [lead.name], START)
	with freeze_time(f"{START} 11:00:00"):
		planner.plan_campaign(later.name)
	row = row_of(later.name, lead)
	return row.status, row.reason


def arf_report(
	recipient: str | None,
	*,
	token: str | None = None,
	message_id: str | None = None,
	to: str | None = "redacted@example.invalid",
	feedback_type: str = "abuse",
) -> bytes:
	original = "From: campaign-plus@example.com\r\n"
	if to:
		original += f"To: {to}\r\n"
	original += "Subject: Our offer\r\n"
	if message_id:
		original += f"Message-ID: <{message_id}>\r\n"
	if token:
		original += f"{send_id.HEADER}: {token}\r\n"
	rcpt = f"Original-Rcpt-To: <{recipient}>\r\n" if recipient else ""
	return (
		"From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>\r\n"
		"To: fbl@example.com\r\n"
		"Subject: Email Feedback Report for IP 192.0.2.1\r\n"
		f"Message-ID: <{frappe.generate_hash(length=12)}@arf.mail.yahoo.com>\r\n"
		"Date: Mon, 1 Mar 2027 12:00:00 +0000\r\n"
		"MIME-Version: 1.0\r\n"
		'Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"\r\n\r\n'
		"--ARF\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n"
		"--ARF\r\nContent-Type: message/feedback-report\r\n\r\n"
		f"Feedback-Type: {feedback_type}\r\nUser-Agent: Yahoo!-Mail-Feedback/2.0\r\nVersion: 0.1\r\n"
		f"{rcpt}Arrival-Date: Mon, 1 Mar 2027 10:05:00 +0000\r\n\r\n"
		f"--ARF\r\nContent-Type: text/rfc822-headers\r\n\r\n{original}\r\n--ARF--\r\n"
	).encode()


def receive(raw: bytes):
	"""Hand the raw email to Frappe's own receiver, as EmailAccount.receive does for each mail."""
	from frappe.email.receive import InboundMail

	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": f"_Test CP FBL {frappe.generate_hash(length=6)}",
			"email_id": f"fbl-{frappe.generate_hash(length=6)}@example.com",
			"enable_incoming": 0,
		}
	).insert(ignore_permissions=True)
	return InboundMail(raw, account).process()


def consent_of(email: str) -> tuple[str, str] | None:
	rows = frappe.get_all(
		"Campaign Consent",
		filters={"email": email.lower()},
		fields=["status", "source"],
		order_by="consent_date desc, creation desc",
		limit=1,
	)
	return (rows[0].status, rows[0].source) if rows else None


def globally_unsubscribed(email: str) -> bool:
	return bool(frappe.db.exists("Email Unsubscribe", {"email": email.lower(), "global_unsubscribe": 1}))


def test_an_arf_report_suppresses_exactly_the_recipient_named_by_the_send_header(send):
	campaign, (complainer, other) = send()
	row = row_of(campaign.name, complainer)
	communication = receive(arf_report(None, token=send_id.make(row.name)))

	row = row_of(campaign.name, complainer)
	assert row.status == COMPLAINED and row.complained_on
	assert row_of(campaign.name, other).status == "Queued"
	email = complainer.email_id.lower()
	assert records.active_reasons([email, other.email_id]) == {email: {"Spam Complaint"}}
	assert globally_unsubscribed(email) and not globally_unsubscribed(other.email_id)
	assert consent_of(email) == ("Withdrawn", "Spam Complaint")
	assert consent_of(other.email_id) is None
	event = frappe.get_all(
		"Campaign Feedback Event",
		filters={"send_log": row.name},
		fields=["event_type", "provider", "communication", "email"],
	)
	assert [(e.event_type, e.provider, e.communication, e.email) for e in event] == [
		("Complaint", "Feedback Loop", communication.name, email)
	]
	# a report, not an answer
	assert not frappe.db.count(
		"Campaign Interaction", {"campaign": campaign.name, "interaction_type": "Response"}
	)
	# the complaint counts in the statistics, and the address is kept out of later campaigns
	frappe.db.set_value("Campaign Send Log", row_of(campaign.name, other).name, "status", "Sent")
	(step,) = statistics.steps(campaign.name)
	assert step["figures"].complaints == 1 and step["engagement"].complaint_rate == 50.0
	assert statistics.card_values(campaign.name)["cp_complaints"] == 1
	from campaign_plus.campaign_plus.report.campaign_roi.campaign_roi import execute
	from campaign_plus.stats import aggregate

	aggregate.refresh(campaign.name)  # the report shows the statistics stored on the card
	(roi,) = [r for r in execute({})[1] if r["campaign"] == campaign.name]
	assert (roi["complaints"], roi["complaint_rate"]) == (1, 50.0)
	assert later_status(complainer)[0] == SKIPPED
	assert later_status(other) == ("Queued", None)


def test_an_arf_report_is_matched_by_message_id_then_by_original_rcpt_to_and_applied_once(send):
	campaign, (by_id, by_address, untouched) = send(leads=3)
	message_id = frappe.db.get_value("Email Queue", row_of(campaign.name, by_id).email_queue, "message_id")
	receive(arf_report(None, message_id=message_id.strip("<>")))
	assert row_of(campaign.name, by_id).status == COMPLAINED

	report = arf.parse_arf(arf_report(by_address.email_id.upper(), to=None))
	first = complaints.record(report, report_id="<same-report@arf.example>")
	second = complaints.record(report, report_id="<same-report@arf.example>")
	assert (first.applied, second.applied, second.duplicates) == (1, 0, 1)
	assert row_of(campaign.name, by_address).status == COMPLAINED
	assert row_of(campaign.name, untouched).status == "Queued"
	assert (
		frappe.db.count(
			"Campaign Consent", {"email": by_address.email_id.lower(), "source": "Spam Complaint"}
		)
		== 1
	)


def test_not_spam_reports_and_forged_send_headers_change_nothing(send):
	campaign, (lead,) = send(leads=1)
	row = row_of(campaign.name, lead)
	receive(arf_report(None, token=send_id.make(row.name), feedback_type="not-spam"))
	receive(arf_report(None, token=send_id.make(row.name)[:-2] + "xx"))  # forged: names nothing
	assert row_of(campaign.name, lead).status == "Queued"
	assert records.active_reasons([lead.email_id]) == {}
	assert not frappe.db.count("Campaign Feedback Event", {"send_log": row.name})


def test_suppression_by_hand_keeps_an_address_out_until_lifted(send):
	_campaign, (lead,) = send(leads=1)
	assert suppression_api.add_address(lead.email_id.upper(), "By Hand", note="asked by phone") == 1
	assert later_status(lead) == (SKIPPED, SUPPRESSED)
	entry = frappe.get_all("Campaign Suppression", filters={"email": lead.email_id.lower()}, fields=["*"])[0]
	assert (entry.reason, entry.source, entry.active, entry.note) == (
		"By Hand",
		"By Hand",
		1,
		"asked by phone",
	)
	with pytest.raises(frappe.ValidationError):  # a second entry for the same reason
		frappe.get_doc(
			{"doctype": "Campaign Suppression", "email": lead.email_id, "reason": "By Hand"}
		).insert()
	assert suppression_api.lift(lead.email_id) == 1
	assert later_status(lead) == ("Queued", None)
	# made active again: one entry, its lifting forgotten
	assert suppression_api.add_address(lead.email_id, "By Hand") == 1
	assert frappe.db.count("Campaign Suppression", {"email": lead.email_id.lower()}) == 1
	assert frappe.db.get_value("Campaign Suppression", {"email": lead.email_id.lower()}, "active") == 1


def test_hard_bounces_unsubscribes_and_complaints_each_keep_out_with_their_reason(send):
	_campaign, (bounced, unsubscribed, complained, clear) = send(leads=4)
	frappe.get_doc({"doctype": "Campaign Bounce", "email": bounced.email_id, "bounce_type": "Hard",
		"status_code": "5.1.1"}).insert(ignore_permissions=True)  # fmt: skip
	frappe.get_doc(
		{"doctype": "Email Unsubscribe", "email": unsubscribed.email_id, "global_unsubscribe": 1}
	).insert(ignore_permissions=True)
	records.add([records.Entry(complained.email_id, "Spam Complaint", "Provider Webhook")])
	assert later_status(bounced) == (SKIPPED, "Bounced Address")
	assert later_status(unsubscribed) == (SKIPPED, "Unsubscribed")
	assert later_status(complained) == (SKIPPED, SPAM_COMPLAINT)
	assert later_status(clear) == ("Queued", None)
	# Clear Bounce lifts the entry; subscribing again (deleting the unsubscribe) lifts the other
	assert tracking_api.clear_bounce(bounced.email_id) == 1
	frappe.delete_doc(
		"Email Unsubscribe", frappe.db.get_value("Email Unsubscribe", {"email": unsubscribed.email_id})
	)
	assert records.active_reasons([bounced.email_id, unsubscribed.email_id]) == {}
	assert later_status(bounced) == ("Queued", None)


def test_csv_import_and_export():
	content = (
		"Email Address;Reason;Date\n"
		"imported-1@example.org;hard bounce;2025-01-02\n"
		"Imported-2@Example.org;;\n"
		"not an address;;\n"
		"imported-1@example.org;spam;\n"
	)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"suppress-{frappe.generate_hash(length=6)}.csv",
			"content": content,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	result = suppression_api.import_csv(file.file_url, "Unsubscribed")
	assert (result["rows"], result["invalid"], result["duplicates"], result["added"]) == (2, 1, 1, 2)
	assert records.active_reasons(["imported-1@example.org", "imported-2@example.org"]) == {
		"imported-1@example.org": {"Hard Bounce"},
		"imported-2@example.org": {"Unsubscribed"},
	}
	since = frappe.db.get_value("Campaign Suppression", {"email": "imported-1@example.org"}, "since")
	assert str(since).startswith("2025-01-02")
	assert suppression_api.import_csv(file.file_url, "Unsubscribed")["added"] == 0  # nothing twice
	suppression_api.export_csv()
	exported = frappe.response["filecontent"].decode("utf-8-sig")
	assert "imported-1@example.org;Hard Bounce;2025-01-02" in exported
	assert frappe.response["type"] == "download"


def test_a_sales_user_cannot_change_the_list(send):
	from tests.integration.helpers import make_user

	frappe.set_user(make_user(["Sales User"]))
	try:
		with pytest.raises(frappe.PermissionError):
			suppression_api.add_address("someone@example.org")
		with pytest.raises(frappe.PermissionError):
			suppression_api.lift("someone@example.org")
	finally:
		frappe.set_user("Administrator")


def test_the_migration_lists_what_kept_addresses_out_before():
	from campaign_plus.patches import fill_suppression_list

	now = frappe.utils.now_datetime()
	tag = frappe.generate_hash(length=6)
	frappe.db.sql(
		"""INSERT INTO `tabCampaign Bounce` (`name`, `creation`, `modified`, `email`, `bounce_type`, `cleared`,
			`received_on`, `status_code`)
		VALUES (%s, %s, %s, %s, 'Hard', 0, %s, '5.1.1'), (%s, %s, %s, %s, 'Hard', 1, %s, '5.1.1'),
			(%s, %s, %s, %s, 'Soft', 0, %s, '4.2.2')""",
		(f"m1{tag}", now, now, f"old-bounce-{tag}@example.org", now, f"m2{tag}", now, now,
			f"cleared-{tag}@example.org", now, f"m3{tag}", now, now, f"soft-{tag}@example.org", now),
	)  # fmt: skip
	frappe.db.sql(
		"""INSERT INTO `tabEmail Unsubscribe` (`name`, `creation`, `modified`, `email`, `global_unsubscribe`)
		VALUES (%s, %s, %s, %s, 1)""",
		(f"u1{tag}", now, now, f"old-unsub-{tag}@example.org"),
	)
	fill_suppression_list.execute()
	fill_suppression_list.execute()  # again: nothing twice
	found = records.active_reasons(
		[f"{p}-{tag}@example.org" for p in ("old-bounce", "cleared", "soft", "old-unsub")]
	)
	assert found == {
		f"old-bounce-{tag}@example.org": {"Hard Bounce"},
		f"old-unsub-{tag}@example.org": {"Unsubscribed"},
	}
	assert frappe.db.count("Campaign Suppression", {"email": f"old-bounce-{tag}@example.org"}) == 1
