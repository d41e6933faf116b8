# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""ERPNext's own Email Campaign sending must not also send while campaign_plus does.

Its daily job is stopped on install and after every migrate, and restarted on uninstall; if it
is run by hand anyway, the Communication it would send for a campaign's schedule is refused.
ERPNext's status job keeps running (and the planner saves the statuses it computes).
"""

import frappe
from frappe import _

STOCK_SEND_JOB = "erpnext.crm.doctype.email_campaign.email_campaign.send_email_to_leads_or_contacts"


def stop_stock_sending() -> None:
	for name in frappe.get_all("Scheduled Job Type", filters={"method": STOCK_SEND_JOB}, pluck="name"):
		frappe.db.set_value("Scheduled Job Type", name, "stopped", 1, update_modified=False)


def restore_stock_sending() -> None:
	for name in frappe.get_all("Scheduled Job Type", filters={"method": STOCK_SEND_JOB}, pluck="name"):
		frappe.db.set_value("Scheduled Job Type", name, "stopped", 0, update_modified=False)


def refuse_stock_campaign_email(doc, method=None):
	"""Communication.before_insert: refuse ERPNext's schedule email for a campaign sent here."""
	if doc.reference_doctype != "Email Campaign" or doc.sent_or_received != "Sent" or not doc.email_template:
		return
	campaign = frappe.db.get_value("Email Campaign", doc.reference_name, "campaign_name")
	if campaign and frappe.db.exists(
		"Campaign Email Schedule",
		{"parent": campaign, "parenttype": "Campaign", "email_template": doc.email_template},
	):
		frappe.throw(
			_(
				"The emails of campaign {0} are sent by Campaign Plus (see its Send Log); ERPNext's own Email Campaign sending is switched off."
			).format(frappe.bold(campaign)),
			title=_("Sent by Campaign Plus"),
		)
