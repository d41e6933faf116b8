# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The planner: which emails are due, recorded once in the ledger, then sent in batches on RQ.

The scheduler job (every 15 minutes) only plans and enqueues: the engine computes the due
(step, recipient) pairs not yet in the ledger; those whose local send moment has come are
decided together with the Deferred rows whose moment has come (send windows and frequency cap,
across campaigns: :mod:`campaign_plus.windows.timing`); new rows are inserted in one bulk
statement (a unique key makes a second row impossible), promoted rows updated in place, and
sending is enqueued in batches on the long queue.

Deferral, for any capability: a row recorded *Deferred* carries its reason and the UTC moment
it becomes allowed (``send_at``; empty = until an event, see :func:`ledger.release`). Each run
promotes the Deferred rows whose moment has come — after checking catch-up expiry and the
exclusions again, then the send windows and the cap — to *Planned*, and sends them.
"""

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.utils import create_batch, getdate

from campaign_plus.engine import RuleError
from campaign_plus.engine.dates import is_running_on
from campaign_plus.engine.schedule import (
	DEFERRED,
	NOT_RUNNING,
	PLANNED,
	SKIPPED,
	Step,
	plan,
	recheck,
)
from campaign_plus.engine.windows import clock, local
from campaign_plus.sending import ledger
from campaign_plus.sending.exclusions import address_exclusions
from campaign_plus.sending.recipients import load_recipients
from campaign_plus.sending.settings import get_sending_settings
from campaign_plus.sending.unsubscribe import blocked_emails
from campaign_plus.utils.locks import named_lock
from campaign_plus.utils.runtime import in_test
from campaign_plus.windows.timing import CampaignRows, forecast_days, keep_due, schedule
from campaign_plus.windows.zones import now_utc, site_zone

# A recipient's local date may be up to two days ahead of the site's (UTC+14 against UTC-12).
HORIZON = dt.timedelta(days=2)


@dataclass
class PlanResult:
	planned: int = 0  # new rows planned now, and deferred rows promoted
	skipped: int = 0
	reasons: dict[str, int] = field(default_factory=dict)  # skipped and deferred rows, by reason
	batches: int = 0
	running: bool = True
	why_not: str | None = None
	deferred: int = 0  # new rows deferred, and deferred rows that wait again


@dataclass(frozen=True)
class CampaignState:
	name: str
	closed: bool
	start: object
	end: object

	def running_on(self, day) -> bool:
		return not self.closed and is_running_on(self.start, self.end, day)


def campaign_state(campaign: str) -> CampaignState:
	row = frappe.db.get_value(
		"Campaign", campaign, ["name", "cp_status", "cp_start_date", "cp_end_date"], as_dict=True
	)
	if not row:
		frappe.throw(
			_("Campaign {0} does not exist.").format(frappe.bold(campaign)), frappe.DoesNotExistError
		)
	closed = bool(row.cp_status and frappe.db.get_value("Campaign Status", row.cp_status, "is_closed"))
	return CampaignState(
		row.name,
		closed,
		getdate(row.cp_start_date) if row.cp_start_date else None,
		getdate(row.cp_end_date) if row.cp_end_date else None,
	)


def load_steps(campaign: str) -> list[Step]:
	rows = frappe.get_all(
		"Campaign Email Schedule",
		filters={"parent": campaign, "parenttype": "Campaign"},
		fields=[
			"name",
			"idx",
			"email_template",
			"send_after_days",
			"cp_date_formula",
			"cp_step_label",
			"cp_send_time",
			"cp_in_recipient_time_zone",
		],
		order_by="idx asc",
	)
	steps = []
	for row in rows:
		try:
			steps.append(
				Step(
					row.name,
					row.idx,
					row.email_template,
					row.send_after_days or 0,
					(row.cp_date_formula or "").strip() or None,
					row.cp_step_label,
					clock(row.cp_send_time),
					bool(row.cp_in_recipient_time_zone),
				)
			)
		except RuleError as error:  # saved before validation existed: skip the step, say why
			frappe.log_error(title=f"Campaign Plus: step {row.idx} of {campaign}", message=str(error))
	return steps


def runnable_campaigns(today) -> list[str]:
	"""Campaigns with an email schedule whose status is open and whose dates include ``today``."""
	campaign = DocType("Campaign")
	status = DocType("Campaign Status")
	schedule = DocType("Campaign Email Schedule")
	query = (
		frappe.qb.from_(campaign)
		.left_join(status)
		.on(status.name == campaign.cp_status)
		.select(campaign.name)
		.where((status.is_closed == 0) | status.is_closed.isnull())
		.where(campaign.cp_start_date.isnull() | (campaign.cp_start_date <= today))
		.where(campaign.cp_end_date.isnull() | (campaign.cp_end_date >= today))
		.where(
			campaign.name.isin(
				frappe.qb.from_(schedule).select(schedule.parent).where(schedule.parenttype == "Campaign")
			)
		)
		.orderby(campaign.name)
	)
	return query.run(pluck=True)


def compute_plan(campaign: str, today, *, horizon=None):
	"""Steps, recipients and the engine's plan rows for ``campaign`` (nothing written)."""
	settings = get_sending_settings()
	steps = load_steps(campaign)
	recipients = load_recipients(campaign) if steps else []
	done, done_emails = ledger.existing(campaign)
	options = {
		"done": done,
		"done_emails": done_emails,
		"blocked_emails": blocked_emails(campaign),
		"address_exclusions": address_exclusions(campaign, recipients),
		"max_catch_up_days": settings.max_catch_up_days,
	}
	return steps, recipients, options, settings


