# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Delivery settings (Campaign Plus Settings): paced delivery on or off, sending limits per
outgoing Email Account, and the limits of accounts without a row of their own."""

import os
from dataclasses import dataclass, field

import frappe
from frappe.utils import cint

from campaign_plus.engine.pacing import Limits

# Safe for most providers (Microsoft 365 allows 30 a minute, Google Workspace 2,000 a day: set
# those accounts lower), and never slower than Frappe's own queue (500 every 4 minutes).
DEFAULT_LIMITS = Limits(per_minute=120, per_hour=3000, per_day=10_000)
LIMIT_DOCTYPE = "Campaign Plus Sending Limit"
DEFAULT_ACCOUNT = "__default__"  # an account from the site config, or none found


@dataclass(frozen=True)
class DeliverySettings:
	enabled: bool
	default: Limits
	per_account: dict[str, Limits] = field(default_factory=dict)

	def limits(self, account: str) -> Limits:
		return self.per_account.get(account, self.default)


def _value(values: dict, fieldname: str, fallback: int) -> int:
	value = values.get(fieldname)
	return fallback if value in (None, "") else max(cint(value), 0)


def get_delivery_settings() -> DeliverySettings:
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	default = Limits(
		_value(values, "default_per_minute", DEFAULT_LIMITS.per_minute),
		_value(values, "default_per_hour", DEFAULT_LIMITS.per_hour),
		_value(values, "default_per_day", DEFAULT_LIMITS.per_day),
	)
	rows = frappe.get_all(
		LIMIT_DOCTYPE,
		filters={"parenttype": "Campaign Plus Settings", "parentfield": "sending_limits"},
		fields=["email_account", "per_minute", "per_hour", "per_day"],
	)
	per_account = {
		row.email_account: Limits(
			max(cint(row.per_minute), 0), max(cint(row.per_hour), 0), max(cint(row.per_day), 0)
		)
		for row in rows
		if row.email_account
	}
	return DeliverySettings(
		enabled=bool(_value(values, "paced_delivery", 1)),
		default=default,
		per_account=per_account,
	)


TIME_SCALE_ENV = "CAMPAIGN_PLUS_DELIVERY_TIME_SCALE"


def scaled(seconds: float) -> float:
	"""``seconds`` of delivery's waits (leases, backoffs, retry delays, pauses), multiplied by
	``$CAMPAIGN_PLUS_DELIVERY_TIME_SCALE`` when a test sets it for the workers it starts (a
	two-hour outage lived in two minutes); 1 everywhere else."""
	try:
		factor = float(os.environ.get(TIME_SCALE_ENV) or 1)
	except ValueError:
		factor = 1.0
	return seconds * factor if 0 < factor < 1 else seconds
