# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The suppression list, from what kept addresses out before it existed: every hard Campaign Bounce
nobody cleared (*Hard Bounce*) and every global Email Unsubscribe (*Unsubscribed*), so that the
planner, which now reads the list, keeps out exactly whom it kept out before. Its Send Log rows
get the Email Account they went through (from their Email Queue row) for the guard and the
deliverability view. Run again, it adds nothing twice (one entry per address and reason)."""

import frappe

from campaign_plus.engine import suppression as rules
from campaign_plus.suppression import records


def execute():
	if not frappe.db.table_exists(records.DOCTYPE):
		return
	bounces = frappe.db.sql(
		"""SELECT `email`, MIN(`received_on`), MIN(`campaign`), MIN(`send_log`), MIN(`status_code`)
		FROM `tabCampaign Bounce` WHERE `bounce_type` = 'Hard' AND `cleared` = 0 AND `email` IS NOT NULL
		GROUP BY `email`"""
	)
	records.add(
		records.Entry(
			email,
			rules.HARD_BOUNCE,
			rules.MIGRATION,
			campaign=campaign,
			send_log=send_log,
			note=status,
			since=since,
		)
		for email, since, campaign, send_log, status in bounces
	)
	unsubscribes = frappe.db.sql(
		"""SELECT `email`, MIN(`creation`) FROM `tabEmail Unsubscribe`
		WHERE `global_unsubscribe` = 1 AND `email` IS NOT NULL GROUP BY `email`"""
	)
	records.add(
		records.Entry(email, rules.UNSUBSCRIBE, rules.MIGRATION, since=since) for email, since in unsubscribes
	)
	if frappe.db.has_column("Campaign Send Log", "email_account"):
		frappe.db.sql(
			"""UPDATE `tabCampaign Send Log` l JOIN `tabEmail Queue` q ON q.`name` = l.`email_queue`
			SET l.`email_account` = q.`email_account`
			WHERE l.`email_account` IS NULL AND q.`email_account` IS NOT NULL"""
		)