def plan_campaign(campaign: str, now=None, *, enqueue: bool = True) -> PlanResult:
	"""Record every due step of ``campaign`` in the ledger and enqueue sending. Idempotent.

	``now``: the moment of the run (aware, default: the current moment).
	"""
	return plan_campaigns([campaign], now, enqueue=enqueue)[campaign]


def plan_campaigns(
	campaigns: list[str], now=None, *, enqueue: bool = True, commit: bool = False
) -> dict[str, PlanResult]:
	"""One planner run over ``campaigns``: their due rows compete for the frequency cap together.

	``commit``: one transaction per campaign's writes (the scheduler); a campaign that fails to
	load or write is logged and left for the next run. Under the planner lock (waiting up to
	:data:`INTERACTIVE_WAIT` seconds, else :class:`PlannerBusy`).
	"""
	with planner_lock(INTERACTIVE_WAIT) as held:
		if not held:
			raise PlannerBusy()
		return _plan_campaigns(campaigns, now, enqueue=enqueue, commit=commit)


def _plan_campaigns(campaigns: list[str], now, *, enqueue: bool, commit: bool) -> dict[str, PlanResult]:
	now = now or now_utc()
	today = site_today(now)
	before_planning(campaigns, now, commit=commit)
	results: dict[str, PlanResult] = {}
	batches: list[CampaignRows] = []
	settings = {}
	for campaign in campaigns:
		state = campaign_state(campaign)
		if not state.running_on(today):
			results[campaign] = PlanResult(running=False, why_not=_why_not_running(state, today))
			continue
		try:
			batch, settings[campaign], skipped = _load(campaign, today, now)
		except Exception as error:
			_left_for_next_run(error, commit, f"Campaign Plus: planning {campaign} failed")
			continue
		batch.updates.extend(skipped)
		batches.append(batch)
	try:
		keep_due(batches, now)
	except Exception as error:
		_left_for_next_run(error, commit, "Campaign Plus: timing the planner's rows failed")
		return results
	for batch in list(batches):
		try:
			batch.rows = apply_plan_rules(batch.campaign, batch.rows)
		except Exception as error:
			_left_for_next_run(error, commit, f"Campaign Plus: planning {batch.campaign} failed")
			batches.remove(batch)
	try:
		schedule(batches, now)
	except Exception as error:
		_left_for_next_run(error, commit, "Campaign Plus: timing the planner's rows failed")
		return results
	for batch in batches:
		try:
			results[batch.campaign] = _write(batch, today, settings[batch.campaign], enqueue)
			if commit:
				frappe.db.commit()
		except Exception as error:
			_left_for_next_run(
				error, commit, f"Campaign Plus: planning {batch.campaign} failed", rollback=True
			)
	return results


def _left_for_next_run(error: Exception, commit: bool, title: str, *, rollback: bool = False) -> None:
	"""A step of a planner run failed: raise again, unless the scheduler runs (``commit``): then
	roll the campaign's writes back (``rollback``), log the error and leave it for the next run."""
	if not commit:
		raise error
	if rollback:
		frappe.db.rollback()
	frappe.log_error(title=title)


def site_today(now) -> dt.date:
	return local(now, site_zone()).date()


def _load(campaign: str, today, now) -> tuple[CampaignRows, object, list[tuple[str, dict]]]:
	"""The campaign's new rows, its Deferred rows whose moment has come, and those of them skipped
	after all (expired, or excluded meanwhile)."""
	steps, recipients, options, settings = compute_plan(campaign, today)
	rows = plan(steps, recipients, today, horizon=today + HORIZON, **options)
	by_party = {(r.party_type, r.party): r for r in recipients}
	deferred, skipped = [], []
	for row in ledger.due_deferred(campaign, now):
		reason = recheck(
			by_party.get((row.party_type, row.party)),
			row.email,
			getdate(row.due_date),
			today,
			blocked_emails=options["blocked_emails"],
			address_exclusions=options["address_exclusions"],
			max_catch_up_days=settings.max_catch_up_days,
		)
		if reason:
			skipped.append((row.name, {"status": SKIPPED, "reason": reason}))
		else:
			deferred.append(row)
	return CampaignRows(campaign, rows, deferred), settings, skipped


