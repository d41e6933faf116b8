# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A reader's open or click: a handful of indexed statements, never a document load.

Individually tracked (the token names a ledger row): one INSERT … SELECT of the engagement event
(which writes nothing when the row does not exist), then one UPDATE of the row's summary (hits,
first open / click). Tracked in aggregate (the token names the step): one upsert of the step's
counter. A click first reads its link set by primary key. Bots' hits are recorded as events
(class Bot) but move no counter; in aggregate they are not recorded at all.
"""

import hashlib
import json

import frappe
from frappe.utils import now_datetime

from campaign_plus.engine import tracking
from campaign_plus.tracking.messages import ROW, STEP
from campaign_plus.utils.engagement import notify_engagement

_SUMMARY = {
	tracking.OPEN: "`opens` = `opens` + 1, `first_opened_on` = IFNULL(`first_opened_on`, %(now)s)",
	tracking.CLICK: "`clicks` = `clicks` + 1, `first_clicked_on` = IFNULL(`first_clicked_on`, %(now)s)",
}


def _rowcount() -> int:
	return frappe.db._cursor.rowcount if frappe.db._cursor else 0


def _link(link_set: str, index: str) -> str | None:
	if not link_set:
		return None
	links = frappe.db.sql("SELECT `links` FROM `tabCampaign Link Set` WHERE `name` = %s", (link_set,))
	if not links:
		return None
	try:
		urls = json.loads(links[0][0] or "[]")
	except ValueError:
		return None
	return tracking.link_at(urls if isinstance(urls, list) else [], index)


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
	if not fields:
		return False
	agent, now = tracking.user_agent_class(user_agent), now_datetime()
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
	if not fields:
		return None
	agent, now = tracking.user_agent_class(user_agent), now_datetime()
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
