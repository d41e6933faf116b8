# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Capabilities that hold campaign email back (the reputation guard's pause, for one): asked by a
send batch before it queues rows, and by a delivery job before each chunk.

- ``campaign_plus_send_holds``: each function takes (campaign, accounts) — the outgoing Email
  Accounts the batch would send through — and returns the reason its rows wait with (Deferred,
  until an event releases them), or None.
- ``campaign_plus_delivery_holds``: each function takes (campaign, account, Email Queue names) and
  returns the names it took back (their Email Queue rows gone, their ledger rows waiting again);
  the delivery job sends the others.
"""

import frappe

SEND_HOOK = "campaign_plus_send_holds"
DELIVERY_HOOK = "campaign_plus_delivery_holds"


def send_hold(campaign: str, accounts: set[str]) -> str | None:
	for path in frappe.get_hooks(SEND_HOOK):
		reason = frappe.get_attr(path)(campaign, accounts)
		if reason:
			return reason
	return None


def withheld(campaign: str | None, account: str | None, names: list[str]) -> list[str]:
	taken: list[str] = []
	for path in frappe.get_hooks(DELIVERY_HOOK):
		left = [name for name in names if name not in set(taken)]
		if not left:
			break
		taken += frappe.get_attr(path)(campaign, account, left) or []
	return taken
