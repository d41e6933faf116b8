# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Optionally, no first send of a step while Check Deliverability finds an error.

With *Block Sending on Deliverability Errors* (Campaign Plus Settings), the new rows of a step
that has sent nothing yet are recorded *Deferred (Deliverability Check)* while the campaign's
check finds an error (a plan rule); before each planner run, a campaign's waiting rows are
released once its check finds none (or the setting is off). A check's result is kept an hour
(Check Deliverability from the desk runs it again).
"""

import frappe
from frappe.query_builder import DocType

from campaign_plus.deliverability.settings import get_deliverability_settings
from campaign_plus.engine import deliverability as engine
from campaign_plus.engine.schedule import DEFERRED, DELIVERABILITY, PLANNED, QUEUED, SENT

LEDGER = "Campaign Send Log"
REASON = DELIVERABILITY
CACHE_SECONDS = 3600


def _key(campaign: str) -> str:
	return f"campaign_plus:deliverability:{campaign}"


def remember(campaign: str, findings: list[engine.Finding]) -> None:
	frappe.cache().set_value(_key(campaign), engine.has_errors(findings), expires_in_sec=CACHE_SECONDS)


def has_errors(campaign: str) -> bool:
	"""Whether the campaign's check finds an error (run when not known from the last hour)."""
	known = frappe.cache().get_value(_key(campaign))
	if known is None:
		from campaign_plus.deliverability.checks import run

		findings = run(campaign)
		remember(campaign, findings)
		return engine.has_errors(findings)
	return bool(known)


def steps_sent(campaign: str) -> set[str]:
	log = DocType(LEDGER)
	return set(
		frappe.qb.from_(log)
		.select(log.schedule_row)
		.distinct()
		.where(log.campaign == campaign)
		.where(log.status.isin([QUEUED, SENT]))
		.run(pluck=True)
	)


def plan_rule(campaign: str, rows: list, preview: bool = False) -> list:
	"""Hook ``campaign_plus_plan_rules``: hold the first send of a step while the check has errors."""
	if not get_deliverability_settings().block_on_errors:
		return rows
	first = [i for i, row in enumerate(rows) if row.status == PLANNED]
	if not first:
		return rows
	sent = steps_sent(campaign)
	first = [i for i in first if rows[i].step.key not in sent]
	if not first or not has_errors(campaign):
		return rows
	import dataclasses

	held = set(first)
	return [
		dataclasses.replace(row, status=DEFERRED, reason=REASON, send_at=None) if i in held else row
		for i, row in enumerate(rows)
	]


def release_checked(campaigns: list[str], now) -> None:
	"""Hook ``campaign_plus_before_planning``: release the rows a passing check no longer holds."""
	from campaign_plus.sending import ledger

	log = DocType(LEDGER)
	blocking = get_deliverability_settings().block_on_errors
	for campaign in campaigns:
		names = (
			frappe.qb.from_(log)
			.select(log.name)
			.where(log.campaign == campaign)
			.where(log.status == DEFERRED)
			.where(log.reason == REASON)
			.run(pluck=True)
		)
		if names and (not blocking or not has_errors(campaign)):
			ledger.release(names, at=now)  # due in this very run
