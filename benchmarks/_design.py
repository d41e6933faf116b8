# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A designed email for the send benchmark: the template of a benchmark campaign gets a design
with every kind of block (two priced items, two columns, social links, footer), as a marketer
would build it in the Email Designer."""

import json

import frappe


def attach_design(campaign: str) -> str:
	"""Give the campaign's template a full design (rolled back with the benchmark)."""
	template = frappe.db.get_value("Campaign Email Schedule", {"parent": campaign}, "email_template")
	tag = frappe.generate_hash(length=6)
	group = frappe.get_all("Item Group", filters={"is_group": 0}, pluck="name", limit=1)[0]
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
	items = []
	for i, price in enumerate((49, 129)):
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": f"_Bench-{tag}-{i}",
				"item_name": f"Article {i} {tag}",
				"description": "Un article de la sélection de saison, livré en 48 heures.",
				"item_group": group,
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"image": f"https://cdn.example.com/items/{i}.png",
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": item.name,
				"price_list": price_list,
				"price_list_rate": price,
			}
		).insert(ignore_permissions=True)
		items.append(item.name)
	blocks = [
		{
			"type": "header",
			"logo": "https://cdn.example.com/logo.png",
			"alt": "Boutique",
			"link": "https://shop.example.com",
		},
		{"type": "heading", "html": "Bonjour {{ first_name | cher client }}, nos nouveautés"},
		{
			"type": "text",
			"html": "<p>Découvrez notre sélection de la saison, <b>livrée en 48 heures</b>, et profitez de "
			'<a href="https://shop.example.com/offre?utm_source=campaign">nos offres</a>.</p>'
			"<ul><li>Retours gratuits</li><li>Paiement en trois fois</li></ul>",
		},
		{
			"type": "image",
			"src": "https://cdn.example.com/banner.png",
			"alt": "La collection",
			"href": "https://shop.example.com/collection",
		},
		{"type": "button", "label": "Voir la collection", "href": "https://shop.example.com/collection"},
		{
			"type": "columns",
			"columns": [
				[
					{"type": "heading", "html": "Livraison", "level": 3},
					{"type": "text", "html": "<p>Offerte dès 50 €.</p>"},
				],
				[
					{"type": "heading", "html": "Conseil", "level": 3},
					{"type": "text", "html": "<p>Un expert vous répond.</p>"},
				],
			],
		},
		{"type": "products", "items": items, "link": "https://shop.example.com/p/{item_code}"},
		{"type": "divider"},
		{
			"type": "social",
			"links": [
				{"network": "facebook", "url": "https://facebook.com/shop"},
				{"network": "instagram", "url": "https://instagram.com/shop"},
			],
		},
		{"type": "footer", "html": "<p>Vous recevez cet email car vous êtes client de la boutique.</p>"},
	]
	design = frappe.get_doc(
		{
			"doctype": "Campaign Email Design",
			"title": f"_Bench {tag}",
			"campaign": campaign,
			"design": json.dumps({"blocks": blocks}),
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Email Template", template, "cp_email_design", design.name)
	return design.name
