# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The planner: which emails are due, recorded once in the ledger, then sent in batches on RQ.

The scheduler job (hourly) only plans and enqueues: the engine computes the due (step,
recipient) pairs not yet in the ledger, they are inserted in one bulk statement (a unique key
makes a second row impossible), and sending is enqueued in batches on the long queue.
"""

from collections import Counter
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import create_batch, getdate

from campaign_plus.engine import RuleError
from campaign_plus.engine.dates import is_running_on
from campaign_plus.engine.schedule import NOT_RUNNING, PLANNED, Step, calendar, plan
from campaign_plus.sending import ledger
from campaign_plus.sending.exclusions import address_exclusions
from campaign_plus.sending.recipients import load_recipients
from campaign_plus.sending.settings import get_sending_settings
from campaign_plus.sending.unsubscribe import blocked_emails
from campaign_plus.utils.runtime import in_test


@dataclass
class PlanResult:
	planned: int = 0
	skipped: int = 0
	reasons: dict[str, int] = field(default_factory=dict)
	batches: int = 0
	running: bool = True
	why_not: str | None = None


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
		fields=["name", "idx", "email_template", "send_after_days", "cp_date_formula", "cp_step_label"],
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
	sources = sorted({r.email_campaign for r in recipients if r.email_campaign})
	options = {
		"done": done,
		"done_emails": done_emails,
		"blocked_emails": blocked_emails(campaign, sources),
		"address_exclusions": address_exclusions(campaign, recipients),
		"max_catch_up_days": settings.max_catch_up_days,
	}
	return steps, recipients, options, settings


def plan_campaign(campaign: str, today=None, *, enqueue: bool = True) -> PlanResult:
	"""Record every due step of ``campaign`` in the ledger and enqueue sending. Idempotent."""
	today = getdate(today)
	state = campaign_state(campaign)
	if not state.running_on(today):
		return PlanResult(running=False, why_not=_why_not_running(state, today))
	steps, recipients, options, settings = compute_plan(campaign, today)
	rows = plan(steps, recipients, today, **options)
	ledger.insert(campaign, rows)
	update_email_campaign_statuses(campaign, today)
	reasons = Counter(row.reason for row in rows if row.reason)
	result = PlanResult(
		planned=sum(row.status == PLANNED for row in rows),
		skipped=sum(row.status != PLANNED for row in rows),
		reasons=dict(reasons),
	)
	if enqueue:
		result.batches = enqueue_batches(campaign, settings.batch_size)
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


def enqueue_batches(campaign: str, batch_size: int) -> int:
	"""Enqueue one sending job per batch of Planned rows (deduplicated by job id)."""
	names = ledger.planned_names(campaign)
	batches = list(create_batch(names, max(batch_size, 1)))
	for number, batch in enumerate(batches, start=1):
		frappe.enqueue(
			"campaign_plus.sending.sender.send_batch",
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
	base = (
		frappe.qb.update(email_campaign)
		.where(email_campaign.campaign_name == campaign)
		.where(email_campaign.status != "Unsubscribed")
	)
	base.set(email_campaign.status, "Scheduled").where(email_campaign.start_date > today).run()
	base.set(email_campaign.status, "In Progress").where(email_campaign.start_date <= today).where(
		email_campaign.end_date.isnull() | (email_campaign.end_date >= today)
	).run()
	base.set(email_campaign.status, "Completed").where(email_campaign.end_date < today).run()


def plan_all() -> None:
	"""Scheduler entry point: plan every running campaign, one transaction each."""
	today = getdate()
	for campaign in runnable_campaigns(today):
		try:
			plan_campaign(campaign, today)
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Campaign Plus: planning {campaign} failed")
	sync_ledger()


def sync_ledger() -> None:
	"""Scheduler entry point: carry Email Queue outcomes into the ledger."""
	ledger.sync_from_email_queue()
	if not in_test():
		frappe.db.commit()


def preview(campaign: str, today=None, days: int = 30) -> list[dict]:
	"""Dry run: per date and step, how many emails will go out and how many are excluded, and why."""
	today = getdate(today)
	state = campaign_state(campaign)
	steps, recipients, options, _settings = compute_plan(campaign, today)
	result = []
	for day in calendar(steps, recipients, today, days, closed=state.closed, **options):
		if not is_running_on(state.start, state.end, day.date):
			excluded = {**day.excluded}
			if day.to_send:
				excluded[NOT_RUNNING] = day.to_send
			day_to_send = 0
		else:
			excluded, day_to_send = day.excluded, day.to_send
		result.append(
			{
				"date": day.date,
				"step": day.step.idx,
				"step_label": day.step.label or "",
				"email_template": day.step.template,
				"to_send": day_to_send,
				"excluded": excluded,
			}
		)
	return result
