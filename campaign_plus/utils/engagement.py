# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tell the capabilities that listen (``campaign_plus_on_engagement`` hook) that a recipient engaged."""

import frappe

HOOK = "campaign_plus_on_engagement"


def notify_engagement(row: str, kind: str) -> None:
	"""A ledger row's recipient clicked (``kind`` "click") or replied ("reply").

	Each listener takes (row, kind). A listener that fails is logged: the reader's click or the
	incoming email it came from is never refused for it.
	"""
	for path in frappe.get_hooks(HOOK):
		try:
			frappe.get_attr(path)(row, kind)
		except Exception:
			frappe.log_error(title=f"Campaign Plus: {path} on {kind}")
