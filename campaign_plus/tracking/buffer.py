# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Tracking hits buffered in the queue Redis, written to the database in bulk every minute.

A hit costs the web worker one Redis command (``RPUSH`` of the hit, a short text: see
:mod:`campaign_plus.engine.hits`) and no database statement at all. The scheduler's minute
(:func:`flush`, also enqueued as soon as :data:`FLUSH_AT` hits wait) takes the waiting hits as one
batch and writes them in one transaction, set-based: the ledger rows they name read once, their
engagement events in one multi-row INSERT, the rows' summaries in one UPDATE, the step counters in
one upsert, the engagement listeners told of each counting click — then marks the batch done.

Exactly once: taking the waiting hits renames the list to the batch (atomic, in Redis), with a
token; the transaction writes that token beside what it wrote (one row of Frappe's key-value
table, ``tabDefaultValue``, under a parent of the app's own — never read as a default —, locked
``FOR UPDATE``: one flush at a time); the batch is deleted from Redis after the commit. A flush
that dies before its commit leaves the batch to the next one (written then); one that dies after
its commit but before deleting leaves a batch whose token the database already has: deleted,
never written twice.

What a Redis restart may lose: the hits still waiting (at most about a minute of them, plus any
batch a dead flush left) if Redis stops without saving them — a crash, a kill, or a queue Redis
with persistence off; a clean shutdown of a Redis that saves (Frappe's queue Redis does, on
shutdown) keeps them. Lost hits are counted nowhere; none is ever counted twice. When Redis
cannot take a hit, the endpoint writes it at once (the direct path) instead.
"""

import dataclasses
import datetime as dt
import time
import uuid

import frappe
from frappe.utils import convert_utc_to_system_timezone, now_datetime
from frappe.utils.background_jobs import get_redis_conn

from campaign_plus.engine import hits as engine
from campaign_plus.engine import tracking
from campaign_plus.utils.db import insert_many, ordered_names
from campaign_plus.utils.engagement import CLICK, OPEN, Engagement, notify_engagements
from campaign_plus.utils.runtime import in_test

LEDGER = "Campaign Send Log"
EVENT = "Campaign Engagement Event"
STEP_COUNTER = "Campaign Step Engagement"
# The last batch written: a row of Frappe's key-value table, its own name and parent.
MARKER = "campaign-plus-tracking-batch"
MARKER_PARENT = "__campaign_plus"
FLUSH_AT = 5000  # hits waiting: a flush is enqueued at once, besides the minute's
FLUSH_JOB = "campaign_plus:tracking:flush"
LOCK_SECONDS = 600  # a flush that died lets go of the lock after this
ROWS_PER_STATEMENT = 2000
KINDS = {tracking.OPEN: OPEN, tracking.CLICK: CLICK}  # a hit's kind: the listeners' word for it

# Taking the waiting hits: the batch a dead flush left first, else the waiting list renamed.
_CLAIM = """
if redis.call('exists', KEYS[2]) == 1 then
	local token = redis.call('get', KEYS[3])
	if token then return token end
	redis.call('set', KEYS[3], ARGV[1])
	return ARGV[1]
end
if redis.call('exists', KEYS[1]) == 0 then return false end
redis.call('rename', KEYS[1], KEYS[2])
redis.call('set', KEYS[3], ARGV[1])
return ARGV[1]
"""
_DONE = """
if redis.call('get', KEYS[2]) == ARGV[1] then
	redis.call('del', KEYS[1], KEYS[2])
	return 1
end
return 0
"""
_UNLOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def key(*parts: str) -> str:
	"""Keys in the queue Redis (never evicted; ``rq:`` then not ``q``: allowed by RQ's access rules)."""
	return ":".join(("rq", "campaign_plus", "tracking", frappe.local.site, *parts))


def redis():
	return get_redis_conn()


def moment() -> str:
	"""Now, in UTC (the site's time zone would cost the request a read of System Settings; the
	flush gives each hit the site's time)."""
	return (
		dt.datetime.fromtimestamp(time.time(), dt.timezone.utc)
		.replace(tzinfo=None)
		.isoformat(sep=" ", timespec="microseconds")
	)


def site_moment(utc: str) -> str:
	local = convert_utc_to_system_timezone(dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc))
	return local.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


