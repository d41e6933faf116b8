# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Personalisation fields: each recipient's values, read from the document the sender loaded."""

from campaign_plus.engine.design import FIELDS


def field_values(party_type: str | None, doc: dict | None, email: str | None) -> dict:
	doc = doc or {}
	first, last = doc.get("first_name") or "", doc.get("last_name") or ""
	full = (
		doc.get("full_name")
		or doc.get("lead_name")
		or doc.get("customer_name")
		or " ".join(filter(None, [first, last]))
	)
	company = doc.get("company_name") or ""
	if party_type == "Customer":
		company = company or (doc.get("customer_name") if doc.get("customer_type") == "Company" else "")
	values = {
		"first_name": first,
		"last_name": last,
		"full_name": full,
		"salutation": doc.get("salutation") or "",
		"company_name": company,
		"email": email or doc.get("email_id") or doc.get("email") or "",
	}
	return {key: values.get(key, "") for key in FIELDS}
