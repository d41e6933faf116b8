# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods of send windows."""

import frappe
from frappe import _

from campaign_plus.engine.windows import time_zones as known_time_zones


@frappe.whitelist()
def time_zones() -> list[str]:
	"""The IANA time zones a Lead or Contact may have (the choices of their Time Zone field)."""
	if not (frappe.has_permission("Lead", "read") or frappe.has_permission("Contact", "read")):
		frappe.throw(_("You cannot read Leads or Contacts."), frappe.PermissionError)
	return sorted(known_time_zones())