# --- the endpoint's side ------------------------------------------------------------------------


def push(hit: engine.Hit) -> bool:
	"""Buffer a hit: False when Redis did not take it (the caller writes it at once)."""
	try:
		waiting = redis().rpush(key("hits"), engine.encode(hit))
	except Exception:
		return False
	if waiting >= FLUSH_AT and waiting % FLUSH_AT == 0:
		try:
			enqueue_flush()
		except Exception:
			pass  # the scheduler's minute flushes them anyway
	return True


def enqueue_flush() -> None:
	frappe.enqueue("campaign_plus.tracking.buffer.flush", queue="default", job_id=FLUSH_JOB, deduplicate=True)


def waiting() -> int:
	"""Hits not yet written (waiting, and in a batch a flush has taken)."""
	connection = redis()
	return int(connection.llen(key("hits")) or 0) + int(connection.llen(key("batch")) or 0)


# --- the minute's flush -------------------------------------------------------------------------


def flush() -> dict:
	"""Scheduler entry point (every minute): write the waiting hits, batch after batch, until none
	is left (at most a few batches: hits coming meanwhile wait for the next minute)."""
	connection = redis()
	holder = uuid.uuid4().hex
	if not connection.set(key("lock"), holder, nx=True, ex=LOCK_SECONDS):
		return {"skipped": "another flush runs"}
	total = {"batches": 0, "hits": 0, "events": 0, "rows": 0, "counters": 0, "engagements": 0}
	try:
		for _round in range(5):
			result = flush_batch(connection)
			if result is None:
				break
			total["batches"] += 1
			for name in ("hits", "events", "rows", "counters", "engagements"):
				total[name] += result.get(name, 0)
	finally:
		connection.eval(_UNLOCK, 1, key("lock"), holder)
	return total


def flush_batch(connection=None) -> dict | None:
	"""Take one batch and write it (None: nothing was waiting)."""
	connection = connection or redis()
	token = connection.eval(
		_CLAIM, 3, key("hits"), key("batch"), key("batch_token"), f"{time.time():.6f}-{uuid.uuid4().hex[:8]}"
	)
	if not token:
		return None
	token = token.decode() if isinstance(token, bytes) else token
	entries = connection.lrange(key("batch"), 0, -1)
	result = {"hits": len(entries)}
	if _claim_marker() != token:
		result.update(write(entries))
		frappe.db.sql("UPDATE `tabDefaultValue` SET `defvalue` = %s WHERE `name` = %s", (token, MARKER))
		if not in_test():
			frappe.db.commit()
	else:  # written by a flush that died before deleting it
		result["already_written"] = True
		if not in_test():
			frappe.db.rollback()
	connection.eval(_DONE, 2, key("batch"), key("batch_token"), token)
	return result


def _claim_marker() -> str | None:
	"""The last batch written, its row locked until this transaction ends (one flush at a time)."""
	select = "SELECT `defvalue` FROM `tabDefaultValue` WHERE `name` = %s FOR UPDATE"
	found = frappe.db.sql(select, (MARKER,))
	if not found:  # the first flush of the site
		now = now_datetime()
		frappe.db.sql(
			"""INSERT IGNORE INTO `tabDefaultValue`
				(`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`,
				`parent`, `parenttype`, `parentfield`, `defkey`, `defvalue`)
			VALUES (%s, %s, %s, 'Administrator', 'Administrator', 0, 0, %s, NULL, NULL, %s, '')""",
			(MARKER, now, now, MARKER_PARENT, "tracking_batch_written"),
		)
		found = frappe.db.sql(select, (MARKER,))
	return found[0][0] if found else None


def write(entries: list) -> dict:
	"""Write these buffered hits as the direct path would have written each (set-based)."""
	hits = [hit for hit in map(engine.decode, entries) if hit]
	local: dict[str, str] = {}
	for i, hit in enumerate(hits):  # moments in the site's time, as the direct path writes them
		if hit.moment not in local:
			local[hit.moment] = site_moment(hit.moment)
		hits[i] = dataclasses.replace(hit, moment=local[hit.moment])
	rows = sorted({hit.row for hit in hits if hit.row})
	campaigns = individual_rows(rows)
	batch = engine.plan_batch(hits, set(campaigns))
	insert_events(batch.events, campaigns)
	update_summaries(batch.rows)
	upsert_counters(batch.counters)
	if batch.engagements:
		notify_engagements(
			[
				Engagement(hit.row, KINDS[hit.kind], dt.datetime.fromisoformat(hit.moment))
				for hit in batch.engagements
			]
		)
	return {
		"events": len(batch.events),
		"rows": len(batch.rows),
		"counters": len(batch.counters),
		"engagements": len(batch.engagements),
		"ignored": batch.ignored + len(entries) - len(hits),
	}


