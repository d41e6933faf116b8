# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Install, migrate and uninstall steps. Every step is idempotent: running it twice changes nothing."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.custom.doctype.property_setter.property_setter import make_property_setter
from frappe.query_builder.functions import IfNull

from campaign_plus.consent.rule import keep_existing_campaigns_sending
from campaign_plus.pricing.transactions import ensure_pricing_fields
from campaign_plus.sending.stock import restore_stock_sending, stop_stock_sending
from campaign_plus.setup.fields import CUSTOM_FIELDS, DEFAULT_STATUSES, MODULE, PROPERTY_SETTERS

APP = "campaign_plus"


def ensure_encryption_key() -> None:
	"""The site's encryption key written to its site_config.json now, if it has none yet.

	Campaign emails carry links signed with it (unsubscribe, tracking, consent). Frappe makes the
	key the first time a process needs one: on a new site, a web worker started before that moment
	and a background worker would each make their own, and links signed by one would be refused by
	the other. Made at install (and migrate), every process started after reads the same one."""
	from frappe.utils.password import get_encryption_key

	get_encryption_key()


def after_install():
	setup(install=True)


def after_migrate():
	setup(install=False)


def setup(install: bool = False):
	ensure_encryption_key()
	make_custom_fields()
	keep_existing_campaigns_sending()
	ensure_pricing_fields()
	ensure_campaign_indexes()
	make_property_setters()
	make_default_statuses(only_if_none=not install)
	fill_settings_defaults()
	stop_stock_sending()
	compile_translations()


def before_uninstall():
	disable_campaign_pricing_rules()
	delete_scheduled_jobs()
	delete_custom_fields()
	delete_property_setters()
	restore_stock_sending()
	frappe.db.delete("DefaultValue", {"name": TRACKING_MARKER})  # the last tracking batch written


TRACKING_MARKER = "campaign-plus-tracking-batch"  # campaign_plus.tracking.buffer.MARKER


def make_custom_fields():
	fields = {
		doctype: [{**field, "module": MODULE} for field in doctype_fields]
		for doctype, doctype_fields in CUSTOM_FIELDS.items()
	}
	create_custom_fields(fields, ignore_validate=True, update=True)


def make_property_setters():
	for setter in PROPERTY_SETTERS:
		filters = {
			"doc_type": setter["doctype"],
			"property": setter["property"],
			"field_name": setter.get("fieldname"),
		}
		if frappe.db.exists("Property Setter", filters):
			continue
		ps = make_property_setter(
			setter["doctype"],
			setter.get("fieldname"),
			setter["property"],
			setter["value"],
			setter["property_type"],
			for_doctype=setter["doctype_or_field"] == "DocType",
			validate_fields_for_doctype=False,
		)
		ps.db_set("module", MODULE, update_modified=False)


def fill_settings_defaults():
	"""Campaign Plus Settings fields without a value get their default (a Single keeps no value for
	a field added later: the form would show it empty, and saving it would store 0)."""
	from frappe.model import no_value_fields

	settings = "Campaign Plus Settings"
	stored = set(
		frappe.db.sql_list(
			"""SELECT `field` FROM `tabSingles` WHERE `doctype` = %s
			AND `value` IS NOT NULL AND `value` != ''""",
			(settings,),
		)
	)
	for df in frappe.get_meta(settings).fields:
		if df.fieldtype in no_value_fields or df.default in (None, "") or df.fieldname in stored:
			continue
		frappe.db.set_single_value(settings, df.fieldname, df.default, update_modified=False)


def make_default_statuses(only_if_none: bool = False):
	"""Create the default status codes that are missing (on migrate: only when there are none).

	Statuses are inserted so that each one's next status already exists.
	"""
	if only_if_none and frappe.db.count("Campaign Status"):
		return
	pending = [row for row in DEFAULT_STATUSES if not frappe.db.exists("Campaign Status", row["code"])]
	while pending:
		ready = [
			row
			for row in pending
			if not row["next_status"] or frappe.db.exists("Campaign Status", row["next_status"])
		]
		if not ready:  # a next status the user deleted: create without it
			ready = [{**pending[0], "next_status": None}]
		for row in ready:
			frappe.get_doc({"doctype": "Campaign Status", **row}).insert(ignore_permissions=True)
			pending = [p for p in pending if p["code"] != row["code"]]


def ensure_campaign_indexes():
	"""Index the campaign link of Lead, Opportunity, Quotation, Sales Order and Sales Invoice
	(the statistics and the View buttons filter on it), of Email Campaign (the planner) and the
	Campaign Send Log's."""
	for doctype, fieldname in indexed_links().items():
		keep_indexed(doctype, fieldname)
	# the Send Log's indexes added after its JSON last changed (its on_doctype_update runs only
	# then): an existing site gets them at its next migrate (add_index does nothing when present)
	frappe.db.add_index("Campaign Send Log", ["campaign", "email_account"])
	frappe.db.add_index("Campaign Send Log", ["campaign", "delivery_doubt"])


