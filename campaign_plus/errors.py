# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Turn the engine's :class:`RuleError` into a translated ``frappe.throw``."""

from collections.abc import Iterator
from contextlib import contextmanager

import frappe
from frappe import _

from campaign_plus.engine import RuleError


def throw_rule_error(error: RuleError) -> None:
	message = _(error.message).format(*(frappe.bold(_(str(arg))) for arg in error.args_))
	frappe.throw(message, title=_(error.title) if error.title else None, exc=frappe.ValidationError)


@contextmanager
def translated_rule_errors() -> Iterator[None]:
	"""Run engine rules; a broken rule becomes a translated validation error."""
	try:
		yield
	except RuleError as error:
		throw_rule_error(error)
