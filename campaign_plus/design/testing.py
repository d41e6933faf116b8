# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send Test: a design sent to one address as its campaign would send it.

Filled with a chosen recipient's data (the price that recipient pays, their fields), tracked
(in the step's aggregate only: the test names no Send Log row, its clicks still lead to the
links), built by Frappe's QueueBuilder without Frappe's layout around it and sent at once."""

import frappe
from frappe import _

from campaign_plus.design import identity
from campaign_plus.design.sending import BatchDesigns, DesignedLayout
from campaign_plus.sending.sender import CampaignQueueBuilder
from campaign_plus.tracking.messages import BatchTracker


def send_test_email(doc, email: str, party_type: str | None, party: dict | None) -> str:
	from frappe.email.doctype.email_account.email_account import EmailAccount

	campaign = doc.campaign
	campaign_doc = frappe.get_doc("Campaign", campaign).as_dict() if campaign else None
	tracker = None
	if campaign:
		tracker = BatchTracker(campaign, campaign_doc)
		tracker.consent_required = True  # tokens name the step, not a recipient
	designs = BatchDesigns(campaign, campaign_doc or {}, [], tracker)
	designs.by_template = {"test": doc.name}
	party_name = (party or {}).get("name")
	design = designs.get("test", lang=identity.recipient_language(party_type, party_name) if party else None)
	row = frappe._dict(
		name=f"test-{frappe.generate_hash(length=8)}",
		party_type=party_type,
		party=(party or {}).get("name"),
		email=email,
		schedule_row="",
		step_idx=0,
	)
	html, text = design.render(row, {**(party or {}), "cp_tracking_consent": None}, email)
	account = EmailAccount.find_outgoing(_raise_error=True)
	builder = CampaignQueueBuilder(
		DesignedLayout(account),
		recipients=[email],
		sender=account.default_sender,
		subject=_("[Test] {0}").format(doc.title),
		message=str(html),
		text_content=text,
		reference_doctype="Campaign" if campaign else doc.doctype,
		reference_name=campaign or doc.name,
		add_unsubscribe_link=0,  # the design's footer carries the unsubscribe page's link
	)
	builder.process(send_now=True)
	if tracker is not None:
		tracker.save([], frappe.utils.now_datetime())  # the link sets its clicks need
	return email
