# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The consent part of Campaign Plus Settings, with its defaults."""

import datetime as dt
from dataclasses import dataclass

import frappe
from frappe.utils import cint

from campaign_plus.engine.consent import DEFAULT_OPT_IN_RULE, OPT_IN_RULES

DEFAULT_LINK_VALID_DAYS = 7
DEFAULT_REQUEST_INTERVAL_HOURS = 24


@dataclass(frozen=True)
class ConsentSettings:
	opt_in_rule: str
	link_valid_days: int
	request_interval: dt.timedelta
	confirmation_template: str | None
	accept_website_requests: bool
	email_account: str | None


def get_consent_settings() -> ConsentSettings:
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	rule = values.get("opt_in_rule")
	accept = values.get("accept_website_requests")
	return ConsentSettings(
		opt_in_rule=rule if rule in OPT_IN_RULES else DEFAULT_OPT_IN_RULE,
		link_valid_days=cint(values.get("confirmation_link_valid_days")) or DEFAULT_LINK_VALID_DAYS,
		request_interval=dt.timedelta(
			hours=cint(values.get("confirmation_interval_hours")) or DEFAULT_REQUEST_INTERVAL_HOURS
		),
		confirmation_template=values.get("confirmation_template") or None,
		accept_website_requests=True if accept in (None, "") else bool(cint(accept)),
		email_account=values.get("email_account") or None,
	)
