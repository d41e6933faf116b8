# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign Plus Settings → Sender Reputation: a site whose settings were saved before the section
existed stores no value for its fields, and the form would show the guard off while it is on
(the code reads a missing value as its default). Store the defaults, leaving set values alone."""

import frappe

SETTINGS = "Campaign Plus Settings"
FIELDS = (
	"reputation_guard",
	"guard_minimum_volume",
	"guard_window_days",
	"guard_hard_bounce_rate",
	"guard_complaint_rate",
	"guard_refusal_rate",
)


def execute():
	meta = frappe.get_meta(SETTINGS)
	stored = set(
		frappe.db.sql(
			"SELECT `field` FROM `tabSingles` WHERE `doctype` = %s AND `field` IN %s",
			(SETTINGS, FIELDS),
			pluck=True,
		)
	)
	for fieldname in FIELDS:
		field = meta.get_field(fieldname)
		if field and field.default not in (None, "") and fieldname not in stored:
			frappe.db.set_single_value(SETTINGS, fieldname, field.default)
