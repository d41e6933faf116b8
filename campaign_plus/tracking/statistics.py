# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Engagement figures per step and per campaign: a few aggregate queries, the engine's rates.

Per step (Campaign Email Schedule row): sent, delivered, unique opens and clicks (ledger rows
with a hit; a click counts as an open), open / click hits, the aggregate hits of recipients
tracked only in aggregate, hard and soft bounces, unsubscribes (each given to the last step
sent to the address before it unsubscribed from the campaign), replies; clicks per link.
"""

from collections import defaultdict

import frappe

from campaign_plus.engine import tracking
from campaign_plus.engine.tracking import StepFigures

CARD_FIELDS = {
	"cp_emails_delivered": lambda e: e.delivered,
	"cp_unique_opens": lambda e: e.figures.unique_opens + e.figures.aggregate_opens,
	"cp_open_rate": lambda e: e.open_rate,
	"cp_unique_clicks": lambda e: e.figures.unique_clicks + e.figures.aggregate_clicks,
	"cp_click_rate": lambda e: e.click_rate,
	"cp_hard_bounces": lambda e: e.figures.hard_bounces,
	"cp_soft_bounces": lambda e: e.figures.soft_bounces,
	"cp_bounce_rate": lambda e: e.bounce_rate,
	"cp_complaints": lambda e: e.figures.complaints,
	"cp_complaint_rate": lambda e: e.complaint_rate,
	"cp_email_unsubscribes": lambda e: e.figures.unsubscribes,
	"cp_email_replies": lambda e: e.figures.replies,
	"cp_reply_rate": lambda e: e.reply_rate,
}


def steps(campaign: str) -> list[dict]:
	"""Each step of the campaign with its figures (``figures``) and rates (``engagement``)."""
	values = {"campaign": campaign}
	rows = frappe.db.sql(
		"""SELECT `schedule_row`, MAX(`step_idx`) AS step_idx, MAX(`step_label`) AS step_label,
			MAX(`email_template`) AS email_template,
			SUM(`status` IN ('Queued', 'Sent', 'Bounced', 'Complained')) AS queued,
			SUM(`status` IN ('Sent', 'Bounced', 'Complained')) AS sent,
			SUM(`status` = 'Bounced') AS hard_bounces,
			SUM(`status` = 'Complained' OR `complained_on` IS NOT NULL) AS complaints,
			SUM(`soft_bounces` > 0) AS soft_bounces,
			SUM(`opens` > 0 OR `clicks` > 0) AS unique_opens,
			SUM(`clicks` > 0) AS unique_clicks,
			SUM(`opens`) AS opens, SUM(`clicks`) AS clicks,
			SUM(`replied_on` IS NOT NULL) AS replies
		FROM `tabCampaign Send Log` WHERE `campaign` = %(campaign)s
		GROUP BY `schedule_row`""",
		values,
		as_dict=True,
	)
	aggregate = defaultdict(int)
	for row in frappe.db.sql(
		"""SELECT `schedule_row`, `kind`, SUM(`hits`) AS hits FROM `tabCampaign Step Engagement`
		WHERE `campaign` = %(campaign)s GROUP BY `schedule_row`, `kind`""",
		values,
		as_dict=True,
	):
		aggregate[(row.schedule_row, row.kind)] = int(row.hits or 0)
	unsubscribes = _unsubscribes(campaign)
	links = clicks_per_link(campaign)
	result = []
	for row in sorted(rows, key=lambda r: (r.step_idx or 0, r.schedule_row or "")):
		if not row.queued:
			continue  # nothing left yet (planned, skipped)
		figures = StepFigures(
			sent=int(row.sent or 0),
			hard_bounces=int(row.hard_bounces or 0),
			soft_bounces=int(row.soft_bounces or 0),
			unique_opens=int(row.unique_opens or 0),
			unique_clicks=int(row.unique_clicks or 0),
			opens=int(row.opens or 0),
			clicks=int(row.clicks or 0),
			aggregate_opens=aggregate.get((row.schedule_row, tracking.OPEN), 0),
			aggregate_clicks=aggregate.get((row.schedule_row, tracking.CLICK), 0),
			unsubscribes=unsubscribes.get(row.schedule_row, 0),
			replies=int(row.replies or 0),
			complaints=int(row.complaints or 0),
		)
		result.append(
			{
				"schedule_row": row.schedule_row,
				"step_idx": row.step_idx,
				"label": row.step_label or row.email_template,
				"figures": figures,
				"engagement": tracking.engagement(figures),
				"links": links.get(row.schedule_row, {}),
			}
		)
	return result


def campaign_engagement(campaign: str, per_step: list[dict] | None = None) -> tracking.Engagement:
	total = StepFigures()
	for step in steps(campaign) if per_step is None else per_step:
		total = total + step["figures"]
	return tracking.engagement(total)


def card_values(campaign: str) -> dict:
	engagement = campaign_engagement(campaign)
	return {field: getter(engagement) or 0 for field, getter in CARD_FIELDS.items()}


def clicks_per_link(campaign: str) -> dict[str, dict[str, int]]:
	"""{step: {url: clicks}}: individual clicks (bots left out) and aggregate ones."""
	result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
	for row in frappe.db.sql(
		"""SELECT l.`schedule_row`, e.`link_url`, COUNT(*) AS n
		FROM `tabCampaign Engagement Event` e
		JOIN `tabCampaign Send Log` l ON l.`name` = e.`send_log`
		WHERE e.`campaign` = %(campaign)s AND e.`kind` = 'Click' AND e.`user_agent_class` != 'Bot'
		GROUP BY l.`schedule_row`, e.`link_url`
		UNION ALL
		SELECT `schedule_row`, `link_url`, SUM(`hits`) AS n FROM `tabCampaign Step Engagement`
		WHERE `campaign` = %(campaign)s AND `kind` = 'Click'
		GROUP BY `schedule_row`, `link_url`""",
		{"campaign": campaign},
		as_dict=True,
	):
		result[row.schedule_row][row.link_url or ""] += int(row.n or 0)
	return {step: dict(urls) for step, urls in result.items()}


def _unsubscribes(campaign: str) -> dict[str, int]:
	"""Unsubscribes from the campaign (Frappe's link in its emails), per step they followed."""
	events = frappe.db.sql(
		"""SELECT `email`, `creation` FROM `tabEmail Unsubscribe`
		WHERE `reference_doctype` = 'Campaign' AND `reference_name` = %(campaign)s""",
		{"campaign": campaign},
	)
	if not events:
		return {}
	sends = frappe.db.sql(
		"""SELECT `schedule_row`, `email`, COALESCE(`sent_on`, `queued_on`) FROM `tabCampaign Send Log`
		WHERE `campaign` = %(campaign)s AND `status` IN ('Queued', 'Sent', 'Bounced', 'Complained')
			AND `email` IN %(emails)s""",
		{"campaign": campaign, "emails": tuple({email for email, _on in events})},
	)
	return tracking.attribute_to_steps(sends, events)


def chart(per_step: list[dict]) -> dict:
	"""The Campaign form's per-step chart."""
	return {
		"labels": [f"{step['step_idx']}. {step['label'] or ''}".strip() for step in per_step],
		"datasets": [
			{"name": name, "values": [getter(step) for step in per_step]}
			for name, getter in (
				("Delivered", lambda s: s["engagement"].delivered),
				("Opened", lambda s: s["figures"].unique_opens + s["figures"].aggregate_opens),
				("Clicked", lambda s: s["figures"].unique_clicks + s["figures"].aggregate_clicks),
				("Bounced", lambda s: s["figures"].hard_bounces + s["figures"].soft_bounces),
				("Unsubscribed", lambda s: s["figures"].unsubscribes),
				("Complained", lambda s: s["figures"].complaints),
				("Replied", lambda s: s["figures"].replies),
			)
		],
	}
