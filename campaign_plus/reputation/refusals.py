# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Refusals for the sender's reputation, as the delivery report classifies them, counted once.

A listener of ``campaign_plus_delivery_listeners``: the delivery job classifies each SMTP answer
with the engine (:func:`campaign_plus.engine.pacing.classify`); the answers of the reputation
class (Gmail's 4.7.28 rate limit and 4.7.26 to 5.7.32, Outlook's 5.7.515, a block list) are in
``report.reputation``, whatever became of the message (a 4xx waits and goes again, a 5xx is
refused: its Send Log row *Failed*, not a hard bounce). Each row gets ``reputation_refused_on``
once — a message rate-limited three times is one refusal — and the guard judges the campaigns
and the accounts of the rows newly marked.
"""

import frappe
from frappe.utils import create_batch, now_datetime

LEDGER = "Campaign Send Log"
CHUNK = 1000


def record_refusals(report) -> list[str]:
	"""Mark the report's reputation refusals on their Send Log rows (once); judge their campaigns
	and accounts. The rows newly marked."""
	names = sorted({refusal.email_queue for refusal in report.reputation})
	if not names:
		return []
	marked, campaigns, accounts = [], set(), set()
	now = now_datetime()
	for chunk in create_batch(names, CHUNK):
		rows = frappe.db.sql(
			f"""SELECT `name`, `campaign`, `email_account` FROM `tab{LEDGER}`
			WHERE `name` IN %(names)s AND `reputation_refused_on` IS NULL FOR UPDATE""",
			{"names": tuple(chunk)},
		)
		if not rows:
			continue
		frappe.db.sql(
			f"UPDATE `tab{LEDGER}` SET `reputation_refused_on` = %(now)s WHERE `name` IN %(names)s",
			{"now": now, "names": tuple(name for name, _campaign, _account in rows)},
		)
		for name, campaign, account in rows:
			marked.append(name)
			campaigns.add(campaign)
			if account:
				accounts.add(account)
	if marked:
		from campaign_plus.reputation.guard import judge

		judge(campaigns, accounts)
	return marked
