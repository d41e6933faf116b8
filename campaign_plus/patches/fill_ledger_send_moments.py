# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Ledger rows written before send windows have no planned moment (UTC): take the moment they were
queued (else created), so that the frequency cap counts the emails already sent."""

import datetime as dt

import frappe

from campaign_plus.engine.windows import CAP_STATUSES, send_moment
from campaign_plus.windows.zones import site_zone


def execute():
	if not frappe.db.has_column("Campaign Send Log", "send_at"):
		return
	statuses = list(CAP_STATUSES)
	days = frappe.db.sql(
		"""SELECT DISTINCT DATE(COALESCE(`queued_on`, `creation`)) FROM `tabCampaign Send Log`
		WHERE `send_at` IS NULL AND `status` IN %(statuses)s""",
		{"statuses": statuses},
		pluck=True,
	)
	zone = site_zone()
	for day in days:
		if not day:
			continue
		# the site's offset that day (a change of summer time shifts a few rows by an hour at most)
		noon = dt.datetime.combine(day, dt.time(12))
		offset = int((noon - send_moment(day, dt.time(12), zone).replace(tzinfo=None)).total_seconds())
		frappe.db.sql(
			"""UPDATE `tabCampaign Send Log`
			SET `send_at` = COALESCE(`queued_on`, `creation`) - INTERVAL %(offset)s SECOND
			WHERE `send_at` IS NULL AND `status` IN %(statuses)s
				AND COALESCE(`queued_on`, `creation`) >= %(start)s
				AND COALESCE(`queued_on`, `creation`) < %(end)s""",
			{"offset": offset, "statuses": statuses, "start": day, "end": day + dt.timedelta(days=1)},
		)
