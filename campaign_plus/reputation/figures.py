# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A campaign's or an outgoing Email Account's recent sends, as the guard counts them: one query.

Sent: rows that left with a known outcome (Sent, Bounced, Complained) queued since ``since``;
hard bounces: Bounced rows whose refusal does not blame the sender's reputation; reputation
refusals: the others (Gmail 5.7.26 to 5.7.32, Outlook 5.7.515, see the engine); complaints:
rows complained about.
"""

import frappe

from campaign_plus.engine.reputation import REFUSAL_SQL_PATTERN, Figures
from campaign_plus.engine.schedule import BOUNCED, COMPLAINED, SENT

LEDGER = "Campaign Send Log"


def _figures(column: str, value: str, since) -> Figures:
	row = frappe.db.sql(
		f"""SELECT COUNT(*),
			SUM(`status` = %(bounced)s AND NOT (IFNULL(`error`, '') REGEXP %(refusal)s)),
			SUM(`status` = %(complained)s OR `complained_on` IS NOT NULL),
			SUM(`status` = %(bounced)s AND IFNULL(`error`, '') REGEXP %(refusal)s)
		FROM `tab{LEDGER}`
		WHERE `{column}` = %(value)s AND `status` IN %(left)s AND `queued_on` >= %(since)s""",
		{
			"value": value,
			"since": since,
			"bounced": BOUNCED,
			"complained": COMPLAINED,
			"refusal": REFUSAL_SQL_PATTERN,
			"left": (SENT, BOUNCED, COMPLAINED),
		},
	)[0]
	sent, hard, complaints, refusals = (int(value or 0) for value in row)
	return Figures(sent, hard, complaints, refusals)


def campaign_figures(campaign: str, since) -> Figures:
	return _figures("campaign", campaign, since)


def account_figures(account: str, since) -> Figures:
	return _figures("email_account", account, since)
