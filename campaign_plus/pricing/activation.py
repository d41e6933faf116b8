# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Activate / Deactivate a campaign's prices (rules in :mod:`campaign_plus.engine.pricing`).

Activation builds the campaign's target group (one set-based INSERT … SELECT of the customers
its target members are or belong to) and reconciles one ERPNext Pricing Rule per price or
discount row: O(price rows), whatever the number of customers. Only documents carrying the
campaign get the rules, and only target customers' documents may carry it while the prices
are active (:mod:`campaign_plus.pricing.transactions`).
"""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from campaign_plus.engine.links import CampaignLink
from campaign_plus.engine.pricing import (
	ITEM_CODE,
	RuleSpec,
	check_activation,
	discount_rule,
	price_rule,
	priority,
	reconcile,
)
from campaign_plus.errors import translated_rule_errors
from campaign_plus.links import campaign_link_value
from campaign_plus.stats.entries import add_entry
from campaign_plus.utils.db import STANDARD_COLUMNS

TARGETS = "tabCampaign Target Customer"


def pricing_rule_campaign_value(campaign: str) -> str:
	"""The value of Pricing Rule.campaign for ``campaign`` (a Campaign on v15, a UTM Campaign on v16)."""
	target = frappe.get_meta("Pricing Rule").get_field("campaign").options
	return campaign_link_value(CampaignLink("campaign", target), campaign)


def desired_specs(doc) -> dict[str, RuleSpec]:
	dates = (
		{"valid_from": getdate(doc.cp_start_date), "valid_upto": getdate(doc.cp_end_date)}
		if doc.cp_start_date and doc.cp_end_date
		else {}
	)
	specs = {}
	for row in doc.get("cp_item_prices") or []:
		specs[row.name] = price_rule(
			row.name,
			row.item_code,
			row.rate,
			row.min_qty,
			row.uom,
			row.currency or doc.get("cp_currency"),
			**dates,
		)
	for row in doc.get("cp_line_discounts") or []:
		item = row.item_code if row.apply_on == ITEM_CODE else row.item_group
		specs[row.name] = discount_rule(
			row.name, row.apply_on, item, row.discount_percentage, row.min_qty, **dates
		)
	return specs


def existing_rules(campaign: str) -> dict[str, tuple[str, RuleSpec, bool]]:
	rules = frappe.get_all(
		"Pricing Rule",
		filters={"cp_campaign": campaign},
		fields=["name", "cp_source_row", "apply_on", "rate_or_discount", "rate", "discount_percentage",
			"min_qty", "currency", "valid_from", "valid_upto", "disable"],
	)  # fmt: skip
	if not rules:
		return {}
	names = [rule.name for rule in rules]
	items = {
		row.parent: (row.item_code, row.uom)
		for row in frappe.get_all(
			"Pricing Rule Item Code", filters={"parent": ("in", names)}, fields=["parent", "item_code", "uom"]
		)
	}
	groups = {
		row.parent: row.item_group
		for row in frappe.get_all(
			"Pricing Rule Item Group", filters={"parent": ("in", names)}, fields=["parent", "item_group"]
		)
	}
	existing = {}
	for rule in rules:
		item, uom = items.get(rule.name, (groups.get(rule.name), None))
		is_rate = rule.rate_or_discount == "Rate"
		spec = RuleSpec(
			rule.cp_source_row,
			rule.apply_on,
			item,
			rule.rate_or_discount,
			float(rule.rate if is_rate else rule.discount_percentage or 0),
			float(rule.min_qty or 0),
			uom or None,
			rule.currency if is_rate else None,
			getdate(rule.valid_from) if rule.valid_from else None,
			getdate(rule.valid_upto) if rule.valid_upto else None,
		)
		existing[rule.cp_source_row] = (rule.name, spec, not rule.disable)
	return existing


def _rule_values(doc, spec: RuleSpec, campaign_value: str) -> dict:
	values = {
		"title": f"{doc.campaign_name} · {spec.item}"[:140],
		"apply_on": spec.apply_on,
		"price_or_product_discount": "Price",
		"selling": 1,
		"applicable_for": "Campaign",
		"campaign": campaign_value,
		"valid_from": spec.valid_from,
		"valid_upto": spec.valid_upto,
		"min_qty": spec.min_qty,
		"rate_or_discount": spec.rate_or_discount,
		"rate": spec.value if spec.rate_or_discount == "Rate" else 0,
		"discount_percentage": spec.value if spec.rate_or_discount != "Rate" else 0,
		"has_priority": 1,
		"priority": str(priority(spec)),
		"company": doc.get("cp_company"),
		"currency": spec.currency or doc.get("cp_currency") or frappe.db.get_default("currency"),
		"disable": 0,
		"cp_campaign": doc.name,
		"cp_source_row": spec.key,
	}
	if spec.apply_on == ITEM_CODE:
		values["items"] = [{"item_code": spec.item, "uom": spec.uom}]
		values["item_groups"] = []
	else:
		values["item_groups"] = [{"item_group": spec.item}]
		values["items"] = []
	return values


def rebuild_target_group(campaign: str) -> tuple[int, dict[str, int]]:
	"""The campaign's target customers (set-based), and the target members that are not priceable."""
	frappe.db.sql(f"DELETE FROM `{TARGETS}` WHERE `campaign` = %(campaign)s", {"campaign": campaign})
	now, user = now_datetime(), frappe.session.user
	columns = ", ".join(
		f"`{c}`" for c in (*STANDARD_COLUMNS, "campaign", "customer", "customer_name", "members")
	)
	frappe.db.sql(
		f"""INSERT INTO `{TARGETS}` ({columns})
		SELECT MD5(CONCAT(%(campaign)s, '|', m.`customer`)), %(now)s, %(now)s, %(user)s, %(user)s, 0,
			%(campaign)s, m.`customer`, MAX(customer.`customer_name`), COUNT(*)
		FROM `tabCampaign Segment Member` m
		JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
		JOIN `tabCustomer` customer ON customer.`name` = m.`customer`
		WHERE s.`campaign` = %(campaign)s AND s.`campaign_target` = 1 AND m.`campaign_target` = 1
			AND IFNULL(customer.`disabled`, 0) = 0
		GROUP BY m.`customer`""",
		{"campaign": campaign, "now": now, "user": user},
	)
	not_priceable = frappe.db.sql(
		"""SELECT m.`party_type`, COUNT(DISTINCT m.`party`) FROM `tabCampaign Segment Member` m
		JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
		WHERE s.`campaign` = %(campaign)s AND s.`campaign_target` = 1 AND m.`campaign_target` = 1
			AND IFNULL(m.`customer`, '') = ''
		GROUP BY m.`party_type`""",
		{"campaign": campaign},
	)
	count = frappe.db.count("Campaign Target Customer", {"campaign": campaign})
	return count, {party_type: n for party_type, n in not_priceable}


