# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign Plus Settings with their defaults."""

from dataclasses import dataclass

import frappe
from frappe.utils import cint

DEFAULT_MAX_CATCH_UP_DAYS = 7
DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class SendingSettings:
	max_catch_up_days: int
	batch_size: int
	email_account: str | None


def get_sending_settings() -> SendingSettings:
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	catch_up = values.get("max_catch_up_days")
	return SendingSettings(
		max_catch_up_days=DEFAULT_MAX_CATCH_UP_DAYS if catch_up in (None, "") else cint(catch_up),
		batch_size=cint(values.get("batch_size")) or DEFAULT_BATCH_SIZE,
		email_account=values.get("email_account") or None,
	)
