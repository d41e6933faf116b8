# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Each campaign's send window (quiet hours, business days) and priority, and the settings'
quiet hours and frequency cap — a few queries for any number of campaigns."""

from dataclasses import dataclass

import frappe
from frappe.utils import cint, getdate

from campaign_plus.engine.windows import (
	CUSTOM_QUIET,
	DEFAULT_CALENDAR,
	NO_QUIET,
	BusinessCalendar,
	FrequencyCap,
	QuietHours,
	SendWindow,
	clock,
	holiday_calendar,
	quiet_hours,
)

DEFAULT_CAP_DAYS = 7


@dataclass(frozen=True)
class WindowSettings:
	quiet: QuietHours | None
	cap: FrequencyCap


def get_window_settings() -> WindowSettings:
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	days = values.get("frequency_cap_days")
	return WindowSettings(
		quiet=quiet_hours(clock(values.get("quiet_hours_start")), clock(values.get("quiet_hours_end"))),
		cap=FrequencyCap(
			cint(values.get("frequency_cap")), DEFAULT_CAP_DAYS if days in (None, "") else cint(days)
		),
	)


@dataclass(frozen=True)
class CampaignRules:
	window: SendWindow
	priority: int = 0


def campaign_rules(campaigns: list[str], settings: WindowSettings) -> dict[str, CampaignRules]:
	"""Campaign → its window and priority (campaigns not found: the settings' window)."""
	rows = frappe.get_all(
		"Campaign",
		filters={"name": ("in", list(campaigns))},
		fields=[
			"name",
			"cp_priority",
			"cp_business_days_only",
			"cp_quiet_hours",
			"cp_quiet_hours_start",
			"cp_quiet_hours_end",
			"cp_company",
		],
	)
	default_company = frappe.db.get_single_value("Global Defaults", "default_company")
	calendars = business_calendars(
		{row.cp_company or default_company for row in rows if row.cp_business_days_only}
	)
	rules = {}
	for row in rows:
		if row.cp_quiet_hours == CUSTOM_QUIET:
			quiet = quiet_hours(clock(row.cp_quiet_hours_start), clock(row.cp_quiet_hours_end))
		elif row.cp_quiet_hours == NO_QUIET:
			quiet = None
		else:
			quiet = settings.quiet
		calendar = None
		if row.cp_business_days_only:
			calendar = calendars.get(row.cp_company or default_company, DEFAULT_CALENDAR)
		rules[row.name] = CampaignRules(SendWindow(quiet, calendar), cint(row.cp_priority))
	default = CampaignRules(SendWindow(settings.quiet))
	return {campaign: rules.get(campaign, default) for campaign in campaigns}


def business_calendars(companies: set[str | None]) -> dict[str, BusinessCalendar]:
	"""Company → the working days of its default Holiday List (companies without one: absent)."""
	companies = {c for c in companies if c}
	if not companies:
		return {}
	list_of = {
		row.name: row.default_holiday_list
		for row in frappe.get_all(
			"Company", filters={"name": ("in", list(companies))}, fields=["name", "default_holiday_list"]
		)
		if row.default_holiday_list
	}
	if not list_of:
		return {}
	lists = {
		row.name: row
		for row in frappe.get_all(
			"Holiday List",
			filters={"name": ("in", list(set(list_of.values())))},
			fields=["name", "from_date", "to_date"],
		)
	}
	holidays: dict[str, list] = {name: [] for name in lists}
	for row in frappe.get_all(
		"Holiday",
		filters={"parenttype": "Holiday List", "parent": ("in", list(lists))},
		fields=["parent", "holiday_date", "weekly_off"],
	):
		holidays[row.parent].append((getdate(row.holiday_date), bool(row.weekly_off)))
	return {
		company: holiday_calendar(
			holidays[name],
			getdate(lists[name].from_date) if lists[name].from_date else None,
			getdate(lists[name].to_date) if lists[name].to_date else None,
		)
		for company, name in list_of.items()
		if name in lists
	}
