# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Figures of campaign forms for the reports: one aggregate query each.

A submission is *confirmed* when the consent it recorded is granted — at once (no double opt-in)
or by following the confirmation link (a Granted record confirming its request).
"""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

CONFIRMED = """(c.`status` = 'Granted' OR EXISTS (
	SELECT 1 FROM `tabCampaign Consent` g WHERE g.`request` = s.`consent` AND g.`status` = 'Granted'))"""


def form_columns() -> list[dict]:
	"""The first columns of both form reports: the form, its title, the campaign."""
	return [
		{
			"fieldname": "form",
			"label": _("Form"),
			"fieldtype": "Link",
			"options": "Campaign Form",
			"width": 120,
		},
		{"fieldname": "form_title", "label": _("Title"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "campaign",
			"label": _("Campaign"),
			"fieldtype": "Link",
			"options": "Campaign",
			"width": 160,
		},
	]


def _period(filters, column: str, values: dict) -> list[str]:
	conditions = []
	if filters.get("from_date"):
		values["from_date"] = getdate(filters["from_date"])
		conditions.append(f"{column} >= %(from_date)s")
	if filters.get("to_date"):
		values["to_date"] = add_days(getdate(filters["to_date"]), 1)
		conditions.append(f"{column} < %(to_date)s")
	return conditions


def leads_by_source(filters) -> list[dict]:
	"""Per form, campaign credited, UTM source and medium: submissions, people, new parties, confirmed."""
	values: dict = {}
	conditions = _period(filters, "s.`submitted_on`", values)
	for key in ("form", "campaign"):
		if filters.get(key):
			values[key] = filters[key]
			conditions.append(f"s.`{key}` = %({key})s")
	where = " AND ".join(conditions) or "1 = 1"
	return frappe.db.sql(
		f"""SELECT s.`form`, f.`form_title`, s.`campaign`, IFNULL(s.`utm_source`, '') AS utm_source,
			IFNULL(s.`utm_medium`, '') AS utm_medium, COUNT(*) AS submissions,
			COUNT(DISTINCT s.`party_type`, s.`party`) AS people,
			SUM(s.`new_party`) AS new_parties,
			SUM(CASE WHEN {CONFIRMED} THEN 1 ELSE 0 END) AS confirmed
		FROM `tabCampaign Form Submission` s
		LEFT JOIN `tabCampaign Form` f ON f.`name` = s.`form`
		LEFT JOIN `tabCampaign Consent` c ON c.`name` = s.`consent`
		WHERE {where}
		GROUP BY s.`form`, f.`form_title`, s.`campaign`, IFNULL(s.`utm_source`, ''), IFNULL(s.`utm_medium`, '')
		ORDER BY submissions DESC, s.`form`, s.`campaign`""",
		values,
		as_dict=True,
	)


def conversion(filters) -> list[dict]:
	"""Per form: views, submissions, confirmed (two aggregate queries)."""
	values: dict = {}
	view_conditions = _period(filters, "v.`view_date`", values)
	submission_conditions = _period(filters, "s.`submitted_on`", values)
	if filters.get("form"):
		values["form"] = filters["form"]
		view_conditions.append("v.`form` = %(form)s")
		submission_conditions.append("s.`form` = %(form)s")
	views = dict(
		frappe.db.sql(
			f"""SELECT v.`form`, SUM(v.`views`) FROM `tabCampaign Form View` v
			WHERE {" AND ".join(view_conditions) or "1 = 1"} GROUP BY v.`form`""",
			values,
		)
	)
	submitted = {
		row.form: row
		for row in frappe.db.sql(
			f"""SELECT s.`form`, COUNT(*) AS submissions,
				SUM(CASE WHEN {CONFIRMED} THEN 1 ELSE 0 END) AS confirmed
			FROM `tabCampaign Form Submission` s
			LEFT JOIN `tabCampaign Consent` c ON c.`name` = s.`consent`
			WHERE {" AND ".join(submission_conditions) or "1 = 1"} GROUP BY s.`form`""",
			values,
			as_dict=True,
		)
	}
	forms = frappe.get_all(
		"Campaign Form",
		filters={"name": ("in", sorted(set(views) | set(submitted)))}
		if (views or submitted)
		else {"name": ""},
		fields=["name", "form_title", "campaign"],
		order_by="form_title asc",
	)
	rows = []
	for form in forms:
		row = submitted.get(form.name) or frappe._dict(submissions=0, confirmed=0)
		rows.append(
			{
				"form": form.name,
				"form_title": form.form_title,
				"campaign": form.campaign,
				"views": int(views.get(form.name) or 0),
				"submissions": int(row.submissions or 0),
				"confirmed": int(row.confirmed or 0),
			}
		)
	return rows


def leads_from_forms(campaigns: list[str]) -> dict[str, int]:
	"""Per campaign: the Leads its forms (or pages crediting it) created."""
	if not campaigns:
		return {}
	return {
		campaign: int(count)
		for campaign, count in frappe.db.sql(
			"""SELECT `campaign`, COUNT(DISTINCT `party`) FROM `tabCampaign Form Submission`
			WHERE `campaign` IN %(campaigns)s AND `party_type` = 'Lead' AND `new_party` = 1
			GROUP BY `campaign`""",
			{"campaigns": tuple(campaigns)},
		)
	}
