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
	if pipeline:
		transactions.append({"label": _("Pipeline"), "items": pipeline})
	return data
