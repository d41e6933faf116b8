# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The rules of campaign_plus as plain Python.

Nothing under this package imports frappe: every module takes plain values (strings, dates,
dataclasses) and returns plain values or raises :class:`RuleError`. The Frappe edges (doctype
controllers, doc_events, whitelisted methods) load data, call these rules and translate the
errors with ``frappe.throw(_(...))``.
"""

from campaign_plus.engine.errors import RuleError

__all__ = ["RuleError"]
