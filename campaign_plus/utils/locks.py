# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Named locks across processes and machines: MariaDB's ``GET_LOCK``, held by the database
connection (not the transaction: commits and rollbacks inside keep it), released at the end of
the block, or by the server when the process dies and its connection closes. The name carries
the site's database, so two sites on one server never wait for each other."""

import hashlib
from contextlib import contextmanager

import frappe

MAX_NAME = 64  # MariaDB's limit for a lock name


def lock_name(name: str) -> str:
	full = f"campaign_plus:{frappe.conf.db_name}:{name}"
	if len(full) <= MAX_NAME:
		return full
	return "campaign_plus:" + hashlib.sha1(full.encode()).hexdigest()


_held: dict[str, int] = {}  # this process's locks (re-entrant within one process)


@contextmanager
def named_lock(name: str, wait: float = 0):
	"""Hold lock ``name`` for the block, waiting at most ``wait`` seconds for it: yields True when
	held, False when another connection still holds it after the wait (the block then decides
	what to do: leave, or say so)."""
	full = lock_name(name)
	key = f"{frappe.local.site}:{full}"
	if _held.get(key):
		_held[key] += 1
		try:
			yield True
		finally:
			_held[key] -= 1
		return
	got = frappe.db.sql("SELECT GET_LOCK(%s, %s)", (full, max(float(wait), 0)))[0][0]
	if got != 1:
		yield False
		return
	_held[key] = 1
	try:
		yield True
	finally:
		_held.pop(key, None)
		try:
			frappe.db.sql("SELECT RELEASE_LOCK(%s)", (full,))
		except Exception:
			pass  # the connection is gone: so is the lock


def lock_holder(name: str) -> int | None:
	"""The connection id holding lock ``name`` (None: free)."""
	return frappe.db.sql("SELECT IS_USED_LOCK(%s)", (lock_name(name),))[0][0]
