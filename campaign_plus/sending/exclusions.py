# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Addresses other capabilities exclude from a campaign's sends, each with its reason.

Every function named in the ``campaign_plus_address_exclusions`` hook takes the campaign name and
its recipients (engine :class:`Recipient` objects: party type, party, email, …) and returns
``{reason: addresses}`` — set-based, a query or two whatever the number of recipients. The planner passes the union to the engine, which skips those recipients with
that reason (e.g. "Bounced Address", "No Consent"); Preview Schedule counts them the same way.
"""

from collections.abc import Iterable

import frappe

from campaign_plus.engine.schedule import Recipient, normalize_email

HOOK = "campaign_plus_address_exclusions"


def address_exclusions(campaign: str, recipients: Iterable[Recipient]) -> dict[str, set[str]]:
	recipients = [r for r in recipients if normalize_email(r.email)]
	result: dict[str, set[str]] = {}
	if not recipients:
		return result
	for path in frappe.get_hooks(HOOK):
		for reason, excluded in (frappe.get_attr(path)(campaign, recipients) or {}).items():
			result.setdefault(reason, set()).update(normalize_email(email) for email in excluded if email)
	return result
