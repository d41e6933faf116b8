# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reputation guard's settings (Campaign Plus Settings → Sender Reputation)."""

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint, flt

from campaign_plus.engine import reputation

SETTINGS = "Campaign Plus Settings"


@dataclass(frozen=True)
class GuardSettings:
	enabled: bool
	window_days: int
	thresholds: reputation.Thresholds


def _value(values: dict, fieldname: str, fallback, cast):
	value = values.get(fieldname)
	return fallback if value in (None, "") else cast(value)


def get_guard_settings() -> GuardSettings:
	values = frappe.db.get_singles_dict(SETTINGS)
	return GuardSettings(
		enabled=bool(_value(values, "reputation_guard", 1, cint)),
		window_days=max(_value(values, "guard_window_days", reputation.DEFAULT_WINDOW_DAYS, cint), 1),
		thresholds=reputation.Thresholds(
			minimum_volume=max(
				_value(values, "guard_minimum_volume", reputation.DEFAULT_MINIMUM_VOLUME, cint), 1
			),
			hard_bounce_rate=max(
				_value(values, "guard_hard_bounce_rate", reputation.DEFAULT_HARD_BOUNCE_RATE, flt), 0
			),
			complaint_rate=max(
				_value(values, "guard_complaint_rate", reputation.DEFAULT_COMPLAINT_RATE, flt), 0
			),
			refusal_rate=max(_value(values, "guard_refusal_rate", reputation.DEFAULT_REFUSAL_RATE, flt), 0),
		),
	)


def validate_reputation_settings(settings) -> None:
	"""Settings ``validate``: rates between 0 and 100 %, a positive volume and window."""
	for fieldname in ("guard_hard_bounce_rate", "guard_complaint_rate", "guard_refusal_rate"):
		value = settings.get(fieldname)
		if value is not None and not 0 <= flt(value) <= 100:
			frappe.throw(
				_("{0} must be between 0 and 100 %.").format(_(settings.meta.get_label(fieldname))),
				title=_("Invalid Threshold"),
			)
	for fieldname in ("guard_minimum_volume", "guard_window_days"):
		value = settings.get(fieldname)
		if value is not None and cint(value) < 1:
			frappe.throw(
				_("{0} must be at least 1.").format(_(settings.meta.get_label(fieldname))),
				title=_("Invalid Setting"),
			)
