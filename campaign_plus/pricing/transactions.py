# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Quotations, Sales Orders and Sales Invoices carry the campaign whose prices apply.

Before validation (so before ERPNext applies its pricing rules): a document without a campaign
whose customer is a target of an activated campaign on the document's date gets it (several:
the one that started last, see :func:`campaign_plus.engine.pricing.choose_campaign`); a
document that carries an activated campaign its customer is not a target of is refused.

ERPNext 16 documents link a UTM Campaign (``utm_campaign``) while its pricing still reads the
document's ``campaign``: the app adds a hidden ``campaign`` field there and keeps it equal.

While a document is typed, ERPNext prices an added item without the document's campaign (its
later pricing calls and saving carry it): the desk adds it to ERPNext 15's ``get_item_details``
call (``public/js/campaign_prices.js``), and :func:`price_selected_item` prices the row again
after ERPNext 16's server-side ``process_item_selection``.
"""

import frappe
from frappe import _
from frappe.utils import cint, getdate

from campaign_plus.engine.pricing import ActiveCampaign, choose_campaign
from campaign_plus.links import campaign_link_value, get_campaign_link

DOCTYPES = ("Quotation", "Sales Order", "Sales Invoice")
PRICING_FIELD = "campaign"


def customer_of(doc) -> str | None:
	if doc.doctype == "Quotation":
		return doc.party_name if doc.get("quotation_to") == "Customer" else None
	return doc.get("customer")


def document_date(doc):
	return getdate(doc.get("transaction_date") or doc.get("posting_date"))


def active_campaigns(customer: str, day) -> list[ActiveCampaign]:
	rows = frappe.db.sql(
		"""SELECT c.`name`, c.`cp_start_date`, c.`cp_end_date` FROM `tabCampaign` c
		JOIN `tabCampaign Target Customer` t ON t.`campaign` = c.`name`
		WHERE t.`customer` = %(customer)s AND c.`cp_prices_active` = 1
			AND c.`cp_start_date` <= %(day)s AND c.`cp_end_date` >= %(day)s""",
		{"customer": customer, "day": day},
		as_dict=True,
	)
	return [ActiveCampaign(r.name, getdate(r.cp_start_date), getdate(r.cp_end_date)) for r in rows]


def campaign_from_value(link, value: str | None) -> str | None:
	if not value or link.target == "Campaign":
		return value or None
	return frappe.db.get_value(link.target, value, "crm_campaign") or None


def campaign_for(doctype: str, customer: str | None, day) -> str | None:
	"""The campaign a new document for ``customer`` on ``day`` should carry (or None)."""
	return choose_campaign(active_campaigns(customer, getdate(day)), getdate(day)) if customer else None


def apply_campaign(doc, method=None):
	link = get_campaign_link(doc.doctype)
	if not link:
		return
	customer, day = customer_of(doc), document_date(doc)
	current = campaign_from_value(link, doc.get(link.fieldname))
	if current:
		prices = frappe.db.get_value(
			"Campaign", current, ["cp_prices_active", "cp_start_date", "cp_end_date"], as_dict=True
		)
		in_force = (
			prices
			and prices.cp_prices_active
			and prices.cp_start_date
			and getdate(prices.cp_start_date) <= day <= getdate(prices.cp_end_date)
		)
		if in_force and not (
			customer
			and frappe.db.exists("Campaign Target Customer", {"campaign": current, "customer": customer})
		):
			frappe.throw(
				_(
					"{0} is not a target of campaign {1}, whose prices are active: remove the campaign from this document."
				).format(frappe.bold(customer or _("This party")), frappe.bold(current)),
				title=_("Not a Campaign Target"),
			)
	elif chosen := campaign_for(doc.doctype, customer, day):
		doc.set(link.fieldname, campaign_link_value(link, chosen))
	if link.fieldname != PRICING_FIELD and doc.meta.has_field(PRICING_FIELD):
		doc.set(PRICING_FIELD, doc.get(link.fieldname))


def price_selected_item(doc, method=None, item_idx=None, **kwargs):
	"""After ERPNext 16 priced the row the user just added (``process_item_selection``, run on the
	server for the desk): price it again with the document's campaign, as saving will, so the
	campaign's rate shows at once. Documents without a campaign are left as ERPNext made them."""
	campaign = doc.get(PRICING_FIELD)
	row = next((d for d in doc.get("items") or [] if d.idx == cint(item_idx)), None)
	if not campaign or not row or not row.item_code or doc.get("ignore_pricing_rule"):
		return
	from erpnext.stock import get_item_details as item_details

	# the arguments ERPNext's own save builds for a row (set_missing_item_details): the document's
	# columns (the campaign among them), then the row's
	ctx = {fieldname: doc.get(fieldname) for fieldname in doc.meta.get_valid_columns()}
	ctx.update(row.as_dict())
	ctx.update(
		doctype=doc.doctype,
		name=doc.name,
		child_doctype=row.doctype,
		child_docname=row.name,
		customer=customer_of(doc),
		transaction_date=document_date(doc),
		campaign=campaign,
	)
	details = item_details.get_item_details(
		getattr(item_details, "ItemDetailsCtx", frappe._dict)(ctx), doc, overwrite_warehouse=False
	)
	doc.set_fetched_values(row, details)
	doc.set_item_rate_and_discounts(row, details)
	doc.calculate_taxes_and_totals()


def ensure_pricing_fields() -> None:
	"""ERPNext 16: a hidden ``campaign`` on documents whose campaign link is another field."""
	from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

	from campaign_plus.setup.fields import MODULE

	target = frappe.get_meta("Pricing Rule").get_field("campaign").options
	fields = {}
	for doctype in DOCTYPES:
		meta = frappe.get_meta(doctype)
		link = get_campaign_link(doctype)
		if link and link.fieldname != PRICING_FIELD and not meta.has_field(PRICING_FIELD):
			fields[doctype] = [
				{
					"fieldname": PRICING_FIELD,
					"label": "Campaign (Pricing)",
					"fieldtype": "Link",
					"options": target,
					"insert_after": link.fieldname,
					"hidden": 1,
					"read_only": 1,
					"no_copy": 0,
					"module": MODULE,
				}
			]
	if fields:
		create_custom_fields(fields, ignore_validate=True, update=True)
