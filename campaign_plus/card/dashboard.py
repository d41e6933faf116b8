# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign connections: email campaigns and the pipeline documents linked to the campaign."""

import frappe
from frappe import _

from campaign_plus.links import get_campaign_links


def get_data(data=None):
	data = frappe._dict(data or {})
	data.fieldname = data.get("fieldname") or "campaign"
	non_standard = data.setdefault("non_standard_fieldnames", {})
	transactions = data.setdefault("transactions", [])
	listed = {item for group in transactions for item in group.get("items", [])}

	non_standard["Email Campaign"] = "campaign_name"
	pipeline = []
	for doctype, link in get_campaign_links().items():
		if link.fieldname != data.fieldname:
			non_standard[doctype] = link.fieldname
		if doctype not in listed:
			pipeline.append(doctype)

	if "Email Campaign" not in listed:
		transactions.append({"label": _("Email"), "items": ["Email Campaign"]})
	if "Campaign Segment" not in listed:
		transactions.append({"label": _("Audience"), "items": ["Campaign Segment"]})
	if pipeline:
		transactions.append({"label": _("Pipeline"), "items": pipeline})
	return data


def get_lead_data(data=None):
	return _add_party_connections(data, "Lead")


def get_contact_data(data=None):
	return _add_party_connections(data, "Contact")


def _add_party_connections(data, doctype: str):
	"""A Lead's / Contact's connections show the campaign emails planned and sent to it, and its
	marketing consent history."""
	data = frappe._dict(data or {})
	data.fieldname = data.get("fieldname") or frappe.scrub(doctype)
	data.setdefault("dynamic_links", {})["party"] = [doctype, "party_type"]
	transactions = data.setdefault("transactions", [])
	for linked, label in (
		("Campaign Send Log", _("Campaigns")),
		("Campaign Consent", _("Marketing Consent")),
	):
		data.setdefault("non_standard_fieldnames", {})[linked] = "party"
		if not any(linked in group.get("items", []) for group in transactions):
			transactions.append({"label": label, "items": [linked]})
	return data
