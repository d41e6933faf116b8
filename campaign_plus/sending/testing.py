# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send Test Email of a campaign step: the step's email, as its recipients get it, to the user.

Rendered for a sample recipient of the campaign, in Frappe's layout as the send batch builds it,
with its tracked links and open pixel and the sender's footer — but never counted: its tracking
tokens are test tokens (:data:`campaign_plus.tracking.messages.TEST`), which the hit recording
ignores (the links still lead to their pages), and its unsubscribe link leads to a page that
says it is a test (:func:`campaign_plus.utils.unsubscribe_links.test_page_url`). A step whose
template has an Email Design sends the design (:mod:`campaign_plus.design.testing`).
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from campaign_plus.sending.recipients import load_recipients
from campaign_plus.sending.sender import (
	CampaignLayout,
	CampaignQueueBuilder,
	CompiledTemplate,
	compile_templates,
	party_documents,
)
from campaign_plus.tracking.messages import BatchTracker
from campaign_plus.utils.footer import footer, has_footer
from campaign_plus.utils.language import recipient_language
from campaign_plus.utils.unsubscribe_links import test_page_url

DESIGN_PARTY_TYPES = ("Lead", "Contact")


def send_step_test(campaign_doc, step, email: str) -> str:
	"""Queue the test email of ``step`` (a row of the campaign's schedule) to ``email``."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	from campaign_plus.design.sending import template_designs

	campaign = campaign_doc.name
	template = compile_templates({step.email_template}).get(step.email_template)
	if not isinstance(template, CompiledTemplate):
		frappe.throw(
			_("Email Template {0} cannot be used: {1}").format(frappe.bold(step.email_template), template),
			title=_("Template Error"),
		)
	sample = next(iter(load_recipients(campaign)), None)
	party_type, party, document = None, None, None
	if sample:
		party_type, party = sample.party_type, sample.party
		document = party_documents([frappe._dict(party_type=party_type, party=party)]).get(
			(party_type, party)
		)
	try:
		subject, message = template.render(
			{"doc": document or frappe._dict(), "campaign": campaign_doc.as_dict(), "recipient": email}
		)
	except Exception as error:
		frappe.throw(
			_("Email Template {0} cannot be rendered: {1}").format(frappe.bold(step.email_template), error),
			title=_("Template Error"),
		)
	design = template_designs([step.email_template]).get(step.email_template)
	if design:
		from campaign_plus.design.testing import send_test_email

		designed_party = document if party_type in DESIGN_PARTY_TYPES else None
		return send_test_email(
			frappe.get_doc("Campaign Email Design", design),
			email,
			party_type if designed_party else None,
			designed_party,
			campaign=campaign,
			subject=subject,
			send_now=False,
		)

	tracker = BatchTracker(campaign, campaign_doc.as_dict(), test=True)
	row = frappe._dict(
		name="test",
		party_type=party_type,
		party=party,
		email=email,
		schedule_row=step.name,
		step_idx=step.idx,
	)
	body, text = tracker.track(row, document, message)
	if not has_footer(body):  # the sender's footer, as each campaign email ends
		footer_html, footer_text = footer(
			campaign, recipient_language(party_type, party), test_page_url(campaign)
		)
		body, text = body + footer_html, (text + footer_text if text is not None else None)
	account = EmailAccount.find_outgoing(_raise_error=True)
	CampaignQueueBuilder(
		CampaignLayout(account),
		recipients=[email],
		sender=account.default_sender,
		subject=_("[Test] {0}").format(subject),
		message=body,
		text_content=text,
		reference_doctype="Campaign",
		reference_name=campaign,
		add_unsubscribe_link=0,  # the footer carries the (test) unsubscribe link
	).process()
	tracker.save([], now_datetime())  # the link sets its links lead through
	return email
