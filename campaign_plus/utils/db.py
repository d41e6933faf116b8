# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Set-based database helpers shared by the services."""

import random
import secrets
import time
from collections.abc import Iterable, Sequence

import frappe
from frappe.utils import create_batch, now_datetime

from campaign_plus.utils.runtime import in_test

# The columns every row carries, for bulk inserts (name, then the standard ones).
STANDARD_COLUMNS = ("name", "creation", "modified", "owner", "modified_by", "docstatus")
# Rows per INSERT statement of :func:`insert_many` (a few megabytes, under max_allowed_packet).
INSERT_CHUNK = 5000


def standard_values(name: str | None = None, now=None, user: str | None = None) -> tuple:
	"""Values for :data:`STANDARD_COLUMNS`: a new hash name unless given, now, the session user."""
	now = now or now_datetime()
	user = user or frappe.session.user
	return (name or frappe.generate_hash(length=12), now, now, user, user, 0)


# Frappe's alphabet for names (base 32, lower case): in this order, digits sort as strings do.
NAME_DIGITS = "0123456789abcdefghijklmnopqrstuv"
_last_name_moment = 0


def ordered_names(count: int) -> list[str]:
	"""``count`` new names for a bulk insert, ascending and after every name made before here.

	A name is the moment in milliseconds (9 digits of base 32), 3 random digits, then a counter:
	16 characters up to 1,048,576 names. The table's primary key takes them at its end (random
	names land all over it: a third slower for 100,000 rows); names made at the same moment by
	two processes differ by their random digits, and never meet a name of an earlier moment.
	"""
	global _last_name_moment
	moment = max(time.time_ns() // 1_000_000, _last_name_moment + 1)
	_last_name_moment = moment
	width = max(4, len(_base32(max(count - 1, 0))))
	prefix = _base32(moment).rjust(9, "0") + "".join(secrets.choice(NAME_DIGITS) for _i in range(3))
	return [prefix + _base32(i).rjust(width, "0") for i in range(count)]


def _base32(number: int) -> str:
	digits = ""
	while True:
		number, digit = divmod(number, 32)
		digits = NAME_DIGITS[digit] + digits
		if not number:
			return digits


def retrying_deadlocks(work, attempts: int = 5):
	"""Run ``work()`` (a whole transaction, committing itself); when the database chose it as a
	deadlock victim (and rolled it back), run it again a moment later. Under tests: no retry."""
	for attempt in range(1, attempts + 1):
		try:
			return work()
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == attempts or in_test():
				raise
			time.sleep(random.uniform(0.05, 0.25) * attempt)


def insert_many(
	doctype: str,
	fields: Sequence[str],
	rows: Iterable[Sequence],
	*,
	ignore_duplicates: bool = False,
	chunk_size: int = INSERT_CHUNK,
) -> int:
	"""Insert many rows: one multi-row INSERT per chunk of ``chunk_size`` rows (a caller with large
	values bounds it so that a statement stays under MariaDB's ``max_allowed_packet``).

	Values are escaped as the database driver escapes a parameter (text by
	:func:`campaign_plus.engine.sqltext.escape_string`, the driver's escaping at a sixth of its
	cost for long text), each distinct value once. A column holding one value throughout the chunk (most columns of a bulk
	insert do) is written once for all: the rows' varying values go in a table value constructor
	and the statement selects the one-value columns beside them — half the text to build, scan and
	parse (``frappe.db.bulk_insert`` builds every value through the query builder, seconds per
	10,000 rows of twenty columns). ``fields`` are the caller's own column names.
	"""
	from pymysql.converters import escape_item

	from campaign_plus.engine.sqltext import escape_string

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
	for chunk in create_batch(list(rows), max(1, chunk_size)):
		selected, template, varying = [], [], []
		for column in zip(*chunk, strict=True):
			types = set(map(type, column))
			if len(types) == 1 and len(set(column)) == 1:  # one value (1 and True apart)
				selected.append(literal(column[0]))
				continue
			selected.append(f"v.c{len(varying)}")
			if types == {str}:
				template.append("'%s'")
				varying.append(map(escape_string, column))
			else:
				template.append("%s")
				varying.append(map(literal, column))
		if not varying:  # identical rows (or one row)
			values = ", ".join(["(" + ", ".join(selected) + ")"] * len(chunk))
			frappe.db.sql(f"{verb} INTO `tab{doctype}` ({columns}) VALUES {values}")
		else:
			row = "(" + ", ".join(template) + ")"
			values = ", ".join(map(row.__mod__, zip(*varying, strict=True)))
			names = ", ".join(f"c{i}" for i in range(len(varying)))
			frappe.db.sql(
				f"{verb} INTO `tab{doctype}` ({columns}) SELECT {', '.join(selected)} "
				f"FROM (WITH v ({names}) AS (VALUES {values}) SELECT * FROM v) v"
			)
		count += len(chunk)
	return count
