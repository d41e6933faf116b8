# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CampaignPlusWebhook(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		auth_user: DF.Link | None
		email_account: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		provider: DF.Literal["Amazon SES", "SendGrid", "Mailgun", "Postmark", "Brevo"]
		secret: DF.Password | None
		topic_arn: DF.Data | None
		verification_key: DF.SmallText | None
		webhook_url: DF.SmallText | None
	# end: auto-generated types

	pass
