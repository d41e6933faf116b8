# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The ERP's data in a design: items, the price each recipient will pay, coupons.

Prices are ERPNext's own answer (``get_item_details``: the selling price list's rate, then the
pricing rules), asked once per item and batch: without the campaign (the list price) and, when
the campaign's prices are active and in force, with it (the campaign price). A recipient who is
a campaign target (:func:`campaign_plus.segments.targets.campaign_targets`, whose customer is in
the campaign's target group) is shown the campaign price, the others the list price.
"""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money, formatdate, getdate, nowdate, strip_html

from campaign_plus.design.settings import absolute_url, brand_kit
from campaign_plus.pricing.activation import pricing_rule_campaign_value

DESCRIPTION_LENGTH = 160


def items(codes: list[str]) -> dict[str, dict]:
	"""Item code → name, short description, absolute image URL, link (enabled items only)."""
	if not codes:
		return {}
	website = brand_kit().get("website") or ""
	rows = frappe.get_all(
		"Item",
		filters={"name": ("in", codes), "disabled": 0},
		fields=["name", "item_name", "description", "image"],
	)
	result = {}
	for row in rows:
		description = " ".join(strip_html(row.description or "").split())
		if description == (row.item_name or row.name):
			description = ""
		if len(description) > DESCRIPTION_LENGTH:
			description = description[: DESCRIPTION_LENGTH - 1].rstrip() + "…"
		result[row.name] = {
			"name": row.item_name or row.name,
			"description": description,
			"image": absolute_url(row.image),
			"url": website,
		}
	return result


def _company(campaign_doc: dict | None) -> str | None:
	from campaign_plus.utils.footer import campaign_company

	return campaign_company((campaign_doc or {}).get("name")) or frappe.db.get_value("Company", {}, "name")


def selling_price_list() -> str | None:
	return frappe.db.get_single_value("Selling Settings", "selling_price_list") or (
		"Standard Selling" if frappe.db.exists("Price List", "Standard Selling") else None
	)


def prices_in_force(campaign_doc: dict | None, day=None) -> bool:
	if not campaign_doc or not campaign_doc.get("cp_prices_active"):
		return False
	day = getdate(day or nowdate())
	start, end = campaign_doc.get("cp_start_date"), campaign_doc.get("cp_end_date")
	return bool(start and end and getdate(start) <= day <= getdate(end))


def _item_price(code: str, company: str | None, price_list: str, currency: str, campaign_value=None) -> dict:
	from erpnext.stock import get_item_details as item_details

	ctx = {
		"item_code": code,
		"company": company,
		"selling_price_list": price_list,
		"price_list_currency": currency,
		"currency": currency,
		"conversion_rate": 1.0,
		"plc_conversion_rate": 1.0,
		"doctype": "Quotation",
		"transaction_type": "selling",
		"transaction_date": nowdate(),
		"qty": 1,
		"stock_qty": 1,
		"conversion_factor": 1,
	}
	if campaign_value:
		ctx["campaign"] = campaign_value
	make = getattr(item_details, "ItemDetailsCtx", frappe._dict)
	try:
		details = item_details.get_item_details(make(ctx))
	except Exception:
		frappe.clear_last_message()
		return {}
	# the rate a document would get: ERPNext leaves it to the document's own calculation
	price_list_rate = flt(details.get("price_list_rate"))
	rate = flt(details.get("rate"))
	if not rate and price_list_rate:
		rate = price_list_rate * (1 - flt(details.get("discount_percentage")) / 100) - flt(
			details.get("discount_amount")
		)
	return {"price_list_rate": price_list_rate, "rate": max(rate, 0)}


def prices(codes: list[str], campaign_doc: dict | None, brand: dict | None = None) -> dict[str, dict]:
	"""Item code → {"list": (html, text) or None, "campaign": (html, text) or None, "amounts"}."""
	if not codes:
		return {}
	price_list = selling_price_list()
	if not price_list:
		return {}
	currency = frappe.db.get_value("Price List", price_list, "currency") or frappe.db.get_default("currency")
	company = _company(campaign_doc)
	in_force = prices_in_force(campaign_doc)
	campaign_value = pricing_rule_campaign_value(campaign_doc["name"]) if in_force else None
	primary = (brand or brand_kit()).get("primary_color") or "#1f6feb"
	result = {}
	for code in codes:
		base = _item_price(code, company, price_list, currency)
		list_rate = base.get("rate") or base.get("price_list_rate") or 0
		entry = {
			"list": None,
			"campaign": None,
			"amounts": {"list": list_rate, "campaign": None, "currency": currency},
		}
		if list_rate:
			text = fmt_money(list_rate, currency=currency)
			entry["list"] = (f"<strong>{frappe.utils.escape_html(text)}</strong>", text)
		if campaign_value:
			rate = _item_price(code, company, price_list, currency, campaign_value).get("rate") or 0
			if rate and (not list_rate or rate < list_rate):
				entry["amounts"]["campaign"] = rate
				new = fmt_money(rate, currency=currency)
				old = fmt_money(list_rate, currency=currency) if list_rate else ""
				html = f'<strong style="color:{primary};">{frappe.utils.escape_html(new)}</strong>'
				plain = new
				if old:
					html = (
						f'<span style="text-decoration:line-through;color:#667085;font-size:14px;">'
						f"{frappe.utils.escape_html(old)}</span> {html}"
					)
					plain = _("{0} instead of {1}").format(new, old)
				entry["campaign"] = (html, plain)
		result[code] = entry
	return result


def target_parties(campaign: str | None, campaign_doc: dict | None) -> set[tuple[str, str]]:
	"""The (party type, party) pairs shown the campaign price: targets of the campaign whose
	customer is in its target group, while its prices are in force."""
	if not campaign or not prices_in_force(campaign_doc):
		return set()
	rows = frappe.db.sql(
		"""SELECT DISTINCT m.`party_type`, m.`party` FROM `tabCampaign Segment Member` m
		JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
		JOIN `tabCampaign Target Customer` t ON t.`campaign` = s.`campaign` AND t.`customer` = m.`customer`
		WHERE s.`campaign` = %(campaign)s AND s.`campaign_target` = 1 AND m.`campaign_target` = 1""",
		{"campaign": campaign},
	)
	return {(party_type, party) for party_type, party in rows}


def coupons(codes: list[str]) -> dict[str, dict]:
	"""Coupon Code name → its code, what it gives (from its Pricing Rule) and until when."""
	if not codes:
		return {}
	rows = frappe.get_all(
		"Coupon Code",
		filters={"name": ("in", codes)},
		fields=["name", "coupon_code", "pricing_rule", "valid_upto", "maximum_use", "used"],
	)
	rules = {
		rule.name: rule
		for rule in frappe.get_all(
			"Pricing Rule",
			filters={"name": ("in", [row.pricing_rule for row in rows if row.pricing_rule])},
			fields=["name", "rate_or_discount", "discount_percentage", "discount_amount", "rate", "currency",
				"valid_upto", "campaign", "disable"],
		)
	}  # fmt: skip
	result = {}
	for row in rows:
		rule = rules.get(row.pricing_rule)
		description = ""
		if rule and rule.rate_or_discount == "Discount Percentage" and rule.discount_percentage:
			description = _("{0}% off").format(
				frappe.format(rule.discount_percentage, {"fieldtype": "Float"})
			)
		elif rule and rule.rate_or_discount == "Discount Amount" and rule.discount_amount:
			description = _("{0} off").format(fmt_money(rule.discount_amount, currency=rule.currency))
		valid_upto = row.valid_upto or (rule.valid_upto if rule else None)
		result[row.name] = {
			"code": row.coupon_code or row.name,
			"description": description,
			"valid_upto": formatdate(valid_upto) if valid_upto else "",
			"expired": bool(valid_upto and getdate(valid_upto) < getdate()),
			"used_up": bool(row.maximum_use and (row.used or 0) >= row.maximum_use),
			"rule_campaign": rule.campaign if rule else None,
			"rule_disabled": bool(rule and rule.disable),
		}
	return result
