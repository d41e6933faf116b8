# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Role checks of campaign_plus (frappe.only_for is skipped in tests on Frappe 15; this is not)."""

import frappe
from frappe import _

MANAGERS = ("Sales Manager", "System Manager")


def only_for_sales_managers() -> None:
	if not set(frappe.get_roles()) & set(MANAGERS):
		frappe.throw(_("Only a Sales Manager can do this."), frappe.PermissionError, title=_("Not Permitted"))
