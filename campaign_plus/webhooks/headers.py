# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Per-message metadata for the email service an account sends through, so that its webhook
events name the Send Log row even when the service replaces the Message-ID: SES message tags,
SendGrid unique arguments, Mailgun variables, Postmark metadata, Brevo's ``X-Mailin-custom``
(the values: :func:`campaign_plus.engine.providers.message_headers`).

A function of the ``campaign_plus_message_headers`` hook: (campaign, rows) → {row: {header: value}}.
"""

import frappe

from campaign_plus.engine import providers
from campaign_plus.utils import send_id
from campaign_plus.webhooks.settings import ROW, SETTINGS


def provider_headers(campaign: str, rows: list) -> dict[str, dict[str, str]]:
	accounts = {row.get("email_account") for row in rows if row.get("email_account")}
	if not accounts:
		return {}
	provider_of = dict(
		frappe.get_all(
			ROW,
			filters={
				"parent": SETTINGS,
				"parentfield": "webhooks",
				"email_account": ("in", sorted(accounts)),
			},
			fields=["email_account", "provider"],
			as_list=True,
		)
	)
	if not provider_of:
		return {}
	sign = send_id.sign_many()
	result = {}
	for row in rows:
		provider = provider_of.get(row.get("email_account"))
		if provider:
			result[row.name] = providers.message_headers(provider, sign(row.name))
	return result
