# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Install, migrate and uninstall steps on a real site."""

import ast
import pathlib
import textwrap

import frappe
import pytest

from campaign_plus.links import LINKED_DOCTYPES
from campaign_plus.setup import install
from campaign_plus.setup.fields import CUSTOM_FIELDS, DEFAULT_STATUSES, MODULE, PROPERTY_SETTERS
from tests.conformance._app import EXTERNAL_DOCTYPES
from tests.integration.helpers import make_campaign


def _counts():
	return (
		frappe.db.count("Custom Field", {"module": MODULE}),
		frappe.db.count("Property Setter", {"module": MODULE}),
		frappe.db.count("Campaign Status"),
	)


def test_installed_with_fields_and_default_statuses():
	assert "campaign_plus" in frappe.get_installed_apps()
	meta = frappe.get_meta("Campaign")
	for doctype, fields in CUSTOM_FIELDS.items():
		meta = frappe.get_meta(doctype)
		for field in fields:
			assert meta.has_field(field["fieldname"]), field["fieldname"]
			assert frappe.db.has_column(doctype, field["fieldname"]) or field["fieldtype"] in (
				"Column Break",
				"Section Break",
				"Table",
			)
	assert frappe.get_meta("Campaign").track_changes
	statuses = {
		s.name: s for s in frappe.get_all("Campaign Status", fields=["name", "next_status", "is_closed"])
	}
	for row in DEFAULT_STATUSES:
		assert row["code"] in statuses
	assert statuses["Planned"].next_status == "Active"
	assert statuses["Completed"].is_closed


@pytest.mark.parametrize("doctype", sorted(EXTERNAL_DOCTYPES))
def test_external_doctypes_named_by_the_app_exist(doctype):
	assert frappe.db.exists("DocType", doctype)


def test_install_and_migrate_steps_twice_create_nothing_twice():
	install.setup(install=True)
	before = _counts()
	install.setup(install=True)
	install.after_migrate()
	assert _counts() == before
	# plus, on ERPNext 16 only, the hidden `campaign` its pricing reads on Quotation / SO / SI
	per_version = frappe.db.count("Custom Field", {"module": MODULE, "fieldname": "campaign"})
	assert per_version == (0 if frappe.get_meta("Lead").has_field("campaign_name") else 3)
	assert before[0] == sum(len(fields) for fields in CUSTOM_FIELDS.values()) + per_version
	# the track_changes setter, and search_index on each indexed link its meta did not index yet
	indexed = frappe.db.count("Property Setter", {"module": MODULE, "property": "search_index"})
	assert before[1] == len(PROPERTY_SETTERS) + indexed
	assert indexed <= len(install.indexed_links())


def test_indexed_links_keep_their_index_when_frappe_syncs_their_table():
	"""Each campaign link the app indexes (Lead, Opportunity, Quotation, Sales Order, Sales Invoice,
	Email Campaign) is indexed, once, and is ``search_index``: Frappe's next sync of the table (a
	Custom Field added, as ERPNext's setup wizard does on Quotation, Sales Order and Sales Invoice)
	keeps its index. Checked with the decisions MariaDBTable.alter takes, without running it (its
	DDL would commit the test's transaction); the index was made by install, nothing is created."""
	from frappe.database.mariadb.schema import MariaDBTable

	install.setup()  # on a site installed before: the property setters (the index is there)
	links = install.indexed_links()
	assert set(links) == {*LINKED_DOCTYPES, "Email Campaign"}
	for doctype, fieldname in links.items():
		assert frappe.get_meta(doctype).get_field(fieldname).search_index, doctype
		columns = {}  # index name: its columns
		for row in frappe.db.sql(f"SHOW INDEX FROM `tab{doctype}`", as_dict=True):
			columns.setdefault(row.Key_name, []).append(row.Column_name)
		alone = [name for name, indexed in columns.items() if indexed == [fieldname]]
		assert alone == [f"{fieldname}_index"], f"{doctype}: {alone}"
		table = MariaDBTable(doctype)
		table.setup_table_columns()
		for column in table.columns.values():
			column.build_for_alter_table(table.current_columns.get(column.fieldname.lower()))
		assert fieldname not in {column.fieldname for column in table.drop_index}, doctype
		assert fieldname not in {column.fieldname for column in table.add_index}, doctype


