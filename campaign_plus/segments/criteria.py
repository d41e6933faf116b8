# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Criteria on Lead / Contact / Customer: validated against the meta, run through Frappe's list
query (the user's read permission, user permissions and permission query conditions apply)."""

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields

from campaign_plus.engine.criteria import FieldSpec, check_doctype, validate_filters
from campaign_plus.errors import translated_rule_errors


def field_specs(doctype: str) -> dict[str, FieldSpec]:
	meta = frappe.get_meta(doctype)
	return {
		df.fieldname: FieldSpec(df.fieldtype, df.options)
		for df in meta.fields
		if df.fieldtype not in no_value_fields and df.fieldtype not in table_fields and not df.is_virtual
	}


def validated_filters(doctype: str, filters) -> list[list]:
	with translated_rule_errors():
		check_doctype(doctype)
		criteria = validate_filters(doctype, filters, field_specs(doctype))
	return [criterion.as_filter(doctype) for criterion in criteria]


def permitted_names_query(doctype: str, filters: list[list]) -> tuple[str, dict]:
	"""SQL (and its parameters) selecting the names of ``doctype`` the current user may read
	that match ``filters``: Frappe's own list query, not run, to be run with other parameters
	(``%(name)s`` placeholders) around it.

	Frappe 15 answers SQL with the values inlined and escaped as literals, meant to be run
	without parameters (a ``like`` value's ``%`` doubled, the others not): every ``%`` of it is
	doubled here, so that after parameter formatting the database receives exactly the statement
	Frappe's list query runs — a ``%`` or ``%(name)s`` in a value stays text. Frappe 16 answers
	placeholders and their values, meant to be run with them: kept as they are."""
	if not frappe.has_permission(doctype, "read"):
		frappe.throw(
			_("You are not permitted to read {0}.").format(_(doctype)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	return _names_query(frappe.get_list, doctype, filters)


def names_query(doctype: str, filters: list[list]) -> tuple[str, dict]:
	"""SQL (and its parameters) selecting the names of every ``doctype`` row matching validated
	``filters``, whoever runs it (system work: lead scoring's fit rules)."""
	return _names_query(frappe.get_all, doctype, filters)


def _names_query(get, doctype: str, filters: list[list]) -> tuple[str, dict]:
	major = int(frappe.__version__.split(".")[0])
	limit = {"limit": 0} if major >= 16 else {"limit_page_length": 0}
	query = get(doctype, filters=filters, fields=["name"], order_by="", run=False, **limit)
	if isinstance(query, str):  # Frappe 15: values inlined (escaped), run without parameters
		return query.strip().replace("%", "%%"), {}
	sql, params = query.walk()  # Frappe 16: a query builder with %(paramN)s placeholders
	return sql, params
