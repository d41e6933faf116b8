# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""One planner run's timing: which rows go now, which wait, and until when.

The planner hands over, per campaign, the engine's new rows (due by date, not yet in the ledger)
and the Deferred ledger rows whose moment has come. Rows whose local send moment has not come
are dropped (a later run records them); the others are decided together, across campaigns, by
:func:`campaign_plus.engine.windows.decide`: sent now, or deferred by quiet hours, a day off or
the frequency cap, with the moment they become allowed.
"""

import datetime as dt
from dataclasses import dataclass, field

from campaign_plus.engine.schedule import DEFERRED, PLANNED, PlanRow
from campaign_plus.engine.windows import (
	PLANNER_INTERVAL,
	UTC,
	Candidate,
	DayForecast,
	by_day,
	decide,
	due_moment,
	forecast,
	local,
	local_label,
)
from campaign_plus.windows.history import send_history
from campaign_plus.windows.rules import campaign_rules, get_window_settings
from campaign_plus.windows.zones import recipient_zones, site_zone


@dataclass
class CampaignRows:
	"""In: a campaign's new rows and its promotable Deferred ledger rows. Out: what to write."""

	campaign: str
	rows: list[PlanRow]
	deferred: list[dict] = field(default_factory=list)
	# out
	insert: list[PlanRow] = field(default_factory=list)  # new rows due now: Planned, Skipped, Deferred
	updates: list[tuple[str, dict]] = field(default_factory=list)  # ledger name → new values
	promoted: int = 0


def keep_due(batches: list[CampaignRows], now: dt.datetime) -> None:
	"""Keep, of each batch's new rows, those whose local send moment has come (a later run records
	the others), each with its recipient's zone and that moment (``send_at``)."""
	site = site_zone()
	earliest = {}  # rows due on a date whose moment cannot have come in any zone: not yet
	for batch in batches:
		batch.rows = [row for row in batch.rows if _earliest(row, earliest) <= now]
	places = {
		(row.recipient.party_type, row.recipient.party): row.recipient.place
		for batch in batches
		for row in batch.rows
	}
	zones = recipient_zones(places.keys(), places)
	moments = {}  # few distinct (date, step, zone): each moment computed once
	for batch in batches:
		kept = []
		for row in batch.rows:
			zone = zones.get((row.recipient.party_type, row.recipient.party), site)
			step = row.step
			try:
				moment = moments[(row.due_date, step.key, zone)]
			except KeyError:
				moment = due_moment(row.due_date, step.send_time, step.in_recipient_zone, zone, site)
				moments[(row.due_date, step.key, zone)] = moment
			if moment <= now:
				kept.append(row.changed(time_zone=zone, send_at=moment))
		batch.rows = kept


def schedule(batches: list[CampaignRows], now: dt.datetime) -> list[CampaignRows]:
	"""Fill each batch's ``insert`` and ``updates`` for a planner run at ``now`` (UTC).

	``batch.rows`` are the new rows :func:`keep_due` kept (with their zone and due moment), as
	the capabilities' plan rules left them: rows still Planned are timed here, the others are
	recorded as they are.
	"""
	settings = get_window_settings()
	rules = campaign_rules([batch.campaign for batch in batches], settings)
	site = site_zone()
	candidates: list[Candidate] = []
	new: dict[tuple, tuple[CampaignRows, PlanRow]] = {}
	for batch in batches:
		rule = rules[batch.campaign]
		for row in batch.rows:
			zone, moment = row.time_zone, row.send_at
			if row.status != PLANNED:  # skipped, or deferred by a plan rule (with its own moment)
				batch.insert.append(row if row.status == DEFERRED else row.changed(send_at=None))
				continue
			key = (batch.campaign, *row.key)
			new[key] = (batch, row)
			candidates.append(
				Candidate(key, _email(row.recipient.email), zone, moment, rule.window, rule.priority, key)
			)
		for row in batch.deferred:
			zone = row.time_zone or site
			candidates.append(
				Candidate(
					("ledger", batch.campaign, row.name),
					_email(row.email),
					zone,
					row.send_at,
					rule.window,
					rule.priority,
					(batch.campaign, row.schedule_row, row.party_type, row.party),
				)
			)

	history = {}
	if settings.cap.active and candidates:
		history = send_history(settings.cap.since(now, PLANNER_INTERVAL), {c.email for c in candidates})
	by_campaign = {batch.campaign: batch for batch in batches}
	for decision in decide(candidates, now, cap=settings.cap, history=history):
		if decision.key[0] == "ledger":
			_tag, campaign, name = decision.key
			batch = by_campaign[campaign]
			values = {
				"status": decision.status,
				"reason": decision.reason,
				"send_at": decision.send_at,
				"local_send_time": local_label(decision.send_at, decision.zone),
			}
			batch.updates.append((name, values))
			batch.promoted += decision.status == PLANNED
			continue
		batch, row = new[decision.key]
		timing = (decision.status, decision.reason if decision.status == DEFERRED else None, decision.send_at)
		if (row.status, row.reason, row.send_at, row.time_zone) != (*timing, decision.zone):
			status, reason, send_at = timing
			row = row.changed(status=status, reason=reason, send_at=send_at, time_zone=decision.zone)
		batch.insert.append(row)
	return batches


