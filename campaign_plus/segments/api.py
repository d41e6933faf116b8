# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods behind the Campaign Segment form and its member list."""

import json

import frappe
from frappe import _

from campaign_plus.engine.segments import ADD, REDUCE, REFINE
from campaign_plus.segments import actions
from campaign_plus.segments.criteria import validated_filters


@frappe.whitelist(methods=["POST"])
def add_members(segment: str, document_type: str, filters: str | list | dict | None = None) -> dict:
	frappe.get_doc("Campaign Segment", segment).check_permission("write")
	return actions.apply_criteria(segment, ADD, document_type, filters)


@frappe.whitelist(methods=["POST"])
def reduce_members(segment: str, document_type: str, filters: str | list | dict | None = None) -> dict:
	frappe.get_doc("Campaign Segment", segment).check_permission("write")
	return actions.apply_criteria(segment, REDUCE, document_type, filters)


@frappe.whitelist(methods=["POST"])
def refine_members(segment: str, document_type: str, filters: str | list | dict | None = None) -> dict:
	frappe.get_doc("Campaign Segment", segment).check_permission("write")
	return actions.apply_criteria(segment, REFINE, document_type, filters)


@frappe.whitelist(methods=["POST"])
def apply_saved_criteria(segment: str, action: str, criteria: str) -> dict:
	frappe.get_doc("Campaign Segment", segment).check_permission("write")
	saved = frappe.get_doc("Campaign Segment Criteria", criteria)
	saved.check_permission("read")
	return actions.apply_criteria(segment, action, saved.document_type, saved.filters, criteria=saved.name)


@frappe.whitelist(methods=["POST"])
def go_back(segment: str) -> dict:
	frappe.get_doc("Campaign Segment", segment).check_permission("write")
	return actions.go_back(segment)


@frappe.whitelist(methods=["POST"])
def set_target(segment: str, members: str | list, target: int | bool) -> dict:
	frappe.get_doc("Campaign Segment", segment).check_permission("write")
	members = json.loads(members) if isinstance(members, str) else members
	if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
		frappe.throw(_("Choose the members to change."), title=_("No Members"))
	return actions.set_target(segment, members, bool(int(target)))


@frappe.whitelist(methods=["POST"])
def save_criteria(
	criteria_name: str, document_type: str, filters: str | list | dict, description: str | None = None
) -> str:
	"""Save criteria for reuse (validated first); an existing name is updated."""
	frappe.has_permission("Campaign Segment Criteria", "create", throw=True)
	clean = validated_filters(document_type, filters)
	if frappe.db.exists("Campaign Segment Criteria", criteria_name):
		doc = frappe.get_doc("Campaign Segment Criteria", criteria_name)
		doc.check_permission("write")
	else:
		doc = frappe.new_doc("Campaign Segment Criteria")
		doc.criteria_name = criteria_name
	doc.update(
		{
			"document_type": document_type,
			"filters": json.dumps(clean, default=str),
			"description": description,
		}
	)
	doc.save()
	return doc.name