def activate(campaign: str) -> dict:
	doc = frappe.get_doc("Campaign", campaign)
	if doc.get("cp_status") and frappe.db.get_value("Campaign Status", doc.cp_status, "is_closed"):
		frappe.throw(
			_("Campaign {0} is closed: its prices cannot be activated.").format(frappe.bold(campaign)),
			title=_("Campaign Closed"),
		)
	specs = desired_specs(doc)
	customers, not_priceable = rebuild_target_group(campaign)
	with translated_rule_errors():
		check_activation(
			getdate(doc.cp_start_date) if doc.cp_start_date else None,
			getdate(doc.cp_end_date) if doc.cp_end_date else None,
			list(specs.values()),
			customers,
		)
	plan = reconcile(specs, existing_rules(campaign))
	campaign_value = pricing_rule_campaign_value(campaign)
	for spec in plan.create:
		frappe.get_doc({"doctype": "Pricing Rule", **_rule_values(doc, spec, campaign_value)}).insert(
			ignore_permissions=True
		)
	for name, spec in plan.update:
		rule = frappe.get_doc("Pricing Rule", name)
		rule.update(_rule_values(doc, spec, campaign_value))
		rule.save(ignore_permissions=True)
	_disable(plan.disable)
	frappe.db.set_value(
		"Campaign",
		campaign,
		{
			"cp_prices_active": 1,
			"cp_prices_activated_by": frappe.session.user,
			"cp_prices_activated_on": now_datetime(),
		},
	)
	add_entry(
		campaign,
		"Prices Activated",
		_("Prices activated for {0} customers ({1} rules)").format(customers, len(specs)),
		interactions=0,
	)
	return {
		"customers": customers,
		"not_priceable": not_priceable,
		"created": len(plan.create),
		"updated": len(plan.update),
		"disabled": len(plan.disable),
		"rules": len(specs),
	}


def _disable(names: list[str]) -> None:
	if names:
		rule = frappe.qb.DocType("Pricing Rule")
		frappe.qb.update(rule).set(rule.disable, 1).set(rule.modified, now_datetime()).where(
			rule.name.isin(names)
		).run()


def deactivate(campaign: str) -> dict:
	names = frappe.get_all("Pricing Rule", filters={"cp_campaign": campaign, "disable": 0}, pluck="name")
	_disable(names)
	frappe.db.sql(f"DELETE FROM `{TARGETS}` WHERE `campaign` = %(campaign)s", {"campaign": campaign})
	frappe.db.set_value(
		"Campaign",
		campaign,
		{
			"cp_prices_active": 0,
			"cp_prices_deactivated_by": frappe.session.user,
			"cp_prices_deactivated_on": now_datetime(),
		},
	)
	add_entry(campaign, "Prices Deactivated", _("Prices deactivated ({0} rules)").format(len(names)))
	return {"disabled": len(names)}


def deactivate_when_closed(doc, method=None):
	"""Campaign.on_update: a closed status switches the prices off."""
	if (
		doc.get("cp_prices_active")
		and doc.get("cp_status")
		and frappe.db.get_value("Campaign Status", doc.cp_status, "is_closed")
	):
		deactivate(doc.name)
