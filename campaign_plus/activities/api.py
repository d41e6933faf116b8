# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods behind "Assign Activity" and the assignment's "Cancel"."""

import frappe
from frappe import _

from campaign_plus.activities import assign as assignments


@frappe.whitelist(methods=["POST"])
def assign_activity(
	activity: str,
	target_doctype: str,
	target_name: str,
	sales_person: str,
	start_date: str,
	campaign: str | None = None,
) -> dict:
	frappe.has_permission("Campaign Activity Assignment", "create", throw=True)
	if target_doctype not in assignments.TARGET_DOCTYPES:
		frappe.throw(
			_("Activities cannot be assigned to {0}.").format(target_doctype), title=_("Invalid Target")
		)
	frappe.get_doc(target_doctype, target_name).check_permission("read")
	frappe.get_doc("Campaign Activity", activity).check_permission("read")
	return assignments.assign(activity, target_doctype, target_name, sales_person, start_date, campaign)


@frappe.whitelist(methods=["POST"])
def cancel_assignment(assignment: str) -> dict:
	doc = frappe.get_doc("Campaign Activity Assignment", assignment)
	doc.check_permission("write")
	if doc.status == "Canceled":
		frappe.throw(_("This assignment is already canceled."), title=_("Already Canceled"))
	return assignments.cancel(assignment)
