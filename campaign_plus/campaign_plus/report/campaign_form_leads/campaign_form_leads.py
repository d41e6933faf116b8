# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign Form Leads: what each form brought, per campaign credited and UTM source / medium."""

import frappe
from frappe import _

from campaign_plus.forms.reports import form_columns, leads_by_source


def execute(filters=None):
	filters = frappe._dict(filters or {})
	frappe.has_permission("Campaign Form Submission", "report", throw=True)
	return columns(), leads_by_source(filters)


def columns() -> list[dict]:
	return [
		*form_columns(),
		{"fieldname": "utm_source", "label": _("UTM Source"), "fieldtype": "Data", "width": 130},
		{"fieldname": "utm_medium", "label": _("UTM Medium"), "fieldtype": "Data", "width": 120},
		{"fieldname": "submissions", "label": _("Submissions"), "fieldtype": "Int", "width": 110},
		{"fieldname": "people", "label": _("People"), "fieldtype": "Int", "width": 90},
		{"fieldname": "new_parties", "label": _("New Leads or Contacts"), "fieldtype": "Int", "width": 150},
		{"fieldname": "confirmed", "label": _("Consent Confirmed"), "fieldtype": "Int", "width": 140},
	]
