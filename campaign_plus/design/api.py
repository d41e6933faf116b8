# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods behind the Email Designer page and the design's form."""

import json

import frappe
from frappe import _
from frappe.utils import cint, get_url

from campaign_plus.design import catalogue, checks, compiler, identity, model
from campaign_plus.design.personal import field_values
from campaign_plus.design.settings import brand_kit
from campaign_plus.engine import design as engine
from campaign_plus.errors import translated_rule_errors
from campaign_plus.utils.unsubscribe_links import test_page_url

DOCTYPE = model.DOCTYPE
PARTY_TYPES = ("Lead", "Contact")
MAX_ITEMS = 12


FIELD_LABELS = {
	"first_name": "First Name",
	"last_name": "Last Name",
	"full_name": "Full Name",
	"salutation": "Salutation",
	"company_name": "Company Name",
	"email": "Email",
}


@frappe.whitelist()
def editor_context(design: str) -> dict:
	"""What the editor needs: the design, the brand kit, the footer's legal identity, the
	personalisation fields and the coupons it may show."""
	doc = frappe.get_doc(DOCTYPE, design)
	doc.check_permission("read")
	with translated_rule_errors():
		data = engine.normalise(doc.design or "{}")
	return {
		"name": doc.name,
		"title": doc.title,
		"campaign": doc.campaign,
		"version": doc.version,
		"design": data,
		"brand": brand_kit(),
		"identity": identity.legal_identity(doc.campaign),
		"fields": [{"value": key, "label": _(FIELD_LABELS[key])} for key in engine.FIELDS],
		"coupons": coupon_choices(doc.campaign),
		"networks": list(engine.SOCIAL_NETWORKS),
		"can_write": bool(doc.has_permission("write")),
		"user_email": frappe.db.get_value("User", frappe.session.user, "email"),
		"site_url": get_url(),
	}


def coupon_choices(campaign: str | None) -> list[dict]:
	"""Coupon codes the coupon block can show: those of the campaign's Pricing Rules first."""
	if not frappe.has_permission("Coupon Code", "read"):
		return []
	rows = frappe.get_all(
		"Coupon Code",
		fields=["name", "coupon_code", "pricing_rule", "valid_upto"],
		order_by="creation desc",
		limit=200,
	)
	campaign_value = None
	if campaign:
		from campaign_plus.pricing.activation import pricing_rule_campaign_value

		campaign_value = pricing_rule_campaign_value(campaign)
	rules = {
		rule.name: rule.campaign
		for rule in frappe.get_all(
			"Pricing Rule",
			filters={"name": ("in", [row.pricing_rule for row in rows if row.pricing_rule])},
			fields=["name", "campaign"],
		)
	}
	choices = [
		{
			"value": row.name,
			"label": row.coupon_code or row.name,
			"campaign": rules.get(row.pricing_rule) == campaign_value,
		}
		for row in rows
	]
	return sorted(choices, key=lambda c: not c["campaign"])


@frappe.whitelist(methods=["POST"])
def save_design(design: str, data: str) -> dict:
	"""Save the editor's design (checked by the engine); returns it normalised, with its version
	and the checks before sending."""
	doc = frappe.get_doc(DOCTYPE, design)
	doc.check_permission("write")
	doc.design = data
	doc.save()
	return {
		"version": doc.version,
		"design": json.loads(doc.design),
		"problems": checks.check_design(doc.name),
	}


@frappe.whitelist()
def check_design(design: str) -> list[dict]:
	frappe.get_doc(DOCTYPE, design).check_permission("read")
	return checks.check_design(design)


def _party(party_type: str | None, party: str | None) -> tuple[dict | None, str | None]:
	"""The chosen recipient's document (read permission checked), or None."""
	if not party_type or not party:
		return None, None
	if party_type not in PARTY_TYPES:
		frappe.throw(_("Choose a Lead or a Contact."), title=_("Unknown Recipient Type"))
	if not frappe.has_permission(party_type, "read", party):
		frappe.throw(_("Not permitted to read {0} {1}.").format(_(party_type), party), frappe.PermissionError)
	rows = frappe.get_all(party_type, filters={"name": party}, fields=["*"])
	if not rows:
		frappe.throw(_("{0} {1} not found.").format(_(party_type), party), frappe.DoesNotExistError)
	row = rows[0]
	return row, row.get("email_id")