def indexed_links() -> dict[str, str]:
	"""The fields of ERPNext's doctypes the app indexes, by doctype: each document's campaign link
	(its field depends on the ERPNext version) and Email Campaign's campaign."""
	from campaign_plus.links import get_campaign_links

	fields = {doctype: link.fieldname for doctype, link in get_campaign_links().items()}
	fields["Email Campaign"] = "campaign_name"
	return fields


def keep_indexed(doctype: str, fieldname: str) -> None:
	"""The field made ``search_index`` (a Property Setter of the app, unless its meta says so
	already), then its index made by Frappe's schema sync if the table has none on that column.

	An index Frappe does not know of does not last: each sync of the table (a Custom Field added —
	ERPNext's setup wizard adds its regional ones to Quotation, Sales Order and Sales Invoice —,
	Customize Form, a doctype update) drops the single-column index of a column whose field is not
	``search_index`` (MariaDBTable.alter), until the next migrate made it again. Frappe names it
	``<fieldname>_index``, the name ``frappe.db.add_index`` gave it on a site installed before:
	that index is kept, and none is added twice."""
	if not frappe.get_meta(doctype).get_field(fieldname).search_index:
		setter = make_property_setter(
			doctype, fieldname, "search_index", "1", "Check", validate_fields_for_doctype=False
		)
		setter.db_set("module", MODULE, update_modified=False)
		frappe.clear_cache(doctype=doctype)
	if not has_column_index(doctype, fieldname):
		frappe.db.updatedb(doctype)


def has_column_index(doctype: str, fieldname: str) -> bool:
	"""Whether the doctype's table has an index of that one column, whatever its name."""
	table = f"tab{doctype}"
	if hasattr(frappe.db, "get_column_index"):  # MariaDB
		return bool(frappe.db.get_column_index(table, fieldname, unique=False))
	return bool(frappe.db.has_index(table, frappe.db.get_index_name([fieldname])))


def compile_translations():
	"""Compile locale/*.po to the .mo files Frappe reads, so translations work without a build."""
	try:
		from frappe.gettext.translate import _compile_translation, get_locales
	except ImportError:  # a Frappe without gettext translations
		return
	from frappe.translate import clear_cache

	for locale in get_locales(APP):
		_compile_translation(APP, locale, force=True)
	clear_cache()


def delete_scheduled_jobs():
	"""The app's Scheduled Job Types (and their logs). Frappe drops jobs no hook declares only on the
	next migrate: until then each run would fail with "App campaign_plus is not installed"."""
	jobs = frappe.get_all(
		"Scheduled Job Type", filters={"method": ("like", f"{APP}.%")}, fields=["name", "method"]
	)
	for job in jobs:
		if job.method.startswith(f"{APP}."):
			frappe.delete_doc("Scheduled Job Type", job.name, ignore_permissions=True, force=True)


def disable_campaign_pricing_rules():
	"""Without the app nothing limits a campaign's Pricing Rules to its target customers (ERPNext
	applies them to any document carrying the campaign): switch off the ones the app generated,
	and mark the campaigns' prices inactive (after a reinstall, Activate Prices turns them on)."""
	if not frappe.get_meta("Pricing Rule").has_field("cp_campaign"):
		return
	rule = frappe.qb.DocType("Pricing Rule")
	(
		frappe.qb.update(rule)
		.set(rule.disable, 1)
		.where(IfNull(rule.cp_campaign, "") != "")
		.where(rule.disable == 0)
		.run()
	)
	if frappe.db.has_column("Campaign", "cp_prices_active"):  # reinstalled: activate again
		campaign = frappe.qb.DocType("Campaign")
		frappe.qb.update(campaign).set(campaign.cp_prices_active, 0).where(
			campaign.cp_prices_active == 1
		).run()
	frappe.clear_cache(doctype="Pricing Rule")


def delete_custom_fields():
	frappe.db.delete("Custom Field", {"module": MODULE})  # also the ones made per ERPNext version
	for doctype, fields in CUSTOM_FIELDS.items():
		fieldnames = [field["fieldname"] for field in fields]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", fieldnames)})
		frappe.clear_cache(doctype=doctype)


def delete_property_setters():
	for setter in PROPERTY_SETTERS:
		frappe.db.delete(
			"Property Setter",
			{"doc_type": setter["doctype"], "property": setter["property"], "module": MODULE},
		)
		frappe.clear_cache(doctype=setter["doctype"])
	# the indexed fields (keep_indexed): Frappe's next sync of each table drops its index
	indexed = {"property": "search_index", "module": MODULE}
	doctypes = set(frappe.get_all("Property Setter", filters=indexed, pluck="doc_type"))
	frappe.db.delete("Property Setter", indexed)
	for doctype in doctypes:
		frappe.clear_cache(doctype=doctype)
