# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Set-based database helpers shared by the services."""

from collections.abc import Iterable, Sequence

import frappe
from frappe.utils import create_batch, now_datetime

# The columns every row carries, for bulk inserts (name, then the standard ones).
STANDARD_COLUMNS = ("name", "creation", "modified", "owner", "modified_by", "docstatus")
# Rows per INSERT statement of :func:`insert_many` (a few megabytes, under max_allowed_packet).
INSERT_CHUNK = 5000


def standard_values(name: str | None = None, now=None, user: str | None = None) -> tuple:
	"""Values for :data:`STANDARD_COLUMNS`: a new hash name unless given, now, the session user."""
	now = now or now_datetime()
	user = user or frappe.session.user
	return (name or frappe.generate_hash(length=12), now, now, user, user, 0)


def insert_many(
	doctype: str, fields: Sequence[str], rows: Iterable[Sequence], *, ignore_duplicates: bool = False
) -> int:
	"""Insert many rows: one multi-row INSERT per chunk of :data:`INSERT_CHUNK` rows.

	Each distinct value is escaped once, by the database driver's own escaping (as a parameter
	would be): ``frappe.db.bulk_insert`` builds every value through the query builder,
	seconds per 10,000 rows of twenty columns. ``fields`` are the caller's own column names.
	"""
	from pymysql.converters import escape_item, escape_string

	cache: dict = {None: "NULL"}

	def literal(value) -> str:
		key = value if isinstance(value, str) or value is None else (type(value), value)
		try:
			return cache[key]
		except KeyError:
			text = (
				"'" + escape_string(value) + "'" if isinstance(value, str) else escape_item(value, "utf8mb4")
			)
			cache[key] = text
			return text

	columns = ", ".join(f"`{field}`" for field in fields)
	verb = "INSERT IGNORE" if ignore_duplicates else "INSERT"
	count = 0
	for chunk in create_batch(list(rows), INSERT_CHUNK):
		values = ", ".join("(" + ", ".join(map(literal, row)) + ")" for row in chunk)
		frappe.db.sql(f"{verb} INTO `tab{doctype}` ({columns}) VALUES {values}")
		count += len(chunk)
	return count
