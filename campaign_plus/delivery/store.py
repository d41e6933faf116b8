# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Where delivery keeps what every worker on every machine shares: the queue Redis.

Not the cache Redis: it evicts keys under memory pressure (``allkeys-lru``), and a forgotten
limiter or work item must not happen. Keys start with ``rq:`` followed by anything but ``q``,
the only ones RQ's access rules let a bench user touch when RQ authentication is on; every key
names the site.
"""

import json

import frappe
from frappe.utils.background_jobs import get_redis_conn


def redis():
	return get_redis_conn()


def key(*parts: str) -> str:
	return ":".join(("rq", "campaign_plus", "delivery", frappe.local.site, *parts))


def server_time(connection=None) -> float:
	"""Seconds since the epoch on the Redis server: one clock for every machine."""
	seconds, microseconds = (connection or redis()).time()
	return seconds + microseconds / 1_000_000


def dumps(value) -> str:
	return json.dumps(value, separators=(",", ":"))


def loads(raw):
	return json.loads(raw) if raw else None


def text(value) -> str:
	return value.decode() if isinstance(value, bytes) else value


def epoch(connection=None) -> str:
	"""The queue Redis's epoch: made by the first caller after Redis started empty (a restart
	without persistence, a flush), kept while it lives. What Redis held under another epoch
	(work items, the final-dot journal, holds) is gone."""
	import uuid

	connection = connection or redis()
	name = key("epoch")
	current = connection.get(name)
	if current is None:
		connection.set(name, uuid.uuid4().hex, nx=True)
		current = connection.get(name)
	return text(current)
