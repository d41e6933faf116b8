# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Per-message headers of campaign email, added to the queued message in both send paths.

A send batch asks every function of the ``campaign_plus_message_headers`` hook once for the
headers of each of its Send Log rows (see hooks.py) and writes them into each Email Queue row's
message: both the delivery jobs and Frappe's own ``EmailQueue.send`` (the safety net) send that
message, and :mod:`campaign_plus.deliverability.outgoing` keeps its header block as queued and
signs it (DKIM) last. Headers that are not plain one-line ASCII, or that would replace one the
message is built with, are refused (logged once per batch).

This module's own hook function gives every campaign email ``X-Campaign-Plus-Send`` (its Send Log
row, signed), ``List-Unsubscribe`` (the one-click URL, and a ``mailto:`` when the sending account
has an incoming mailbox), ``List-Unsubscribe-Post`` and ``Feedback-ID``.
"""

from collections import defaultdict

import frappe

from campaign_plus.deliverability.settings import get_deliverability_settings
from campaign_plus.engine import mailheaders
from campaign_plus.utils import send_id, unsubscribe_links

HOOK = "campaign_plus_message_headers"
MAILTO_SUBJECT = "unsubscribe {0}"


def batch_headers(campaign: str, rows: list) -> dict[str, list[tuple[str, str]]]:
	"""{Send Log row: [(header, value), …]} from every function of the hook, in hook order.

	``rows``: the batch's rows to queue (name, email, party_type, party, step_idx, schedule_row,
	email_template, email_campaign, email_account)."""
	if not rows:
		return {}
	groups: dict[str, list[dict]] = defaultdict(list)
	for method in frappe.get_hooks(HOOK):
		result = frappe.get_attr(method)(campaign, rows) or {}
		for name, headers in result.items():
			groups[name].append(headers)
	headers_of, refused = {}, set()
	for row in rows:
		headers, bad = mailheaders.merge_headers(groups.get(row.name, []))
		headers_of[row.name] = headers
		refused.update(bad)
	if refused:
		frappe.log_error(
			title="Campaign Plus: campaign email headers refused",
			message="\n".join(f"{name}: {why}" for name, why in sorted(refused)),
		)
	return headers_of


def add_message_headers(campaign: str, items: list[tuple[dict, dict]]) -> None:
	"""Each queued message of a send batch ((Send Log row, Email Queue values) each) gets its
	headers, written into its text."""
	rows = [frappe._dict(row, email_account=data.get("email_account") or None) for row, data in items]
	headers = batch_headers(campaign, rows)
	for row, data in items:
		data["message"] = mailheaders.add_headers(data["message"], headers.get(row.name, []))


def mailboxes(accounts: set[str]) -> dict[str, str]:
	"""{Email Account: its address} for the accounts whose incoming mail the app reads."""
	if not accounts:
		return {}
	rows = frappe.get_all(
		"Email Account",
		filters={"name": ("in", sorted(accounts)), "enable_incoming": 1},
		fields=["name", "email_id"],
	)
	return {row.name: row.email_id for row in rows if row.email_id}


def list_headers(campaign: str, rows: list) -> dict[str, dict[str, str]]:
	"""Hook function: the send id, list headers and Feedback-ID of each row."""
	settings = get_deliverability_settings()
	sign_send = send_id.sign_many()
	sign_link = unsubscribe_links.token_signer()
	base = frappe.utils.get_url()
	inbox = (
		mailboxes({row.email_account for row in rows if row.get("email_account")})
		if (settings.mailto_unsubscribe)
		else {}
	)
	result, feedback = {}, {}
	for row in rows:
		key = (row.get("step_idx") or 0, row.get("email_account"))
		if key not in feedback:  # one per step and account: Gmail aggregates by it
			feedback[key] = mailheaders.feedback_id(
				campaign, f"step{key[0]}", key[1], settings.feedback_sender
			)
		token = row.get("unsubscribe_token") or sign_link(row.name)
		address = inbox.get(row.get("email_account"))
		mailto = mailheaders.mailto_uri(address, MAILTO_SUBJECT.format(token)) if address else None
		result[row.name] = {
			send_id.HEADER: sign_send(row.name),
			mailheaders.LIST_UNSUBSCRIBE: mailheaders.list_unsubscribe(
				unsubscribe_links.one_click_url(token, base), mailto
			),
			mailheaders.LIST_UNSUBSCRIBE_POST: mailheaders.ONE_CLICK,
			mailheaders.FEEDBACK_ID: feedback[key],
		}
	return result
