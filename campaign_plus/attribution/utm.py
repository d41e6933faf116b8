# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""UTM parameters on tracked clicks to the company's own domains, at redirect time.

The click endpoint asks :func:`click_destination` where a verified click goes: links to the
domains listed in Campaign Plus Settings (*Own Domains*) get ``utm_source`` (the settings'),
``utm_medium=email``, ``utm_campaign`` (the campaign) and ``utm_content`` (``step-N``, with the
A/B variant letter) unless they carry a UTM parameter already; other links go on untouched. The
settings come from Frappe's document cache (no query on a click); the campaign, step and variant
come from the token for a step-tracked click, from the Send Log row (by primary key) for an
individually tracked one — only when the link is to an own domain.
"""

import frappe

from campaign_plus.engine import utm
from campaign_plus.tracking.messages import ROW, STEP

SETTINGS = "Campaign Plus Settings"


def own_domains_and_source() -> tuple[list[str], str | None]:
	if frappe.db.transaction_writes:
		# this transaction wrote (a test, a caller saving…): the values as it sees them, never
		# cached (Frappe's cache would keep them even if the transaction were rolled back)
		values = dict(
			frappe.db.sql(
				"""SELECT `field`, `value` FROM `tabSingles`
				WHERE `doctype` = %s AND `field` IN ('own_domains', 'utm_source')""",
				(SETTINGS,),
			)
		)
	else:  # a click: Frappe's document cache (cleared whenever the settings are saved or set)
		values = frappe.get_cached_doc(SETTINGS)
	try:
		domains = utm.parse_domains(values.get("own_domains"))
	except ValueError:  # RuleError: a list saved before validation existed
		domains = []
	return domains, values.get("utm_source")


def _message(fields: tuple[str, ...]) -> tuple[str, int, str | None] | None:
	"""(campaign, step, variant) of a click token's message."""
	if fields[0] == ROW and len(fields) == 4:
		row = frappe.db.sql(
			"SELECT `campaign`, `step_idx`, `variant` FROM `tabCampaign Send Log` WHERE `name` = %s",
			(fields[1],),
		)
		return tuple(row[0]) if row else None
	if fields[0] == STEP and len(fields) == 6:
		campaign, _schedule_row, step_idx = fields[1:4]
		return campaign, int(step_idx) if step_idx.isdigit() else 0, None
	return None


def click_destination(url: str, fields: tuple[str, ...] | None) -> str:
	"""Where a verified click on ``url`` goes: with the campaign's UTM parameters when it is a
	link to an own domain without them."""
	if not url or not fields:
		return url
	domains, source = own_domains_and_source()
	if not domains or not utm.is_own(url, domains) or utm.has_utm(url):
		return url
	message = _message(fields)
	if not message:
		return url
	campaign, step_idx, variant = message
	return utm.decorate(url, domains, utm.campaign_parameters(campaign, step_idx, variant, source))
