# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Shared facts for the conformance tests: where things are, and the Frappe vocabulary they use."""

import ast
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP = ROOT / "campaign_plus"

# DocField fieldtypes of Frappe 15 and 16 (core/doctype/docfield/docfield.json).
FIELDTYPES = {
	"Autocomplete", "Attach", "Attach Image", "Barcode", "Button", "Check", "Code", "Color",
	"Column Break", "Currency", "Data", "Date", "Datetime", "Duration", "Dynamic Link", "Float",
	"Fold", "Geolocation", "Heading", "HTML", "HTML Editor", "Icon", "Image", "Int", "JSON", "Link",
	"Long Text", "Markdown Editor", "Password", "Percent", "Phone", "Read Only", "Rating",
	"Section Break", "Select", "Signature", "Small Text", "Tab Break", "Table", "Table MultiSelect",
	"Text", "Text Editor", "Time",
}  # fmt: skip
NO_VALUE_TYPES = {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Heading", "Fold", "Image"}

# Frappe / ERPNext doctypes the app links to; the integration tier checks each exists on the site.
EXTERNAL_DOCTYPES = {
	"Campaign", "Campaign Email Schedule", "Communication", "Company", "Contact", "Currency",
	"Customer", "Dynamic Link", "DocType", "Employee", "Event", "Event Participants", "ToDo", "Email Account", "Email Campaign", "Email Group", "Email Group Member",
	"Email Queue", "Email Queue Recipient", "Email Rule", "Email Template", "Email Unsubscribe",
	"Item", "Item Group", "Language", "Lead", "Module Def", "Opportunity", "Pricing Rule", "Quotation", "Role",
	"Sales Invoice", "Sales Order", "Sales Person", "Scheduled Job Type", "UOM", "User",
}  # fmt: skip

# Properties a Custom Field has on Frappe 15 and 16 (custom/doctype/custom_field/custom_field.json).
CUSTOM_FIELD_PROPERTIES = {
	"allow_in_quick_entry", "allow_on_submit", "bold", "collapsible", "collapsible_depends_on",
	"columns", "default", "depends_on", "description", "dt", "fetch_from", "fetch_if_empty",
	"fieldname", "fieldtype", "hidden", "hide_border", "hide_days", "hide_seconds",
	"ignore_user_permissions", "ignore_xss_filter", "in_global_search", "in_list_view",
	"in_preview", "in_standard_filter", "insert_after", "is_system_generated", "is_virtual",
	"label", "label_help", "length", "link_filters", "mandatory_depends_on", "module", "no_copy",
	"non_negative", "options", "options_help", "permlevel", "placeholder", "precision",
	"print_hide", "print_hide_if_no_value", "print_width", "read_only", "read_only_depends_on",
	"report_hide", "reqd", "search_index", "show_dashboard", "sort_options", "translatable",
	"unique", "width",
}  # fmt: skip

# Stock fields of ERPNext's Campaign (v15 and v16), for custom fields' insert_after.
STOCK_FIELDS = {
	"Campaign": {
		"campaign", "campaign_name", "naming_series", "campaign_schedules_section",
		"campaign_schedules", "description_section", "description",
	},
	"Campaign Email Schedule": {"send_after_days", "email_template"},
	"Lead": {"unsubscribed"},
	"ToDo": {"reference_name"},
	"Pricing Rule": {"campaign"},
	"Event": {"description"},
	"Contact": {"unsubscribed"},
	"Email Template": {"subject"},
	"Email Account": {"brand_logo"},
}  # fmt: skip


def doctype_files() -> list[pathlib.Path]:
	return sorted(APP.glob("*/doctype/*/*.json"))


def load_doctypes() -> dict[str, dict]:
	doctypes = {}
	for path in doctype_files():
		data = json.loads(path.read_text())
		if data.get("doctype") == "DocType":
			data["_path"] = path
			doctypes[data["name"]] = data
	return doctypes


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def modules() -> list[str]:
	return [line.strip() for line in (APP / "modules.txt").read_text().splitlines() if line.strip()]


def parse(path: pathlib.Path) -> ast.Module:
	return ast.parse(path.read_text(), str(path))
