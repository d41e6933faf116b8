# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Doctype JSON and controllers are well-formed, without a site."""

import ast
import re

import pytest

from campaign_plus.setup.fields import CUSTOM_FIELDS, DEFAULT_STATUSES, INDICATOR_COLORS, PROPERTY_SETTERS
from tests.conformance._app import (
	APP,
	CUSTOM_FIELD_PROPERTIES,
	EXTERNAL_DOCTYPES,
	FIELDTYPES,
	NO_VALUE_TYPES,
	STOCK_FIELDS,
	load_doctypes,
	modules,
	parse,
	scrub,
)

DOCTYPES = load_doctypes()
KNOWN = set(DOCTYPES) | EXTERNAL_DOCTYPES
FIELDNAME = re.compile(r"^[a-z][a-z0-9_]*$")


def test_there_are_doctypes():
	assert "Campaign Status" in DOCTYPES


@pytest.mark.parametrize("name", sorted(DOCTYPES))
class TestDoctype:
	def test_location_and_module(self, name):
		data = DOCTYPES[name]
		path = data["_path"]
		assert path.stem == scrub(name)
		assert path.parent.name == scrub(name)
		assert data["module"] in modules()
		assert path.parents[2].name == scrub(data["module"])

	def test_fields(self, name):
		data = DOCTYPES[name]
		fieldnames = [f["fieldname"] for f in data["fields"]]
		assert len(fieldnames) == len(set(fieldnames)), "duplicate fieldnames"
		assert data.get("field_order", fieldnames) == fieldnames, "field_order differs from fields"
		for field in data["fields"]:
			assert FIELDNAME.match(field["fieldname"]), field["fieldname"]
			assert field["fieldtype"] in FIELDTYPES, field
			if field["fieldtype"] not in NO_VALUE_TYPES and field["fieldtype"] != "Table":
				assert field.get("label"), f"{field['fieldname']} has no label"
			if field["fieldtype"] in ("Link", "Table", "Table MultiSelect"):
				assert field.get("options") in KNOWN, f"{field['fieldname']} → unknown {field.get('options')}"
			if field["fieldtype"] in ("Table", "Table MultiSelect"):
				child = DOCTYPES.get(field["options"])
				assert child is None or child.get("istable"), f"{field['options']} is not a child table"
			if field["fieldtype"] == "Dynamic Link":
				assert field.get("options") in fieldnames
			if field.get("fetch_from"):
				source = field["fetch_from"].split(".")[0]
				assert source in fieldnames

	def test_naming_and_permissions(self, name):
		data = DOCTYPES[name]
		autoname = data.get("autoname") or ""
		if autoname.startswith("field:"):
			fieldname = autoname.split(":", 1)[1]
			field = next(f for f in data["fields"] if f["fieldname"] == fieldname)
			assert field.get("reqd") and field.get("unique")
		if not data.get("istable"):
			assert data.get("permissions"), "a non-child doctype needs permissions"
		for link in data.get("links", []):
			assert link["link_doctype"] in KNOWN

	def test_controller_and_type_block(self, name):
		data = DOCTYPES[name]
		path = data["_path"].with_suffix(".py")
		assert path.exists(), f"no controller {path.name}"
		tree = parse(path)
		classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
		assert [c.name for c in classes][:1] == [name.replace(" ", "")]
		text = path.read_text()
		assert "# begin: auto-generated types" in text and "# end: auto-generated types" in text
		block = text.split("# begin: auto-generated types")[1].split("# end: auto-generated types")[0]
		annotated = set(re.findall(r"^\t\t(\w+): DF\.", block, re.M))
		expected = {f["fieldname"] for f in data["fields"] if f["fieldtype"] not in NO_VALUE_TYPES}
		if data.get("istable"):
			expected |= {"parent", "parentfield", "parenttype"}
		assert annotated == expected, "type block out of date: save the doctype with developer_mode on"
		assert data["_path"].with_name(f"test_{scrub(name)}.py").exists(), "each doctype ships a test"


def test_custom_fields_are_well_formed():
	for doctype, fields in CUSTOM_FIELDS.items():
		assert doctype in KNOWN
		known_fields = set(STOCK_FIELDS.get(doctype, set()))
		names = [f["fieldname"] for f in fields]
		assert len(names) == len(set(names))
		for field in fields:
			assert set(field) <= CUSTOM_FIELD_PROPERTIES, (
				"not a Custom Field property (it would be re-saved on every migrate)"
			)
			assert field["fieldname"].startswith("cp_"), "custom fields carry the cp_ prefix"
			assert field["fieldtype"] in FIELDTYPES
			assert field["insert_after"] in known_fields, f"{field['fieldname']} after unknown field"
			if field["fieldtype"] in ("Link", "Table"):
				assert field["options"] in KNOWN
			if field["fieldtype"] not in NO_VALUE_TYPES:
				assert field.get("label")
			if field["fieldtype"] == "Currency":  # a currency field, or Frappe's "DocType:link field:field"
				doctype_, _, link = field["options"].rpartition(":")[0].partition(":")
				assert field["options"] in names or (doctype_ in KNOWN and link in names)
			if field.get("fetch_from"):
				assert field["fetch_from"].split(".")[0] in names
			known_fields.add(field["fieldname"])


def test_property_setters_target_known_doctypes():
	for setter in PROPERTY_SETTERS:
		assert setter["doctype"] in KNOWN
		assert setter["doctype_or_field"] in ("DocType", "DocField")


def test_default_statuses_fit_the_status_doctype():
	status = DOCTYPES["Campaign Status"]
	fieldnames = {f["fieldname"] for f in status["fields"]}
	colors = next(f for f in status["fields"] if f["fieldname"] == "indicator_color")["options"].split("\n")
	assert tuple(colors) == INDICATOR_COLORS
	codes = {row["code"] for row in DEFAULT_STATUSES}
	for row in DEFAULT_STATUSES:
		assert set(row) <= fieldnames
		assert row["next_status"] in codes | {None}
		assert row["indicator_color"] in colors


def test_app_layout():
	for name in ("hooks.py", "modules.txt", "patches.txt", "__init__.py", "locale/main.pot", "locale/fr.po"):
		assert (APP / name).exists(), name
	patches = (APP / "patches.txt").read_text()
	assert "[pre_model_sync]" in patches and "[post_model_sync]" in patches
	for module in modules():
		assert (APP / scrub(module) / "__init__.py").exists()
