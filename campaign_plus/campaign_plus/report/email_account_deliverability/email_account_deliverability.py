# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Email Account Deliverability: per outgoing Email Account, over the last 7 or 30 days, what its
campaign emails became — sent, delivered (reported by an email service), hard and soft bounces,
complaints, unsubscribes, refusals for reputation — and the rates the reputation guard watches,
in red past its thresholds. Two aggregate queries."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, now_datetime

from campaign_plus.engine.reputation import COMPLAINTS, HARD_BOUNCES, REFUSALS, Figures
from campaign_plus.reputation.figures import COMPLAINT_SQL, HARD_BOUNCE_SQL, REFUSED_SQL, SENT_SQL, VALUES
from campaign_plus.reputation.guard import active_pauses
from campaign_plus.reputation.settings import get_guard_settings


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns() -> list[dict]:
	def column(fieldname, label, fieldtype, width=110, options=None):
		col = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
		if options:
			col["options"] = options
		return col

	return [
		column("email_account", _("Email Account"), "Link", 200, "Email Account"),
		column("sent", _("Emails Sent"), "Int"),
		column("delivered", _("Delivered (Reported)"), "Int", 130),
		column("hard_bounces", _("Hard Bounces"), "Int"),
		column("hard_bounce_rate", _("Hard Bounce Rate %"), "Percent", 120),
		column("soft_bounces", _("Soft Bounces"), "Int"),
		column("complaints", _("Complaints"), "Int"),
		column("complaint_rate", _("Complaint Rate %"), "Percent", 120),
		column("refusals", _("Reputation Refusals"), "Int", 130),
		column("refusal_rate", _("Reputation Refusal Rate %"), "Percent", 150),
		column("unsubscribes", _("Unsubscribes (Reported)"), "Int", 150),
		column("paused", _("Sending"), "Data", 90),
	]


def data(filters) -> list[dict]:
	days = 30 if cint(filters.days) == 30 else 7
	since = add_days(now_datetime(), -days)
	condition, values = "", {**VALUES, "since": since}
	if filters.email_account:
		condition = "AND `email_account` = %(account)s"
		values["account"] = filters.email_account
	rows = frappe.db.sql(
		f"""SELECT `email_account`,
			SUM({SENT_SQL}) AS sent,
			SUM(`delivered_on` IS NOT NULL) AS delivered,
			SUM({HARD_BOUNCE_SQL}) AS hard_bounces,
			SUM({REFUSED_SQL}) AS refusals,
			SUM(`soft_bounces` > 0) AS soft_bounces,
			SUM({COMPLAINT_SQL}) AS complaints
		FROM `tabCampaign Send Log`
		WHERE `email_account` IS NOT NULL AND `queued_on` >= %(since)s {condition}
		GROUP BY `email_account` ORDER BY `email_account`""",
		values,
		as_dict=True,
	)
	unsubscribes = dict(
		frappe.db.sql(
			f"""SELECT `email_account`, COUNT(*) FROM `tabCampaign Feedback Event`
			WHERE `event_type` = 'Unsubscribe' AND `occurred_on` >= %(since)s {condition}
			GROUP BY `email_account`""",
			values,
		)
	)
	thresholds = get_guard_settings().thresholds
	result = []
	for row in rows:
		figures = Figures(int(row.sent or 0), int(row.hard_bounces or 0), int(row.complaints or 0),
			int(row.refusals or 0))  # fmt: skip
		paused = bool(active_pauses(None, [row.email_account]))
		rates = {measure: figures.rate(measure) for measure in (HARD_BOUNCES, COMPLAINTS, REFUSALS)}
		result.append(
			{
				**{key: int(value or 0) for key, value in row.items() if key != "email_account"},
				"email_account": row.email_account,
				"hard_bounce_rate": rates[HARD_BOUNCES],
				"complaint_rate": rates[COMPLAINTS],
				"refusal_rate": rates[REFUSALS],
				"hard_bounce_rate_over": bool(
					thresholds.hard_bounce_rate and (rates[HARD_BOUNCES] or 0) >= thresholds.hard_bounce_rate
				),
				"complaint_rate_over": bool(
					thresholds.complaint_rate and (rates[COMPLAINTS] or 0) >= thresholds.complaint_rate
				),
				"unsubscribes": int(unsubscribes.get(row.email_account) or 0),
				"is_paused": paused,
				"paused": _("Paused") if paused else _("Running"),
			}
		)
	return result
