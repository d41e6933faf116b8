# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Sales Person → the users who get the tasks (a team: each enabled member)."""

import frappe
from frappe import _


def resolve_users(sales_person: str) -> list[str]:
	person = frappe.db.get_value(
		"Sales Person", sales_person, ["name", "enabled", "is_group", "lft", "rgt"], as_dict=True
	)
	if not person:
		frappe.throw(_("Sales Person {0} does not exist.").format(sales_person), frappe.DoesNotExistError)
	if not person.enabled:
		frappe.throw(
			_("Sales Person {0} is disabled.").format(frappe.bold(sales_person)),
			title=_("Disabled Sales Person"),
		)
	if person.is_group:
		members = frappe.get_all(
			"Sales Person",
			filters={"lft": (">", person.lft), "rgt": ("<", person.rgt), "is_group": 0, "enabled": 1},
			fields=["name", "employee"],
			order_by="lft asc",
		)
		if not members:
			frappe.throw(
				_("Sales team {0} has no enabled members to give the tasks to.").format(
					frappe.bold(sales_person)
				),
				title=_("Empty Sales Team"),
			)
	else:
		members = frappe.get_all("Sales Person", filters={"name": sales_person}, fields=["name", "employee"])
	employees = {m.employee for m in members if m.employee}
	users = (
		{
			e.name: e.user_id
			for e in frappe.get_all(
				"Employee", filters={"name": ("in", list(employees))}, fields=["name", "user_id"]
			)
		}
		if employees
		else {}
	)
	missing = [m.name for m in members if not users.get(m.employee)]
	if missing:
		frappe.throw(
			_("Link these sales persons to an employee with a user first: {0}.").format(
				", ".join(frappe.bold(name) for name in missing)
			),
			title=_("Sales Person Without User"),
		)
	return [users[m.employee] for m in members]
