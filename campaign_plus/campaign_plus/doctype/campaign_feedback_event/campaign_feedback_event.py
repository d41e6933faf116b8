# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignFeedbackEvent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		communication: DF.Link | None
		detail: DF.SmallText | None
		email: DF.Data | None
		email_account: DF.Link | None
		event_key: DF.Data | None
		event_type: DF.Literal["Delivered", "Hard Bounce", "Soft Bounce", "Complaint", "Unsubscribe"]
		occurred_on: DF.Datetime | None
		provider: DF.Literal["Feedback Loop", "Amazon SES", "SendGrid", "Mailgun", "Postmark", "Brevo"]
		request: DF.Data | None
		send_log: DF.Link | None
		status_code: DF.Data | None
	# end: auto-generated types

	pass


def on_doctype_update():
	# the same event of a provider is recorded (and applied) once
	frappe.db.add_unique(
		"Campaign Feedback Event", ["provider", "event_key"], constraint_name="unique_provider_event"
	)
	frappe.db.add_index("Campaign Feedback Event", ["request"])
	frappe.db.add_index("Campaign Feedback Event", ["email_account", "occurred_on"])
	frappe.db.add_index("Campaign Feedback Event", ["campaign", "event_type"])
