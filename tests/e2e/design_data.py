# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Data for the Email Designer's browser test, committed on the site and deleted afterwards.

Run with the bench's Python in sites/: ``design_data.py SITE create TAG SMTP_JSON`` prints the
names as JSON (a French user, a campaign whose item costs 80 instead of 100 for its target, a
coupon of its Pricing Rule, a target Contact and a Lead that is not a target, an empty design,
an outgoing Email Account for the test's mail server); ``design_data.py SITE delete TAG``
removes all of it and puts the previous default outgoing account back.
"""

import io
import json
import sys

import frappe

from tests.site_cleanup import delete_user_for_good
from tests.site_setup import mark_as_test


def _png(width: int, height: int, colour: tuple) -> bytes:
	from PIL import Image, ImageDraw

	image = Image.new("RGB", (width, height), colour)
	draw = ImageDraw.Draw(image)
	draw.rectangle([width // 4, height // 4, 3 * width // 4, 3 * height // 4], fill=(255, 255, 255))
	out = io.BytesIO()
	image.save(out, format="PNG")
	return out.getvalue()


def _file(name: str, content: bytes) -> str:
	doc = frappe.get_doc({"doctype": "File", "file_name": name, "content": content, "is_private": 0}).insert(
		ignore_permissions=True
	)
	return doc.file_url


def create(tag: str, smtp: dict) -> dict:
	from frappe.utils import add_days, today
	from frappe.utils.password import update_password

	from campaign_plus.pricing import api as pricing
	from campaign_plus.segments import api as segments

	mark_as_test()
	frappe.set_user("Administrator")
	user = f"designer-{tag}@example.com"
	password = f"Designer-{tag}-Pw!9"
	frappe.get_doc(
		{
			"doctype": "User",
			"email": user,
			"first_name": "Designer",
			"language": "fr",
			"send_welcome_email": 0,
			"roles": [{"role": "System Manager"}, {"role": "Sales Manager"}, {"role": "Sales User"}],
		}
	).insert(ignore_permissions=True)
	update_password(user, password)

	previous = frappe.get_all("Email Account", filters={"default_outgoing": 1}, pluck="name")
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": f"E2E Designer {tag}",
			"email_id": f"designer-sender-{tag}@example.com",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			**smtp,
		}
	).insert(ignore_permissions=True)
	for name in previous:
		frappe.db.set_value("Email Account", name, "default_outgoing", 0)

	group = frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0]
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": f"E2E-CHAIR-{tag}",
			"item_name": f"Chaise Oslo {tag}",
			"description": "Chaise en chêne massif, assise confortable.",
			"item_group": group,
			"stock_uom": "Nos",
			"is_stock_item": 0,
			"image": _file(f"e2e-chair-{tag}.png", _png(320, 240, (191, 120, 64))),
		}
	).insert()
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
	frappe.get_doc(
		{"doctype": "Item Price", "item_code": item.name, "price_list": price_list, "price_list_rate": 100}
	).insert()
	table = frappe.get_doc(  # a second item, for the products block's picker
		{
			"doctype": "Item",
			"item_code": f"E2E-TABLE-{tag}",
			"item_name": f"Table Bergen {tag}",
			"description": "Table en frêne, six couverts.",
			"item_group": group,
			"stock_uom": "Nos",
			"is_stock_item": 0,
			"image": _file(f"e2e-table-{tag}.png", _png(320, 240, (64, 120, 191))),
		}
	).insert()
	frappe.get_doc(
		{"doctype": "Item Price", "item_code": table.name, "price_list": price_list, "price_list_rate": 250}
	).insert()
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"E2E Design Buyer {tag}",
			"customer_type": "Company",
			"language": "fr",
		}
	).insert()
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Zoé",
			"last_name": f"Cible {tag}",
			"email_ids": [{"email_id": f"zoe-{tag.lower()}@example.com", "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert()
	company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
	frappe.get_doc(  # the footer's postal address
		{
			"doctype": "Address",
			"address_title": f"E2E Design {tag}",
			"address_type": "Billing",
			"address_line1": "12 rue des Lilas",
			"city": "Lyon",
			"pincode": "69002",
			"country": "France",
			"is_your_company_address": 1,
			"links": [{"link_doctype": "Company", "link_name": company}],
		}
	).insert()
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"E2E Design {tag}",
			"subject": "Nos offres, {{ doc.first_name }}",
			"response": "-",
		}
	).insert()
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"E2E Design {tag}",
			"cp_start_date": add_days(today(), -1),
			"cp_end_date": add_days(today(), 30),
			"cp_company": company,
			"cp_opt_in_rule": "Not Required",
			"cp_item_prices": [{"item_code": item.name, "rate": 80}],
			"campaign_schedules": [{"email_template": template.name, "send_after_days": 0}],
		}
	).insert()
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"E2E Design {tag}", "campaign": campaign.name}
	).insert()
	segments.add_members(segment.name, "Contact", [["name", "=", contact.name]])
	pricing.activate_prices(campaign.name)
	rule = frappe.get_all("Pricing Rule", filters={"cp_campaign": campaign.name}, pluck="name")[0]
	frappe.db.set_value("Pricing Rule", rule, "coupon_code_based", 1)
	coupon = frappe.get_doc(
		{
			"doctype": "Coupon Code",
			"coupon_name": f"E2E {tag}",
			"coupon_code": f"BIENVENUE-{tag}".upper(),
			"pricing_rule": rule,
			"valid_upto": add_days(today(), 30),
		}
	).insert()
	frappe.db.set_value("Pricing Rule", rule, "coupon_code_based", 0)
	lead = frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": "Léa",
			"last_name": f"Prospect {tag}",
			"language": "fr",
			"email_id": f"lea-{tag.lower()}@example.com",
		}
	).insert()
	design = frappe.get_doc(
		{
			"doctype": "Campaign Email Design",
			"title": f"E2E Design {tag}",
			"campaign": campaign.name,
			"design": json.dumps({"blocks": []}),
		}
	).insert()
	frappe.db.set_value("Email Template", template.name, "cp_email_design", design.name)
	# a design saved before the products block had its picker: items as a list of codes
	stored = frappe.get_doc(
		{
			"doctype": "Campaign Email Design",
			"title": f"E2E Design {tag} (2)",
			"campaign": campaign.name,
			"design": json.dumps(
				{
					"blocks": [
						{"type": "heading", "html": "Nos articles"},
						{"type": "products", "items": [item.name]},
					]
				}
			),
		}
	).insert()
	banner = _file(f"e2e-banner-{tag}.png", _png(600, 200, (31, 111, 235)))
	frappe.db.commit()
	return {
		"user": user,
		"password": password,
		"previous_accounts": previous,
		"account": account.name,
		"item": item.name,
		"item_name": item.item_name,
		"item2": table.name,
		"item2_name": table.item_name,
		"stored_design": stored.name,
		"customer": customer.name,
		"contact": contact.name,
		"contact_email": contact.email_id,
		"lead": lead.name,
		"lead_email": lead.email_id,
		"campaign": campaign.name,
		"segment": segment.name,
		"coupon": coupon.name,
		"coupon_code": coupon.coupon_code,
		"template": template.name,
		"design": design.name,
		"banner": banner,  # a site file: the test makes it absolute with the served site's address
	}


def delete(tag: str, previous_accounts: list[str]) -> None:
	from campaign_plus.pricing import activation

	frappe.set_user("Administrator")
	campaign = f"E2E Design {tag}"
	if frappe.db.exists("Campaign", campaign):
		activation.deactivate(campaign)
		for name in frappe.get_all("Coupon Code", filters={"coupon_name": f"E2E {tag}"}, pluck="name"):
			frappe.delete_doc("Coupon Code", name, force=True, ignore_permissions=True)
		for name in frappe.get_all("Pricing Rule", filters={"cp_campaign": campaign}, pluck="name"):
			frappe.delete_doc("Pricing Rule", name, force=True, ignore_permissions=True)
		queue = frappe.get_all("Email Queue", filters={"reference_name": campaign}, pluck="name")
		if queue:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queue)})
			frappe.db.delete("Email Queue", {"name": ("in", queue)})
		for doctype in ("Campaign Send Log", "Campaign Entry", "Campaign Interaction", "Campaign Link Set",
			"Campaign Step Engagement", "Campaign Target Customer"):  # fmt: skip
			if frappe.db.table_exists(doctype):
				frappe.db.delete(doctype, {"campaign": campaign})
		for segment in frappe.get_all("Campaign Segment", filters={"campaign": campaign}, pluck="name"):
			frappe.delete_doc("Campaign Segment", segment, force=True, ignore_permissions=True)
		frappe.db.set_value("Email Template", f"E2E Design {tag}", "cp_email_design", None)
		for design in frappe.get_all("Campaign Email Design", filters={"campaign": campaign}, pluck="name"):
			frappe.delete_doc("Campaign Email Design", design, force=True, ignore_permissions=True)
		frappe.delete_doc("Campaign", campaign, force=True, ignore_permissions=True)
	for doctype, filters in (
		("Email Template", {"name": f"E2E Design {tag}"}),
		("Address", {"address_title": f"E2E Design {tag}"}),
		("Item Price", {"item_code": ("in", (f"E2E-CHAIR-{tag}", f"E2E-TABLE-{tag}"))}),
		("Item", {"name": ("in", (f"E2E-CHAIR-{tag}", f"E2E-TABLE-{tag}"))}),
		("Contact", {"last_name": f"Cible {tag}"}),
		("Lead", {"last_name": f"Prospect {tag}"}),
		("Customer", {"name": f"E2E Design Buyer {tag}"}),
		(
			"File",
			{"file_name": ("in", (f"e2e-chair-{tag}.png", f"e2e-table-{tag}.png", f"e2e-banner-{tag}.png"))},
		),
		("Email Account", {"email_account_name": f"E2E Designer {tag}"}),
	):
		for name in frappe.get_all(doctype, filters=filters, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	delete_user_for_good(f"designer-{tag}@example.com")
	frappe.db.delete("Campaign Consent", {"email": ("like", f"%-{tag.lower()}@example.com")})
	frappe.db.delete("Email Queue", {"sender": ("like", f"%designer-sender-{tag}@example.com%")})
	for name in previous_accounts:
		frappe.db.set_value("Email Account", name, "default_outgoing", 1)
	frappe.db.commit()


if __name__ == "__main__":
	site, action, tag = sys.argv[1:4]
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		if action == "create":
			print(json.dumps(create(tag, json.loads(sys.argv[4]))))
		else:
			delete(tag, json.loads(sys.argv[4]) if len(sys.argv) > 4 else [])
	finally:
		frappe.destroy()
