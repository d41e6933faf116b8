# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send Test: a design sent to one address as its campaign would send it.

Filled with a chosen recipient's data (the price that recipient pays, their fields), tracked as
the campaign's emails are so that it reads the same, but never counted: its tokens are test
tokens (:data:`campaign_plus.tracking.messages.TEST`), whose opens and clicks the hit recording
ignores (the links still lead to their pages), and its unsubscribe link leads to a page that
says it is a test. Built by Frappe's QueueBuilder without Frappe's layout around it and sent at
once."""

import frappe
from frappe import _

from campaign_plus.design import identity
from campaign_plus.design.sending import BatchDesigns, DesignedLayout
from campaign_plus.sending.sender import CampaignQueueBuilder
from campaign_plus.tracking.messages import BatchTracker
from campaign_plus.utils.unsubscribe_links import test_page_url


def send_test_email(
	doc,
	email: str,
	party_type: str | None,
	party: dict | None,
	campaign: str | None = None,
	subject: str | None = None,
	send_now: bool = True,
) -> str:
	"""Send design ``doc`` to ``email``, filled with ``party``'s data (a Lead's or Contact's row),
	for ``campaign`` (default: the design's own), under ``subject`` (default: the design's title)."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	campaign = campaign or doc.campaign
	campaign_doc = frappe.get_doc("Campaign", campaign).as_dict() if campaign else None
	tracker = BatchTracker(campaign, campaign_doc, test=True) if campaign else None
	designs = BatchDesigns(campaign, campaign_doc or {}, [], tracker)
	designs.by_template = {"test": doc.name}
	party_name = (party or {}).get("name")
	design = designs.get("test", lang=identity.recipient_language(party_type, party_name) if party else None)
	row = frappe._dict(
		name="test",
		party_type=party_type,
		party=party_name,
		email=email,
		schedule_row="",
		step_idx=0,
	)
	html, text = design.render(row, party or {}, email, unsubscribe=test_page_url(campaign))
	account = EmailAccount.find_outgoing(_raise_error=True)
	builder = CampaignQueueBuilder(
		DesignedLayout(account),
		recipients=[email],
		sender=account.default_sender,
		subject=_("[Test] {0}").format(subject or doc.title),
		message=str(html),
		text_content=text,
		reference_doctype="Campaign" if campaign else doc.doctype,
		reference_name=campaign or doc.name,
		add_unsubscribe_link=0,  # the design's footer carries the unsubscribe link
	)
	builder.process(send_now=send_now)
	if tracker is not None:
		tracker.save([], frappe.utils.now_datetime())  # the link sets its links lead through
	return email