def test_install_writes_the_encryption_key_a_new_site_lacks(monkeypatch):
	"""Links in campaign emails are signed with it: made at install, before any worker signs one
	(each process would otherwise make its own). The site's real config is left alone."""
	import frappe.installer

	written = []
	monkeypatch.setattr(
		frappe.installer, "update_site_config", lambda key, value: written.append((key, value))
	)
	monkeypatch.setattr(
		frappe.local,
		"conf",
		frappe._dict({k: v for k, v in frappe.local.conf.items() if k != "encryption_key"}),
	)
	install.ensure_encryption_key()
	assert [key for key, _value in written] == ["encryption_key"]
	assert frappe.local.conf.encryption_key == written[0][1]
	install.ensure_encryption_key()  # a site that has one keeps it
	assert len(written) == 1


def test_migrate_does_not_resurrect_a_deleted_default_status():
	frappe.delete_doc("Campaign Status", "On Hold")
	install.after_migrate()
	assert not frappe.db.exists("Campaign Status", "On Hold")
	install.after_install()
	assert frappe.db.exists("Campaign Status", "On Hold")


def test_translations_are_compiled_for_french():
	from frappe.gettext.translate import get_mo_path

	assert get_mo_path("campaign_plus", "fr").exists()
	translations = frappe.translate.get_all_translations("fr")
	assert translations.get("Planned") == "Prévu"
	assert translations.get("Campaign Card") == "Fiche campagne"


def _app_jobs():
	methods = frappe.get_all("Scheduled Job Type", filters={"method": ("like", "campaign%")}, pluck="method")
	return [method for method in methods if method.startswith("campaign_plus.")]


def test_uninstall_hook_removes_fields_and_campaign_still_saves():
	from campaign_plus.hooks import scheduler_events
	from campaign_plus.sending.stock import STOCK_SEND_JOB

	declared = set()  # every method of every scheduler event, cron ones included
	for event, methods in scheduler_events.items():
		for group in methods.values() if event == "cron" else [methods]:
			declared.update(group)
	assert set(_app_jobs()) == declared
	assert frappe.db.get_value("Scheduled Job Type", {"method": STOCK_SEND_JOB}, "stopped") == 1
	try:
		install.before_uninstall()
		# no job of the app is left to fail ("App campaign_plus is not installed") until a migrate
		assert _app_jobs() == []
		assert frappe.db.get_value("Scheduled Job Type", {"method": STOCK_SEND_JOB}, "stopped") == 0
		frappe.clear_cache(doctype="Campaign")
		meta = frappe.get_meta("Campaign")
		for field in CUSTOM_FIELDS["Campaign"]:
			assert not meta.has_field(field["fieldname"])
		assert not frappe.db.count("Property Setter", {"module": MODULE})
		campaign = make_campaign()
		campaign.description = "still works"
		campaign.save()
		assert frappe.db.get_value("Campaign", campaign.name, "description") == "still works"
	finally:
		frappe.db.rollback()
		install.setup()
		frappe.clear_cache(doctype="Campaign")
	assert frappe.get_meta("Campaign").has_field("cp_status")
	assert set(_app_jobs()) == declared


def test_type_blocks_match_frappe_exporter():
	"""The committed controller type blocks are what Frappe's exporter generates (statement by
	statement: ruff may wrap lines and sort the imports into sections)."""
	from frappe.types.exporter import TypeExporter

	for name in frappe.get_all("DocType", filters={"module": MODULE}, pluck="name"):
		exporter = TypeExporter(frappe.get_doc("DocType", name))
		generated = _statements(exporter._generate_code())
		committed = _statements(pathlib.Path(exporter.controller_path).read_text())
		assert committed == generated, f"{name}: type block differs from Frappe's exporter"


def _statements(code: str) -> list[str]:
	block = code.split("# begin: auto-generated types")[1].split("# end: auto-generated types")[0]
	tree = ast.parse(textwrap.dedent(block))
	body = next(node for node in tree.body if isinstance(node, ast.If)).body
	return sorted(ast.unparse(statement) for statement in body)


def test_workspace_and_number_cards_are_installed_and_count():
	import json

	from frappe.desk.doctype.number_card.number_card import get_result

	workspace = frappe.get_doc("Workspace", "Campaign Plus")
	assert {card.number_card_name for card in workspace.number_cards} == {
		"Open Campaigns",
		"Campaign Emails Sent (Last 1 Month)",
		"Campaign Responses (Last 1 Month)",
	}
	assert {"Campaign", "Campaign Segment", "Campaign ROI"} <= {s.link_to for s in workspace.shortcuts}
	before = get_result(frappe.get_doc("Number Card", "Open Campaigns").as_dict(), json.dumps([]))
	make_campaign()  # Planned: open
	assert get_result(frappe.get_doc("Number Card", "Open Campaigns").as_dict(), json.dumps([])) == before + 1
