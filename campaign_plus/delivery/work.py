# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Delivery's shared bookkeeping in the queue Redis.

- **Work items**: a set of Email Queue rows of one campaign and one sending account, due at a
  moment (now, when capacity returns, after a retry delay). One job at a time works on an item:
  it *holds* it (a key that expires unless renewed, so a killed job lets go by itself).
- **Journal**: the rows whose final dot a job has written and whose outcome it has not yet
  committed to the database (handed over, or accepted), with the job that wrote it.
- **Counters**: messages pending per account (for the finishing-time estimate), and per
  campaign the current send's total, delivered, failed and released (left to Frappe's queue).
"""

import time
import uuid
from dataclasses import asdict, dataclass, field

import frappe

from campaign_plus.delivery import store

HOLD_TTL = 60  # seconds a job's hold lasts unless renewed (a killed job lets go after this)
CAMPAIGN_TTL = 86400  # a campaign's counters are kept a day after its last change

_COMPARE_AND_EXPIRE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end
return 0
"""
_COMPARE_AND_DELETE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


@dataclass
class WorkItem:
	token: str
	account: str
	names: list[str]
	campaign: str | None = None
	due: float = 0.0  # Redis time
	generation: int = 0  # bumped each time a new job is enqueued for it
	lease_until: float = 0.0  # the rows' send_after (Redis time): Frappe's queue leaves them alone
	stops: int = 0  # consecutive stops for an unreachable mail server (for the backoff)
	extra: dict = field(default_factory=dict)

	@property
	def job_id(self) -> str:
		return f"campaign_plus:deliver:{self.token}:{self.generation}"


def new_token() -> str:
	return f"{int(time.time() * 1000):013d}-{frappe.generate_hash(length=8)}"


def save(item: WorkItem, connection=None) -> None:
	connection = connection or store.redis()
	pipe = connection.pipeline()
	pipe.set(store.key("item", item.token), store.dumps(asdict(item)))
	pipe.zadd(store.key("due"), {item.token: item.due})
	pipe.execute()


def load(token: str) -> WorkItem | None:
	data = store.loads(store.redis().get(store.key("item", token)))
	return WorkItem(**data) if data else None


def delete(token: str) -> None:
	pipe = store.redis().pipeline()
	pipe.delete(store.key("item", token))
	pipe.zrem(store.key("due"), token)
	pipe.execute()


def tokens(until: float | None = None) -> list[str]:
	"""Every item's token (due no later than ``until`` if given), soonest first."""
	connection = store.redis()
	high = "+inf" if until is None else until
	return [store.text(t) for t in connection.zrangebyscore(store.key("due"), "-inf", high)]


# Holding an item
def hold(token: str) -> str | None:
	holder = uuid.uuid4().hex
	if store.redis().set(store.key("holder", token), holder, nx=True, ex=HOLD_TTL):
		return holder
	return None


def release(token: str, holder: str) -> None:
	store.redis().eval(_COMPARE_AND_DELETE, 1, store.key("holder", token), holder)


def held(token: str) -> bool:
	return bool(store.redis().exists(store.key("holder", token)))


class Hold:
	"""A job's hold on an item, usable from another thread (keys made in the job's own)."""

	def __init__(self, token: str, holder: str):
		self.holder = holder
		self.key = store.key("holder", token)
		self.running_key = None
		self.connection = store.redis()

	def account(self, account: str) -> None:
		self.running_key = store.key("running", account)
		self._running()

	def _running(self) -> None:
		if self.running_key:
			until = store.server_time(self.connection) + HOLD_TTL
			self.connection.zadd(self.running_key, {self.holder: until})
			self.connection.expire(self.running_key, HOLD_TTL * 2)

	def renew(self) -> bool:
		renewed = bool(self.connection.eval(_COMPARE_AND_EXPIRE, 1, self.key, self.holder, HOLD_TTL))
		if renewed:
			self._running()
		return renewed

	def leave(self) -> None:
		if self.running_key:
			self.connection.zrem(self.running_key, self.holder)
		self.connection.eval(_COMPARE_AND_DELETE, 1, self.key, self.holder)


# The journal of final dots: "handed:<holder>" just before a message's final dot is written,
# "accepted:<holder>" once the server answered 2xx; removed when the outcome is committed.
HANDED, ACCEPTED = "handed:", "accepted:"


def mark(name: str, stage: str, holder: str, connection=None) -> None:
	(connection or store.redis()).hset(store.key("journal"), name, f"{stage}{holder}")


