# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A campaign's or an outgoing Email Account's recent sends, as the guard counts them: one query.

Every measure counts a Send Log row at most once (a row is one message):

- sent: rows that left with a known outcome (Sent, Bounced, Complained) queued since ``since``,
  and rows a mail server refused for the sender's reputation (their Send Log row *Failed*);
- reputation refusals: rows with ``reputation_refused_on`` — set once, by
  :mod:`campaign_plus.reputation.refusals`, from the delivery report's class (the engine's
  :func:`~campaign_plus.engine.pacing.classify`: 4xx rate limits such as Gmail's 4.7.28 as
  well as 5xx refusals such as 5.7.26 or Outlook's 5.7.515, however often the row met one) —
  and Bounced rows whose DSN blames the sender's reputation (a relay accepted, then bounced);
- hard bounces: the other Bounced rows;
- complaints: rows complained about.
"""

import frappe

from campaign_plus.engine.reputation import REFUSAL_SQL_PATTERN, Figures
from campaign_plus.engine.schedule import BOUNCED, COMPLAINED, SENT

LEDGER = "Campaign Send Log"

# SQL over `tabCampaign Send Log` (parameters: VALUES), shared with the deliverability report.
_DSN_REFUSAL = "(`status` = %(bounced)s AND IFNULL(`error`, '') REGEXP %(refusal)s)"
REFUSED_SQL = f"(`reputation_refused_on` IS NOT NULL OR {_DSN_REFUSAL})"
SENT_SQL = "(`status` IN %(left)s OR `reputation_refused_on` IS NOT NULL)"
HARD_BOUNCE_SQL = f"(`status` = %(bounced)s AND NOT {_DSN_REFUSAL})"
COMPLAINT_SQL = "(`status` = %(complained)s OR `complained_on` IS NOT NULL)"
VALUES = {
	"bounced": BOUNCED,
	"complained": COMPLAINED,
	"refusal": REFUSAL_SQL_PATTERN,
	"left": (SENT, BOUNCED, COMPLAINED),
}


def _figures(column: str, value: str, since) -> Figures:
	row = frappe.db.sql(
		f"""SELECT COUNT(*), SUM({HARD_BOUNCE_SQL}), SUM({COMPLAINT_SQL}), SUM({REFUSED_SQL})
		FROM `tab{LEDGER}`
		WHERE `{column}` = %(value)s AND {SENT_SQL} AND `queued_on` >= %(since)s""",
		{**VALUES, "value": value, "since": since},
	)[0]
	sent, hard, complaints, refusals = (int(value or 0) for value in row)
	return Figures(sent, hard, complaints, refusals)


def campaign_figures(campaign: str, since) -> Figures:
	return _figures("campaign", campaign, since)


def account_figures(account: str, since) -> Figures:
	return _figures("email_account", account, since)
