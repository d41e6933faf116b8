# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Addresses other capabilities exclude from a campaign's sends, each with its reason.

Every function named in the ``campaign_plus_address_exclusions`` hook takes the campaign name and
the set of its recipients' addresses (lower case) and returns ``{reason: addresses}`` — one query
each, set-based. The planner passes the union to the engine, which skips those recipients with
that reason (e.g. "Bounced Address", "No Consent"); Preview Schedule counts them the same way.
"""

from collections.abc import Iterable

import frappe

from campaign_plus.engine.schedule import Recipient, normalize_email

HOOK = "campaign_plus_address_exclusions"


def address_exclusions(campaign: str, recipients: Iterable[Recipient]) -> dict[str, set[str]]:
	emails = {normalize_email(r.email) for r in recipients if r.email}
	result: dict[str, set[str]] = {}
	if not emails:
		return result
	for path in frappe.get_hooks(HOOK):
		for reason, excluded in (frappe.get_attr(path)(campaign, emails) or {}).items():
			result.setdefault(reason, set()).update(normalize_email(email) for email in excluded if email)
	return result