@frappe.whitelist()
def preview(
	design: str, data: str | None = None, party_type: str | None = None, party: str | None = None
) -> dict:
	"""The email as the chosen recipient would receive it (their personal fields, the price they
	would pay), built from ``data`` (the editor's unsaved design) or the saved one; links are
	shown untracked."""
	doc = frappe.get_doc(DOCTYPE, design)
	doc.check_permission("read")
	with translated_rule_errors():
		normalised = engine.normalise(data if data is not None else (doc.design or "{}"))
	document, email = _party(party_type, party)
	campaign_doc = frappe.get_doc("Campaign", doc.campaign).as_dict() if doc.campaign else None
	lang = identity.recipient_language(party_type, party) if document else identity.recipient_language()
	inputs = compiler.inputs_for(normalised, doc.campaign, lang)
	compiled = compiler.compile_cached(f"{doc.name}:preview", 0, normalised, inputs)
	prices = catalogue.prices(engine.item_codes(normalised), campaign_doc)
	targets = catalogue.target_parties(doc.campaign, campaign_doc) if document else set()
	target = (party_type, party) in targets
	fields = field_values(party_type, document, email)
	unsubscribe = test_page_url(doc.campaign)  # a preview names no recipient: a page that says so
	html_values, text_values = compiled.values(fields, prices, target, unsubscribe, None)
	return {
		"html": compiled.html_template.fill(html_values),
		"text": compiled.text_template.fill(text_values),
		"target": target,
		"problems": checks.problems_for(normalised, compiled, doc.campaign, campaign_doc),
	}


@frappe.whitelist()
def item_cards(items: str | list, campaign: str | None = None) -> list[dict]:
	"""Name, image and list price of items (a JSON list of codes, or codes separated by commas),
	for the products block in the editor."""
	frappe.has_permission("Item", "read", throw=True)
	if isinstance(items, str):
		text = items.strip()
		if text.startswith("["):
			try:
				items = json.loads(text)
			except ValueError:
				frappe.throw(_("The items must be a list of item codes."), title=_("Invalid Items"))
		else:
			items = [code for code in text.replace("\n", ",").split(",")]
	if not isinstance(items, list):
		frappe.throw(_("The items must be a list of item codes."), title=_("Invalid Items"))
	items = [str(code).strip() for code in items if str(code).strip()]
	items = list(dict.fromkeys(items))[:MAX_ITEMS]
	found = catalogue.items(items)
	campaign_doc = None
	if (
		campaign
		and frappe.db.exists("Campaign", campaign)
		and frappe.has_permission("Campaign", "read", campaign)
	):
		campaign_doc = frappe.get_doc("Campaign", campaign).as_dict()
	prices = catalogue.prices([code for code in items if code in found], campaign_doc)
	cards = []
	for code in items:
		item = found.get(code)
		price = prices.get(code) or {}
		cards.append(
			{
				"code": code,
				"found": bool(item),
				"name": (item or {}).get("name") or code,
				"image": (item or {}).get("image") or "",
				"description": (item or {}).get("description") or "",
				"price": (price.get("list") or ("", ""))[1],
				"campaign_price": (price.get("campaign") or ("", ""))[1],
			}
		)
	return cards


@frappe.whitelist(methods=["POST"])
def send_test(
	design: str, email: str | None = None, party_type: str | None = None, party: str | None = None
) -> str:
	"""Send the saved design, filled with the chosen recipient's data, to ``email`` (default:
	yours), as a campaign email goes: compiled, tracked, without Frappe's layout around it."""
	from campaign_plus.design.testing import send_test_email

	doc = frappe.get_doc(DOCTYPE, design)
	doc.check_permission("write")
	email = (email or frappe.db.get_value("User", frappe.session.user, "email") or "").strip()
	if not email or not frappe.utils.validate_email_address(email):
		frappe.throw(_("Give a valid email address to send the test to."), title=_("No Email Address"))
	document, _party_email = _party(party_type, party)
	return send_test_email(doc, email, party_type, document)


@frappe.whitelist(methods=["POST"])
def design_for_template(template: str) -> str:
	"""The Email Template's design, made (and linked to it) when it has none."""
	doc = frappe.get_doc("Email Template", template)
	doc.check_permission("write")
	if doc.get("cp_email_design"):
		return doc.cp_email_design
	frappe.has_permission(DOCTYPE, "create", throw=True)
	design = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"title": doc.name,
			"design": json.dumps({"blocks": starter_blocks()}),
		}
	).insert()
	doc.db_set("cp_email_design", design.name)
	return design.name


def starter_blocks() -> list[dict]:
	return [
		{"type": "header"},
		{"type": "heading", "html": _("Hello {{ first_name | there }}"), "level": 1},
		{"type": "text", "html": "<p>" + _("Write your message here.") + "</p>"},
		{"type": "footer"},
	]


@frappe.whitelist()
def recipient_choices(design: str, txt: str = "", limit: int = 20) -> list[dict]:
	"""Recipients of the design's campaign to preview with (Lead / Contact, their email)."""
	doc = frappe.get_doc(DOCTYPE, design)
	doc.check_permission("read")
	if not doc.campaign:
		return []
	from campaign_plus.sending.recipients import load_recipients

	txt = (txt or "").lower()
	out = []
	for recipient in load_recipients(doc.campaign):
		if recipient.party_type not in PARTY_TYPES:
			continue
		if txt and txt not in f"{recipient.party} {recipient.email}".lower():
			continue
		out.append({"party_type": recipient.party_type, "party": recipient.party, "email": recipient.email})
		if len(out) >= cint(limit):
			break
	return out
