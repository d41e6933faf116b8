# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Which email service each outgoing Email Account sends through, and how its webhook proves itself
(Campaign Plus Settings → Email Service Webhooks, one row per account)."""

from dataclasses import dataclass
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import get_url
from frappe.utils.password import get_decrypted_password

from campaign_plus.engine import providers

SETTINGS = "Campaign Plus Settings"
ROW = "Campaign Plus Webhook"
ENDPOINTS = {
	providers.SES: "ses",
	providers.SENDGRID: "sendgrid",
	providers.MAILGUN: "mailgun",
	providers.POSTMARK: "postmark",
	providers.BREVO: "brevo",
}
NEEDS = {
	providers.SES: "topic_arn",
	providers.SENDGRID: "verification_key",
	providers.MAILGUN: "secret",
	providers.POSTMARK: "secret",
	providers.BREVO: "secret",
}


@dataclass(frozen=True)
class WebhookConfig:
	name: str
	email_account: str
	provider: str
	secret: str | None
	verification_key: str | None
	topic_arn: str | None
	auth_user: str | None = None


def webhook_url(provider: str, email_account: str) -> str:
	return get_url(
		f"/api/method/campaign_plus.webhooks.api.{ENDPOINTS[provider]}?account={quote(email_account)}"
	)


def config_for(provider: str, email_account: str | None) -> WebhookConfig | None:
	"""The configured row for ``provider`` and ``email_account`` (None: not configured)."""
	if not email_account or not isinstance(email_account, str) or len(email_account) > 140:
		return None
	rows = frappe.db.sql(  # read as is, whoever the request runs as (a guest, an API key's user)
		f"""SELECT `name`, `email_account`, `provider`, `verification_key`, `topic_arn`, `auth_user`
		FROM `tab{ROW}` WHERE `parent` = %(settings)s AND `parenttype` = %(settings)s
			AND `parentfield` = 'webhooks' AND `provider` = %(provider)s AND `email_account` = %(account)s
		ORDER BY `idx` LIMIT 1""",
		{"settings": SETTINGS, "provider": provider, "account": email_account},
		as_dict=True,
	)
	if not rows:
		return None
	row = rows[0]
	secret = get_decrypted_password(ROW, row.name, "secret", raise_exception=False)
	return WebhookConfig(
		row.name,
		row.email_account,
		row.provider,
		secret or None,
		(row.verification_key or "").strip() or None,
		(row.topic_arn or "").strip() or None,
		row.auth_user or None,
	)


def provider_of(email_account: str | None) -> str | None:
	"""The email service ``email_account`` sends through (for its per-message headers)."""
	if not email_account:
		return None
	return frappe.db.get_value(
		ROW, {"parent": SETTINGS, "parentfield": "webhooks", "email_account": email_account}, "provider"
	)


def validate_webhooks(settings) -> None:
	"""Settings ``validate``: one row per account, what each provider needs, the URL to give it."""
	seen = set()
	for row in settings.get("webhooks") or []:
		if row.email_account in seen:
			frappe.throw(
				_("Row {0}: {1} has a webhook in another row already.").format(
					row.idx, frappe.bold(row.email_account)
				),
				title=_("Duplicate Email Account"),
			)
		seen.add(row.email_account)
		needed = NEEDS.get(row.provider)
		if needed == "secret":
			has_it = bool(row.secret) or bool(
				not row.is_new() and get_decrypted_password(ROW, row.name, "secret", raise_exception=False)
			)
			has_it = has_it or (row.provider != providers.MAILGUN and bool(row.get("auth_user")))
		else:
			has_it = bool((row.get(needed) or "").strip()) if needed else True
		if not has_it:
			label = _(row.meta.get_label(needed))
			frappe.throw(
				_("Row {0}: {1} needs its {2}.").format(row.idx, _(row.provider), frappe.bold(label)),
				title=_("Missing Webhook Setting"),
			)
		if row.provider == providers.SES and not (row.topic_arn or "").strip().startswith("arn:aws"):
			frappe.throw(_("Row {0}: the SNS Topic ARN starts with arn:aws.").format(row.idx))
		row.webhook_url = webhook_url(row.provider, row.email_account)
