# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Segment criteria: a document type plus filters in Frappe's standard format, validated.

Accepted filter shapes (what the desk's filter UI and ``frappe.get_list`` use):
``{"field": value}``, ``{"field": [op, value]}``, ``[[doctype, field, op, value], ...]`` and
``[[field, op, value], ...]``. Every filter must name a known field of the document type (or a
standard one), an allowed operator, and a value of the right type. Anything else is refused
with a message naming what is wrong. The validated filters are then handed to Frappe's own
list query, which applies the user's permissions.

Values are data, whatever they hold (``%``, ``%(name)s``, quotes, backslashes, ``;``): they reach
the database escaped or as parameters, never as SQL, so no character is refused. ``between`` on
a field that is not a date becomes ``>=`` and ``<=`` (Frappe 15's list query compares only dates
with ``between``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from campaign_plus.engine.errors import RuleError, _

ALLOWED_DOCTYPES = ("Lead", "Contact", "Customer")
OPERATORS = (
	"=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in", "is", "between",
	"timespan", "descendants of", "descendants of (inclusive)", "not descendants of",
)  # fmt: skip
TIMESPANS = (
	"last week", "last month", "last quarter", "last 6 months", "last year", "yesterday",
	"today", "tomorrow", "this week", "this month", "this quarter", "this year", "next week",
	"next month", "next quarter", "next 6 months", "next year",
)  # fmt: skip
NUMERIC = {"Int", "Float", "Currency", "Percent", "Check", "Rating", "Duration"}
DATES = {"Date", "Datetime"}
TREE_OPERATORS = {"descendants of", "descendants of (inclusive)", "not descendants of"}
# Standard columns every doctype has, with their types.
STANDARD_FIELDS = {
	"name": ("Data", None),
	"owner": ("Link", "User"),
	"modified_by": ("Link", "User"),
	"creation": ("Datetime", None),
	"modified": ("Datetime", None),
}
FILTER_ERROR = _("Invalid Criteria")


@dataclass(frozen=True)
class FieldSpec:
	fieldtype: str
	options: str | None = None


@dataclass(frozen=True)
class Criterion:
	fieldname: str
	operator: str
	value: object

	def as_filter(self, doctype: str) -> list:
		return [doctype, self.fieldname, self.operator, self.value]


def check_doctype(doctype: str) -> None:
	if doctype not in ALLOWED_DOCTYPES:
		raise RuleError(
			_("Segments are built from {0}, not from {1}."),
			", ".join(ALLOWED_DOCTYPES),
			doctype,
			title=FILTER_ERROR,
		)


def parse_filters(filters) -> list[tuple[str | None, str, str, object]]:
	"""Normalise the accepted shapes into (doctype or None, field, operator, value) tuples."""
	if filters in (None, "", [], {}):
		return []
	if isinstance(filters, str):
		try:
			filters = json.loads(filters)
		except ValueError:
			raise RuleError(_("The filters are not valid JSON."), title=FILTER_ERROR)
	result = []
	if isinstance(filters, Mapping):
		for field, value in filters.items():
			if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str):
				result.append((None, field, value[0], value[1]))
			else:
				result.append((None, field, "=", value))
		return result
	if not isinstance(filters, list | tuple):
		raise RuleError(_("The filters must be a list or a mapping."), title=FILTER_ERROR)
	for item in filters:
		if isinstance(item, list | tuple) and len(item) in (4, 5):
			result.append((item[0], item[1], item[2], item[3]))
		elif isinstance(item, list | tuple) and len(item) == 3:
			result.append((None, item[0], item[1], item[2]))
		else:
			raise RuleError(
				_("Filter {0} is not [field, operator, value]."),
				json.dumps(item, default=str),
				title=FILTER_ERROR,
			)
	return result


def _is_number(value) -> bool:
	if isinstance(value, bool):
		return True
	if isinstance(value, int | float):
		return True
	if isinstance(value, str):
		try:
			float(value)
		except ValueError:
			return False
		return True
	return False


def _is_date(value) -> bool:
	if isinstance(value, dt.date):
		return True
	if not isinstance(value, str):
		return False
	try:
		dt.datetime.fromisoformat(value.strip())
	except ValueError:
		return False
	return True


def _check_scalar(field: str, spec: FieldSpec, operator: str, value) -> None:
	if value is None:
		return
	if isinstance(value, list | tuple | dict):
		raise RuleError(
			_("Filter on {0}: operator {1} takes a single value."), field, operator, title=FILTER_ERROR
		)
	if operator in ("like", "not like"):
		return
	if spec.fieldtype in NUMERIC and not _is_number(value):
		raise RuleError(_("Filter on {0}: {1} is not a number."), field, value, title=FILTER_ERROR)
	if spec.fieldtype in DATES and operator != "timespan" and not _is_date(value):
		raise RuleError(_("Filter on {0}: {1} is not a date (YYYY-MM-DD)."), field, value, title=FILTER_ERROR)
	if spec.fieldtype == "Select" and spec.options and operator in ("=", "!="):
		options = [o for o in spec.options.split("\n")]
		if str(value) not in options:
			raise RuleError(
				_("Filter on {0}: {1} is not one of {2}."),
				field,
				value,
				", ".join(o for o in options if o),
				title=FILTER_ERROR,
			)


def validate_filters(doctype: str, filters, fields: Mapping[str, FieldSpec]) -> list[Criterion]:
	"""Validated criteria for ``doctype`` given its fields (fieldname → FieldSpec)."""
	check_doctype(doctype)
	known = {**{k: FieldSpec(*v) for k, v in STANDARD_FIELDS.items()}, **fields}
	criteria = []
	for filter_doctype, field, operator, value in parse_filters(filters):
		if filter_doctype not in (None, doctype):
			raise RuleError(
				_("Filters on {0} are not supported here: filter on fields of {1}."),
				filter_doctype,
				doctype,
				title=FILTER_ERROR,
			)
		if not isinstance(field, str) or field not in known:
			raise RuleError(_("{0} has no field {1}."), doctype, field, title=FILTER_ERROR)
		operator = str(operator).strip().lower() if isinstance(operator, str) else operator
		if operator not in OPERATORS:
			raise RuleError(
				_("Operator {0} is not allowed (filter on {1})."), operator, field, title=FILTER_ERROR
			)
		spec = known[field]
		if operator in ("in", "not in"):
			values = value.split(",") if isinstance(value, str) else value
			if not isinstance(values, list | tuple):
				raise RuleError(
					_("Filter on {0}: {1} takes a list of values."), field, operator, title=FILTER_ERROR
				)
			values = [v.strip() if isinstance(v, str) else v for v in values]
			for item in values:
				_check_scalar(field, spec, "=" if spec.fieldtype != "Select" else "in", item)
			value = list(values)
		elif operator == "between":
			if not (isinstance(value, list | tuple) and len(value) == 2):
				raise RuleError(_("Filter on {0}: between takes two values."), field, title=FILTER_ERROR)
			for item in value:
				_check_scalar(field, spec, "=", item)
			if spec.fieldtype not in DATES:  # Frappe 15 compares only dates with between
				criteria.append(Criterion(field, ">=", value[0]))
				criteria.append(Criterion(field, "<=", value[1]))
				continue
			value = list(value)
		elif operator == "is":
			if value not in ("set", "not set"):
				raise RuleError(_("Filter on {0}: is takes set or not set."), field, title=FILTER_ERROR)
		elif operator == "timespan":
			if spec.fieldtype not in DATES or value not in TIMESPANS:
				raise RuleError(
					_("Filter on {0}: {1} is not a time span of a date field."),
					field,
					value,
					title=FILTER_ERROR,
				)
		elif operator in TREE_OPERATORS:
			if spec.fieldtype != "Link":
				raise RuleError(
					_("Filter on {0}: {1} needs a link to a tree."), field, operator, title=FILTER_ERROR
				)
			_check_scalar(field, spec, "=", value)
		else:
			_check_scalar(field, spec, operator, value)
		criteria.append(Criterion(field, operator, value))
	return criteria
