# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A reader's open or click.

Buffered (:data:`BUFFERED`, the default): the hit goes to the queue Redis (one command, no
database statement; :mod:`campaign_plus.tracking.buffer` writes the minute's hits in bulk). A
click's link comes from its link set, kept in this process once read (a link set never changes:
its name is the hash of its links). A well-signed token whose ledger row is gone still gets its
pixel or its redirect to the message's own link; the flush records nothing for it.

Written at once (Redis unavailable, or ``BUFFERED`` off): a handful of indexed statements, never a
document load. Individually tracked (the token names a ledger row): one INSERT … SELECT of the
engagement event (which writes nothing when the row does not exist), then one UPDATE of the row's
summary (hits, first open / click). Tracked in aggregate (the token names the step): one upsert
of the step's counter. Bots' hits are recorded as events (class Bot) but move no counter; in
aggregate they are not recorded at all. The flush writes exactly the same.

A test email's token (kind ``t``: :data:`campaign_plus.tracking.messages.TEST`) gets its pixel or
its redirect and writes nothing, buffered or not.
"""

import hashlib
import json
from collections import OrderedDict

import frappe
from frappe.utils import now_datetime

from campaign_plus.engine import hits as hit_engine
from campaign_plus.engine import tracking
from campaign_plus.tracking import buffer
from campaign_plus.tracking.messages import ROW, STEP, TEST
from campaign_plus.utils.engagement import notify_engagement

BUFFERED = True  # False: every hit written at once (the path before the buffer)
LINK_SETS_KEPT = 2000  # link sets kept per process (least recently used dropped)
_link_sets: "OrderedDict[str, list[str] | None]" = OrderedDict()

_SUMMARY = {
	tracking.OPEN: "`opens` = `opens` + 1, `first_opened_on` = IFNULL(`first_opened_on`, %(now)s)",
	tracking.CLICK: "`clicks` = `clicks` + 1, `first_clicked_on` = IFNULL(`first_clicked_on`, %(now)s)",
}


def _rowcount() -> int:
	return frappe.db._cursor.rowcount if frappe.db._cursor else 0


def _link(link_set: str, index: str) -> str | None:
	if not link_set:
		return None
	key = f"{frappe.local.site}:{link_set}"
	if not LINK_SETS_KEPT:
		urls = _read_link_set(link_set)
	elif key in _link_sets:
		_link_sets.move_to_end(key)
		urls = _link_sets[key]
	else:
		urls = _read_link_set(link_set)
		if urls is not None:  # an unknown name is asked again (it may be written meanwhile)
			_link_sets[key] = urls
			if len(_link_sets) > LINK_SETS_KEPT:
				_link_sets.popitem(last=False)
	return tracking.link_at(urls, index) if urls else None


def _read_link_set(link_set: str) -> list[str] | None:
	links = frappe.db.sql("SELECT `links` FROM `tabCampaign Link Set` WHERE `name` = %s", (link_set,))
	if not links:
		return None
	try:
		urls = json.loads(links[0][0] or "[]")
	except ValueError:
		return []
	return urls if isinstance(urls, list) else []


def _buffered(kind: str, fields: tuple[str, ...], agent: str, url: str | None = None) -> bool:
	"""Buffer the hit; False when it must be written at once (buffer off, or Redis away)."""
	if not BUFFERED:
		return False
	hit = hit_engine.make_hit(kind, fields, agent, buffer.moment(), url)
	return hit is not None and buffer.push(hit)


def _event(row: str, kind: str, agent: str, now, index: int | None = None, url: str | None = None) -> bool:
	frappe.db.sql(
		"""INSERT INTO `tabCampaign Engagement Event`
			(`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`,
			`send_log`, `campaign`, `kind`, `hit_on`, `user_agent_class`, `link_index`, `link_url`)
		SELECT %(event)s, %(now)s, %(now)s, 'Guest', 'Guest', 0, 0,
			`name`, `campaign`, %(kind)s, %(now)s, %(agent)s, %(index)s, %(url)s
		FROM `tabCampaign Send Log` WHERE `name` = %(row)s AND `tracking` = %(individual)s""",
		{
			"event": frappe.generate_hash(length=12),
			"now": now,
			"kind": kind,
			"agent": agent,
			"index": index or 0,
			"url": url,
			"row": row,
			"individual": tracking.INDIVIDUAL,
		},
	)
	if not _rowcount():
		return False
	if tracking.counts(agent):
		frappe.db.sql(
			f"UPDATE `tabCampaign Send Log` SET {_SUMMARY[kind]} WHERE `name` = %(row)s",
			{"now": now, "row": row},
		)
	return True


def _count(fields: tuple[str, ...], kind: str, agent: str, now, url: str | None = None) -> None:
	campaign, schedule_row, step_idx = fields[:3]
	if not tracking.counts(agent):
		return
	frappe.db.sql(
		"""INSERT INTO `tabCampaign Step Engagement`
			(`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`,
			`campaign`, `schedule_row`, `step_idx`, `kind`, `link_key`, `link_url`, `hits`, `last_hit_on`)
		VALUES (%(name)s, %(now)s, %(now)s, 'Guest', 'Guest', 0, 0,
			%(campaign)s, %(schedule_row)s, %(step_idx)s, %(kind)s, %(key)s, %(url)s, 1, %(now)s)
		ON DUPLICATE KEY UPDATE `hits` = `hits` + 1, `last_hit_on` = VALUES(`last_hit_on`)""",
		{
			"name": frappe.generate_hash(length=12),
			"now": now,
			"campaign": campaign,
			"schedule_row": schedule_row,
			"step_idx": int(step_idx) if step_idx.isdigit() else 0,
			"kind": kind,
			"key": hashlib.sha256(url.encode()).hexdigest()[:32] if url else "",
			"url": url,
		},
	)


def record_open(fields: tuple[str, ...] | None, user_agent: str | None) -> bool:
	"""Record an open (``fields``: of a verified open token); False, nothing written, when unknown."""
	if fields and fields[0] == TEST:
		return len(fields) == 2  # a test email's: shown, never counted
	if not fields:
		return False
	agent = tracking.user_agent_class(user_agent)
	if fields[0] in (ROW, STEP) and len(fields) in (2, 4) and _buffered(tracking.OPEN, fields, agent):
		return True
	now = now_datetime()
	if fields[0] == ROW and len(fields) == 2:
		recorded = _event(fields[1], tracking.OPEN, agent, now)
		if recorded and tracking.counts(agent):
			notify_engagement(fields[1], "open")
		return recorded
	if fields[0] == STEP and len(fields) == 4:
		_count(fields[1:], tracking.OPEN, agent, now)
		return True
	return False


def record_click(fields: tuple[str, ...] | None, user_agent: str | None) -> str | None:
	"""Record a click (verified click token's ``fields``) and return where it goes; None (nothing
	written) for an unknown message or link."""
	if fields and fields[0] == TEST:
		return _link(fields[2], fields[3]) if len(fields) == 4 else None  # a test email's: never counted
	if not fields:
		return None
	agent = tracking.user_agent_class(user_agent)
	if fields[0] in (ROW, STEP) and len(fields) in (4, 6):
		url = _link(fields[-2], fields[-1])
		if not url:
			return None
		if _buffered(tracking.CLICK, fields, agent, url):
			return url
	now = now_datetime()
	if fields[0] == ROW and len(fields) == 4:
		_kind, row, link_set, index = fields
		url = _link(link_set, index)
		if url and _event(row, tracking.CLICK, agent, now, int(index), url):
			if tracking.counts(agent):
				notify_engagement(row, "click")
			return url
		return None
	if fields[0] == STEP and len(fields) == 6:
		link_set, index = fields[4:]
		url = _link(link_set, index)
		if url:
			_count(fields[1:4], tracking.CLICK, agent, now, url)
		return url
	return None
