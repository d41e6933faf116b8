# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The campaign's opt-in rule: whose consent it needs, and which recipients are skipped for it.

:func:`no_consent` is registered in the ``campaign_plus_address_exclusions`` hook: the planner
(and Preview Schedule) skip the addresses it returns with the reason "No Consent". It is
set-based: one query per party doctype to tell professionals from private persons, and two to
find which addresses have a granted consent.
"""

from collections.abc import Iterable

import frappe
from frappe.query_builder import DocType
from frappe.utils import create_batch

from campaign_plus.consent import records
from campaign_plus.consent.settings import get_consent_settings
from campaign_plus.engine import consent
from campaign_plus.engine.consent import NOT_REQUIRED, OPT_IN_RULES
from campaign_plus.engine.schedule import NO_CONSENT, Recipient

FIELD = "cp_opt_in_rule"

# Per party doctype: the names among %(names)s that are professionals (a company, not a person).
PROFESSIONALS = {
	"Lead": """SELECT l.`name` FROM `tabLead` l
		LEFT JOIN `tabCustomer` cu ON cu.`name` = l.`customer`
		WHERE l.`name` IN %(names)s
			AND (IFNULL(l.`company_name`, '') != '' OR IFNULL(cu.`customer_type`, 'Individual') != 'Individual')""",
	"Contact": """SELECT c.`name` FROM `tabContact` c
		WHERE c.`name` IN %(names)s
			AND (IFNULL(c.`company_name`, '') != '' OR EXISTS (
				SELECT 1 FROM `tabDynamic Link` dl
				LEFT JOIN `tabCustomer` cu ON dl.`link_doctype` = 'Customer' AND cu.`name` = dl.`link_name`
				WHERE dl.`parenttype` = 'Contact' AND dl.`parent` = c.`name`
					AND (dl.`link_doctype` = 'Supplier'
						OR (dl.`link_doctype` = 'Customer' AND IFNULL(cu.`customer_type`, '') != 'Individual'))
			))""",
	"Customer": """SELECT `name` FROM `tabCustomer`
		WHERE `name` IN %(names)s AND IFNULL(`customer_type`, '') != 'Individual'""",
}


def campaign_rule(campaign: str) -> str:
	"""The campaign's opt-in rule; a campaign saved before the rule existed follows the settings."""
	rule = frappe.db.get_value("Campaign", campaign, FIELD) if _has_rule_field() else None
	return rule if rule in OPT_IN_RULES else get_consent_settings().opt_in_rule


def _has_rule_field() -> bool:
	return frappe.get_meta("Campaign").has_field(FIELD)


def set_default_rule(doc, method=None) -> None:
	"""Campaign ``validate``: a campaign without a rule takes the default of Campaign Plus Settings."""
	if doc.meta.has_field(FIELD) and doc.get(FIELD) not in OPT_IN_RULES:
		doc.set(FIELD, get_consent_settings().opt_in_rule)


def keep_existing_campaigns_sending() -> None:
	"""Install / migrate: campaigns made before the opt-in rule existed keep sending as they did
	("Not Required"); a user decides when they need opt-in. New campaigns take the settings'
	default. One UPDATE; idempotent."""
	if not _has_rule_field():
		return
	campaign = DocType("Campaign")
	(
		frappe.qb.update(campaign)
		.set(campaign[FIELD], NOT_REQUIRED)
		.where(campaign[FIELD].isnull() | (campaign[FIELD] == ""))
		.run()
	)


def kinds(recipients: Iterable[Recipient]) -> dict[tuple[str, str], str]:
	"""PROFESSIONAL / PRIVATE for Leads, Contacts and Customers (one query per doctype and 5,000
	names); UNKNOWN for anything else (an Email Group member), which the rule treats as private."""
	names: dict[str, set[str]] = {}
	for recipient in recipients:
		names.setdefault(recipient.party_type, set()).add(recipient.party)
	result = {}
	for doctype, doctype_names in names.items():
		query = PROFESSIONALS.get(doctype)
		professionals: set[str] = set()
		if query:
			for chunk in create_batch(sorted(doctype_names), records.CHUNK):
				professionals.update(frappe.db.sql_list(query, {"names": tuple(chunk)}))
		for name in doctype_names:
			professional = (name in professionals) if query else None
			result[(doctype, name)] = consent.classify(professional)
	return result


def no_consent(campaign: str, recipients: list[Recipient]) -> dict[str, set[str]]:
	"""Hook ``campaign_plus_address_exclusions``: the addresses this campaign may not mail for
	want of a granted consent."""
	rule = campaign_rule(campaign)
	if rule == NOT_REQUIRED or not recipients:
		return {}
	party_kinds = kinds(recipients) if rule != consent.ALL_RECIPIENTS else {}
	pairs = [
		(recipient.email, party_kinds.get((recipient.party_type, recipient.party), consent.UNKNOWN))
		for recipient in recipients
	]
	needing = {email for email, kind in pairs if consent.requires_consent(rule, kind)}
	granted = records.granted_among(needing)
	excluded = consent.without_consent(rule, pairs, granted)
	return {NO_CONSENT: excluded} if excluded else {}