PLAN_RULES_HOOK = "campaign_plus_plan_rules"
BEFORE_PLANNING_HOOK = "campaign_plus_before_planning"


def apply_plan_rules(campaign: str, rows: list, *, preview: bool = False) -> list:
	"""Let capabilities change the new rows whose moment has come before they are timed and recorded.

	Each function named in the ``campaign_plus_plan_rules`` hook takes (campaign, rows,
	preview=False) and returns the rows — e.g. Skipped with a reason, or Deferred with a reason
	and a UTC moment (``send_at``; None: until an event calls
	:func:`campaign_plus.sending.ledger.release`). Rows still Planned go through the send windows
	and the frequency cap. With ``preview`` (Preview Schedule, nothing is written) a rule says what
	it would do with rows due in the coming days.
	"""
	for path in frappe.get_hooks(PLAN_RULES_HOOK):
		rows = list(frappe.get_attr(path)(campaign, rows, preview=preview))
	return rows


def before_planning(campaigns: list[str], now, *, commit: bool = False) -> None:
	"""Let capabilities act before a planner run over ``campaigns`` (e.g. an A/B test whose wait is
	over chooses its winner and releases the rows that waited for it): each function named in
	the ``campaign_plus_before_planning`` hook takes (campaigns, now). ``commit``: each in its own
	transaction, a failure logged and left for the next run (the scheduler)."""
	for path in frappe.get_hooks(BEFORE_PLANNING_HOOK):
		try:
			frappe.get_attr(path)(campaigns, now)
			if commit:
				frappe.db.commit()
		except Exception as error:
			_left_for_next_run(error, commit, f"Campaign Plus: {path} before planning failed", rollback=True)


def _write(batch: CampaignRows, today, settings, enqueue: bool) -> PlanResult:
	ledger.insert(batch.campaign, batch.insert)
	ledger.update_rows(batch.updates)
	update_email_campaign_statuses(batch.campaign, today)
	statuses = [row.status for row in batch.insert] + [values["status"] for _n, values in batch.updates]
	reasons = Counter(row.reason for row in batch.insert if row.reason)
	reasons.update(values["reason"] for _n, values in batch.updates if values.get("reason"))
	result = PlanResult(
		planned=statuses.count(PLANNED),
		skipped=statuses.count(SKIPPED),
		deferred=statuses.count(DEFERRED),
		reasons=dict(reasons),
	)
	if enqueue:
		result.batches = enqueue_batches(batch.campaign, settings.batch_size)
	return result


def _why_not_running(state: CampaignState, today) -> str:
	if state.closed:
		return _("Campaign {0} is in a closed status: it sends nothing.").format(frappe.bold(state.name))
	return _("Campaign {0} does not run on {1} (its dates are {2} to {3}).").format(
		frappe.bold(state.name),
		frappe.format(today, "Date"),
		frappe.format(state.start, "Date") if state.start else "…",
		frappe.format(state.end, "Date") if state.end else "…",
	)


BATCH_METHOD = "campaign_plus.sending.sender.send_batch"


def enqueue_batches(campaign: str, batch_size: int) -> int:
	"""Enqueue one sending job per batch of Planned rows (deduplicated by job id)."""
	names = ledger.planned_names(campaign)
	batches = list(create_batch(names, max(batch_size, 1)))
	for number, batch in enumerate(batches, start=1):
		frappe.enqueue(
			BATCH_METHOD,
			queue="long",
			timeout=3600,
			job_id=f"campaign_plus:send:{campaign}:{batch[0]}",
			deduplicate=True,
			enqueue_after_commit=True,
			now=in_test(),
			campaign=campaign,
			names=list(batch),
			batch_number=number,
			batch_count=len(batches),
		)
	return len(batches)


def update_email_campaign_statuses(campaign: str, today) -> None:
	"""Keep ERPNext's Email Campaign statuses right (ERPNext's daily job computes them but does
	not save them): Scheduled before the start, In Progress until the end, then Completed."""
	email_campaign = DocType("Email Campaign")
	status = (
		Case()
		.when(email_campaign.end_date < today, "Completed")
		.when(email_campaign.start_date <= today, "In Progress")
		.when(email_campaign.start_date > today, "Scheduled")
		.else_(email_campaign.status)
	)
	(
		frappe.qb.update(email_campaign)
		.set(email_campaign.status, status)
		.where(email_campaign.campaign_name == campaign)
		.where(email_campaign.status != "Unsubscribed")
		.run()
	)


