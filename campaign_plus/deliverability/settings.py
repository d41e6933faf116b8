# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The deliverability part of Campaign Plus Settings, with its defaults."""

from dataclasses import dataclass

import frappe
from frappe.utils import cint

from campaign_plus.engine.mailheaders import sender_id

BULK_THRESHOLD = 5000  # messages a day to Gmail: a "bulk sender" for good


@dataclass(frozen=True)
class DeliverabilitySettings:
	feedback_sender: str
	mailto_unsubscribe: bool
	block_on_errors: bool


def _check(values: dict, field: str, default: bool) -> bool:
	value = values.get(field)
	return default if value in (None, "") else bool(cint(value))


def get_deliverability_settings() -> DeliverabilitySettings:
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	return DeliverabilitySettings(
		feedback_sender=sender_id(values.get("feedback_id_sender") or frappe.local.site),
		mailto_unsubscribe=_check(values, "mailto_unsubscribe", True),
		block_on_errors=_check(values, "block_on_deliverability_errors", False),
	)