# The earliest clock on Earth (UTC+14): no zone reaches a wall-clock time before it does.
EARLIEST_OFFSET = dt.timedelta(hours=14)


def _earliest(row: PlanRow, known: dict) -> dt.datetime:
	"""The earliest moment ``row`` can be due, whatever the recipient's zone (``known``: the
	moments computed so far, by date and send time)."""
	key = (row.due_date, row.step.send_time)
	if key not in known:
		wall = dt.datetime.combine(row.due_date, row.step.send_time or dt.time(0))
		known[key] = wall.replace(tzinfo=UTC) - EARLIEST_OFFSET
	return known[key]


def _email(email: str | None) -> str:
	return (email or "").strip().lower()


def forecast_days(
	campaign: str, rows: list[PlanRow], deferred: list[dict], now: dt.datetime
) -> dict[tuple[dt.date, str], DayForecast]:
	"""The dry run of one campaign: per (site date, step key), the emails that go out (with their
	local times), the rows that wait until a later day (by reason) and the excluded ones.

	``rows``: the engine's rows due by the end of the period; ``deferred``: the campaign's
	Deferred ledger rows. The cap counts the ledger's sends of every campaign.
	"""
	settings = get_window_settings()
	rule = campaign_rules([campaign], settings)[campaign]
	site = site_zone()
	places = {(row.recipient.party_type, row.recipient.party): row.recipient.place for row in rows}
	zones = recipient_zones(places.keys(), places)
	candidates, step_of, variant_of = [], {}, {}
	excluded: dict[tuple[dt.date, str], dict[str, int]] = {}
	waiting: dict[tuple[dt.date, str], dict[str, int]] = {}
	for row in rows:
		zone = zones.get((row.recipient.party_type, row.recipient.party), site)
		step = row.step
		moment = max(due_moment(row.due_date, step.send_time, step.in_recipient_zone, zone, site), now)
		if row.status != PLANNED:  # skipped, or held by a plan rule (an A/B test's winner)
			_count(
				waiting if row.status == DEFERRED else excluded,
				(local(moment, site).date(), step.key),
				row.reason,
			)
			continue
		key = (step.key, *row.key[1:])
		step_of[key] = step.key
		if row.variant:
			variant_of[key] = row.variant
		candidates.append(
			Candidate(key, _email(row.recipient.email), zone, moment, rule.window, rule.priority, key)
		)
	for row in deferred:
		if row.send_at is None:  # waiting for an event: shown on today
			_count(waiting, (local(now, site).date(), row.schedule_row), row.reason)
			continue
		key = ("ledger", row.name)
		step_of[key] = row.schedule_row
		zone = row.time_zone or site
		candidates.append(
			Candidate(key, _email(row.email), zone, max(row.send_at, now), rule.window, rule.priority, key)
		)
	history = {}
	if settings.cap.active and candidates:
		history = send_history(settings.cap.since(now, PLANNER_INTERVAL), {c.email for c in candidates})
	forecasts = forecast(candidates, cap=settings.cap, history=history)
	days = by_day(forecasts, site, lambda f: step_of[f.key])
	if variant_of:  # an A/B test's split: how many of each day's emails each variant is
		for (day, (step_key, variant)), figures in by_day(
			[f for f in forecasts if f.key in variant_of], site, lambda f: (step_of[f.key], variant_of[f.key])
		).items():
			if figures.to_send:
				days[(day, step_key)].variants[variant] = figures.to_send
	for key, reasons in excluded.items():
		days.setdefault(key, DayForecast()).excluded.update(reasons)
	for key, reasons in waiting.items():
		figures = days.setdefault(key, DayForecast())
		for reason, count in reasons.items():
			figures.deferred[reason] = figures.deferred.get(reason, 0) + count
	return days


def _count(counts: dict, key, reason) -> None:
	bucket = counts.setdefault(key, {})
	bucket[reason] = bucket.get(reason, 0) + 1