PLANNER_LOCK = "planner"
SCHEDULED_WAIT = 120  # seconds a scheduled run waits for another run to finish, then leaves
INTERACTIVE_WAIT = 20  # seconds Send Due Emails Now waits (a web request)


class PlannerBusy(Exception):
	"""Another planner run holds the lock (another worker's scheduler, Send Due Emails Now)."""


def planner_lock(wait: float):
	"""One planner run at a time per site, across processes and machines (MariaDB ``GET_LOCK``):
	the frequency cap weighs campaigns against each other, and two runs would both compute the
	same rows. Yields whether the lock is held; a run started inside another is part of it."""
	return named_lock(PLANNER_LOCK, wait)


def plan_all() -> None:
	"""Scheduler entry point (every 15 minutes): plan every running campaign together (the
	frequency cap weighs them by priority), writing one transaction per campaign."""
	scheduled_run()


def scheduled_run(campaigns: list[str] | None = None, wait: float = SCHEDULED_WAIT) -> dict:
	"""A scheduled planner run over every runnable campaign — or only ``campaigns`` among them (a
	test, a tool) — under the planner lock: when another run still holds it after ``wait``
	seconds, this one leaves (the other does the work; the next run comes in 15 minutes).
	{campaign: its PlanResult as a dict}, or {"busy": True} when it left."""
	with planner_lock(wait) as held:
		if not held:
			return {"busy": True}
		now = now_utc()
		ledger.skip_deferred_of_closed_campaigns(campaigns)
		if not in_test():
			frappe.db.commit()
		runnable = runnable_campaigns(site_today(now))
		if campaigns is not None:
			runnable = [name for name in runnable if name in set(campaigns)]
		results = plan_campaigns(runnable, now, commit=not in_test())
		sync_ledger(campaigns)
		return {name: asdict(result) for name, result in results.items()}


def sync_ledger(campaigns: list[str] | None = None) -> None:
	"""Scheduler entry point: carry Email Queue outcomes into the ledger (of every campaign, or
	only of ``campaigns``)."""
	ledger.sync_from_email_queue(campaigns)
	if not in_test():
		frappe.db.commit()


def preview(campaign: str, now=None, days: int = 30) -> list[dict]:
	"""Dry run: per date and step, how many emails will go out (and at which local times), how
	many are excluded and how many wait for a later day, and why. Nothing is written."""
	now = now or now_utc()
	today = site_today(now)
	state = campaign_state(campaign)
	steps, recipients, options, _settings = compute_plan(campaign, today)
	last = today + dt.timedelta(days=max(days, 1) - 1)
	rows = [] if state.closed else plan(steps, recipients, today, horizon=last + HORIZON, **options)
	rows = apply_plan_rules(campaign, rows, preview=True)
	calendar = forecast_days(campaign, rows, ledger.deferred_rows(campaign), now)
	notes = step_notes(campaign)
	by_key = {step.key: step for step in steps}
	result = []
	for (day, step_key), figures in sorted(
		calendar.items(), key=lambda item: (item[0][0], _idx(by_key, item[0][1]))
	):
		if not today <= day <= last:
			continue
		step = by_key.get(step_key)
		excluded, to_send = dict(figures.excluded), figures.to_send
		if to_send and not is_running_on(state.start, state.end, day):
			excluded[NOT_RUNNING] = excluded.get(NOT_RUNNING, 0) + to_send
			to_send = 0
		result.append(
			{
				"date": day,
				"step": step.idx if step else 0,
				"step_label": (step.label if step else "") or "",
				"email_template": step.template if step else None,
				"to_send": to_send,
				"excluded": dict(sorted(excluded.items())),
				"deferred": dict(sorted(figures.deferred.items())),
				"local_times": dict(sorted(figures.local_times.items())),
				"variants": dict(sorted(figures.variants.items())),
				"notes": notes.get(step_key, []),
			}
		)
	return result


STEP_NOTES_HOOK = "campaign_plus_step_notes"


def step_notes(campaign: str) -> dict[str, list[str]]:
	"""What capabilities say of a campaign's steps in Preview Schedule (translated sentences, per
	schedule row): each function named in the ``campaign_plus_step_notes`` hook takes the campaign
	and returns {schedule row: [sentence, …]} (e.g. an A/B test's state, a step's condition)."""
	notes: dict[str, list[str]] = {}
	for path in frappe.get_hooks(STEP_NOTES_HOOK):
		for step_key, sentences in (frappe.get_attr(path)(campaign) or {}).items():
			notes.setdefault(step_key, []).extend(sentences)
	return notes


def _idx(steps: dict, key) -> int:
	return steps[key].idx if key in steps else 0
