# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Running a block of work as another user (guest endpoints acting as the system)."""

from collections.abc import Iterator
from contextlib import contextmanager

import frappe


@contextmanager
def as_user(user: str) -> Iterator[None]:
	"""Run the block as ``user``, then give the session back to whoever it was."""
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		yield
	finally:
		frappe.set_user(previous)
