# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tell the capabilities that listen (``campaign_plus_on_feedback`` hook) what came back about sent
campaign emails: hard and soft bounces, complaints, deliveries, unsubscribes — by email (DSNs, ARF
reports), by an email service's webhook, or from the mail server while delivering."""

import frappe

HOOK = "campaign_plus_on_feedback"
HARD_BOUNCE = "Hard Bounce"
SOFT_BOUNCE = "Soft Bounce"
COMPLAINT = "Complaint"
DELIVERED = "Delivered"
UNSUBSCRIBE = "Unsubscribe"


def notify_feedback(rows_by_kind: dict[str, list[str]]) -> None:
	"""``rows_by_kind``: {kind: [Send Log names]}. Each listener takes that dict; a listener that
	fails is logged (the report itself is recorded whatever a listener does)."""
	rows_by_kind = {kind: list(names) for kind, names in rows_by_kind.items() if names}
	if not rows_by_kind:
		return
	for path in frappe.get_hooks(HOOK):
		frappe.db.savepoint("campaign_plus_feedback_listener")
		try:
			frappe.get_attr(path)(rows_by_kind)
		except Exception:
			frappe.db.rollback(save_point="campaign_plus_feedback_listener")
			frappe.log_error(title=f"Campaign Plus: {path} on feedback")