class Marks:
	"""One job's marks, over a queue Redis connection of their own. A "handed" mark is written
	and its answer read before the final dot, as :func:`mark` does; an "accepted" mark is written
	without waiting for its answer, which is read with the next mark's (or by :meth:`settle`):
	Redis runs a connection's commands in the order it receives them, so the mark is there as soon
	as it would have been, and the job does not wait a round trip for it. (A failed "accepted"
	mark changes nothing: the "handed" one already says the server may have the message.)"""

	def __init__(self, holder: str, client=None):
		self.holder = holder
		self.client = client or store.redis()
		self.key = store.key("journal")
		self.connection = None
		self.unread = 0  # "accepted" marks written, their answers not read yet

	def handed(self, name: str) -> None:
		"""Raises when the mark may not be in Redis."""
		try:
			connection = self._connection()
			connection.send_command("HSET", self.key, name, f"{HANDED}{self.holder}")
			self._read_accepted()
			connection.read_response()
		except Exception:
			self._drop()
			raise

	def accepted(self, name: str) -> None:
		try:
			self._connection().send_command("HSET", self.key, name, f"{ACCEPTED}{self.holder}")
		except Exception:
			self._drop()
			raise
		self.unread += 1

	def settle(self) -> None:
		"""Every mark written is in Redis (before the rows' marks are forgotten on another
		connection, which Redis may serve first)."""
		try:
			self._read_accepted()
		except Exception:
			self._drop()

	def close(self) -> None:
		self.settle()
		if self.connection is not None:
			connection, self.connection = self.connection, None
			self.client.connection_pool.release(connection)

	def _connection(self):
		if self.connection is None:
			pool = self.client.connection_pool
			try:
				self.connection = pool.get_connection()
			except TypeError:  # redis-py 4 (Frappe 15) names the command
				self.connection = pool.get_connection("HSET")
		return self.connection

	def _read_accepted(self) -> None:
		import redis

		while self.unread:
			self.unread -= 1
			try:
				self.connection.read_response()
			except redis.ResponseError:
				pass  # Redis refused that mark (out of memory…): as when it is not written at all

	def _drop(self) -> None:
		"""A connection in an unknown state (answers not read): closed, never reused."""
		self.unread = 0
		if self.connection is not None:
			connection, self.connection = self.connection, None
			connection.disconnect()
			self.client.connection_pool.release(connection)


def marked(names: list[str]) -> dict[str, str]:
	if not names:
		return {}
	values = store.redis().hmget(store.key("journal"), names)
	return {name: store.text(value) for name, value in zip(names, values, strict=True) if value}


def forget(names: list[str]) -> None:
	if names:
		store.redis().hdel(store.key("journal"), *names)


# Counters
def add_pending(account: str, count: int, connection=None) -> None:
	if count:
		(connection or store.redis()).hincrby(store.key("pending"), account, count)


def pending(account: str) -> int:
	return max(int(store.redis().hget(store.key("pending"), account) or 0), 0)


def count(campaign: str | None, connection=None, **values: int) -> None:
	"""Add to a campaign's counters (total, delivered, failed, released)."""
	if not campaign:
		return
	connection = connection or store.redis()
	name = store.key("campaign", campaign)
	pipe = connection.pipeline()
	for field_name, value in values.items():
		if value:
			pipe.hincrby(name, field_name, value)
	pipe.hset(name, "changed", f"{store.server_time(connection):.3f}")
	pipe.expire(name, CAMPAIGN_TTL)
	pipe.execute()


def start_counts(campaign: str, total: int, account: str) -> None:
	"""A new send of ``total`` messages: counters start again once the previous one is over."""
	connection = store.redis()
	name = store.key("campaign", campaign)
	current = {store.text(k): store.text(v) for k, v in connection.hgetall(name).items()}
	if current and _open(current) <= 0:
		connection.delete(name)
	connection.hset(name, "account", account)
	count(campaign, connection, total=total)


def counts(campaign: str) -> dict:
	values = {
		store.text(k): store.text(v)
		for k, v in store.redis().hgetall(store.key("campaign", campaign)).items()
	}
	if not values:
		return {}
	result = {k: int(values.get(k) or 0) for k in ("total", "delivered", "failed", "released")}
	result["queued"] = max(_open(values), 0)
	result["account"] = values.get("account")
	result["changed"] = float(values.get("changed") or 0)
	return result


def _open(values: dict) -> int:
	return int(values.get("total") or 0) - sum(
		int(values.get(k) or 0) for k in ("delivered", "failed", "released")
	)


# Jobs running per account (for the finishing-time estimate)
def running_count(account: str) -> int:
	connection = store.redis()
	return int(connection.zcount(store.key("running", account), store.server_time(connection), "+inf"))