def individual_rows(rows: list[str]) -> dict[str, str]:
	"""{row: campaign} of these ledger rows that exist and are tracked individually."""
	from campaign_plus.engine.tracking import INDIVIDUAL

	found: dict[str, str] = {}
	for start in range(0, len(rows), ROWS_PER_STATEMENT * 5):
		chunk = rows[start : start + ROWS_PER_STATEMENT * 5]
		found.update(
			frappe.db.sql(
				f"SELECT `name`, `campaign` FROM `tab{LEDGER}` WHERE `name` IN %(rows)s AND `tracking` = %(mode)s",
				{"rows": chunk, "mode": INDIVIDUAL},
			)
		)
	return found


EVENT_FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"idx",
	"send_log",
	"campaign",
	"kind",
	"hit_on",
	"user_agent_class",
	"link_index",
	"link_url",
)


def insert_events(events: list[engine.Hit], campaigns: dict[str, str]) -> None:
	if not events:
		return
	insert_many(
		EVENT,
		EVENT_FIELDS,
		[
			(name, hit.moment, hit.moment, "Guest", "Guest", 0, 0, hit.row, campaigns[hit.row], hit.kind,
			 hit.moment, hit.agent, hit.index, hit.url)
			for name, hit in zip(ordered_names(len(events)), events, strict=True)
		],
	)  # fmt: skip


def update_summaries(rows: dict[str, engine.RowDelta]) -> None:
	"""Each row's opens and clicks up by the batch's, its first open / click set when empty."""
	items = sorted(rows.items())
	for start in range(0, len(items), ROWS_PER_STATEMENT):
		chunk = items[start : start + ROWS_PER_STATEMENT]
		values, parameters = [], []
		for row, delta in chunk:
			values.append("(%s, %s, %s, %s, %s)")
			parameters += [row, delta.opens, delta.first_opened_on, delta.clicks, delta.first_clicked_on]
		frappe.db.sql(
			f"""UPDATE `tab{LEDGER}` l JOIN (
				WITH d (`row`, `opens`, `first_open`, `clicks`, `first_click`) AS (VALUES {", ".join(values)})
				SELECT * FROM d) d ON d.`row` = l.`name`
			SET l.`opens` = l.`opens` + d.`opens`,
				l.`first_opened_on` = IFNULL(l.`first_opened_on`, d.`first_open`),
				l.`clicks` = l.`clicks` + d.`clicks`,
				l.`first_clicked_on` = IFNULL(l.`first_clicked_on`, d.`first_click`)""",
			parameters,
		)


def upsert_counters(counters: dict[tuple, engine.StepCounter]) -> None:
	if not counters:
		return
	values, parameters = [], []
	for (campaign, schedule_row, kind, link_key), counter in sorted(counters.items()):
		values.append("(%s, %s, %s, 'Guest', 'Guest', 0, 0, %s, %s, %s, %s, %s, %s, %s, %s)")
		parameters += [
			frappe.generate_hash(length=12),
			counter.last_hit_on,
			counter.last_hit_on,
			campaign,
			schedule_row,
			counter.step_idx,
			kind,
			link_key,
			counter.url,
			counter.hits,
			counter.last_hit_on,
		]
	frappe.db.sql(
		f"""INSERT INTO `tab{STEP_COUNTER}`
			(`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`,
			`campaign`, `schedule_row`, `step_idx`, `kind`, `link_key`, `link_url`, `hits`, `last_hit_on`)
		VALUES {", ".join(values)}
		ON DUPLICATE KEY UPDATE `hits` = `hits` + VALUES(`hits`),
			`last_hit_on` = GREATEST(IFNULL(`last_hit_on`, VALUES(`last_hit_on`)), VALUES(`last_hit_on`))""",
		parameters,
	)
