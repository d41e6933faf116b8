# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The limiter every worker on every machine shares: the engine's pacing state of one sending
account, kept in the queue Redis and changed atomically (WATCH, then MULTI/EXEC: a worker whose
read was overtaken by another's write reads and decides again). Times are the Redis server's."""

import time
from dataclasses import dataclass

from redis.exceptions import WatchError

from campaign_plus.delivery import store
from campaign_plus.engine import pacing
from campaign_plus.engine.pacing import Grant, Limits, PaceState

STATE_TTL = pacing.DAY + pacing.HOUR  # nothing in the state counts longer than a day


@dataclass(frozen=True)
class LocalGrant:
	"""A grant with its times on this machine's clock (``time.time()``)."""

	grant: Grant
	key: str
	offset: float  # Redis time - local time

	@property
	def count(self) -> int:
		return self.grant.count

	def slot(self, i: int) -> float:
		return self.grant.slot(i) - self.offset

	@property
	def until(self) -> float:
		return self.grant.until - self.offset

	@property
	def retry_at(self) -> float | None:
		return None if self.grant.retry_at is None else self.grant.retry_at - self.offset


class Limiter:
	def __init__(self, account: str, limits: Limits):
		self.account, self.limits = account, limits
		self.key = store.key("pace", account)
		self._number = 0

	def _update(self, change):
		"""Apply ``change(state, now) -> (state, result)`` atomically; returns (result, now)."""
		connection = store.redis()
		with connection.pipeline() as pipe:
			while True:
				try:
					pipe.watch(self.key)
					state = PaceState.from_dict(store.loads(pipe.get(self.key)))
					now = store.server_time(pipe)
					new_state, result = change(state, now)
					pipe.multi()
					pipe.set(self.key, store.dumps(new_state.as_dict()), ex=STATE_TTL)
					pipe.execute()
					return result, now
				except WatchError:
					continue

	def reserve(self, wanted: int, hold: float = pacing.HOLD) -> LocalGrant:
		if self.limits.unlimited and not self._held():
			now = time.time()
			return LocalGrant(Grant(wanted, now, 0.0, now + hold), "", 0.0)
		self._number += 1
		key = f"{time.time():.6f}-{id(self)}-{self._number}"
		grant, now = self._update(
			lambda state, now: pacing.reserve(self.limits, state, now, wanted, key, hold=hold)
		)
		return LocalGrant(grant, key, now - time.time())

	def _held(self) -> bool:
		"""An account without limits that throttling replies hold to a rate (one read)."""
		state = PaceState.from_dict(store.loads(store.redis().get(self.key)))
		return bool(state.adaptive or state.paused_until)

	def slow_down(self, pause: float) -> float:
		"""A throttling reply: the account (every worker) pauses ``pause`` seconds, then goes on at a
		lower rate (the engine's :func:`~campaign_plus.engine.pacing.slow_down`). When it may send
		again, local time."""

		def change(state, now):
			state = pacing.slow_down(self.limits, state, now, pause)
			return state, state.paused_until

		until, now = self._update(change)
		return until - (now - time.time())

	def settle(self, grant: LocalGrant, used: int, last_sent: float | None, seconds: float = 0.0) -> None:
		"""Done with ``grant``: ``used`` messages sent, the last at ``last_sent`` (local time),
		``seconds`` spent sending them (for the finishing-time estimate)."""
		if not grant.key:
			if used and seconds:
				self.observe(used, seconds)
			return
		last = None if last_sent is None else last_sent + grant.offset

		def change(state, _now):
			state = pacing.settle(state, grant.key, used, last, self.limits.interval)
			return pacing.observe(state, used, seconds), None

		self._update(change)

	def observe(self, messages: int, seconds: float) -> None:
		self._update(lambda state, _now: (pacing.observe(state, messages, seconds), None))

	def state(self) -> tuple[PaceState, float]:
		connection = store.redis()
		return PaceState.from_dict(store.loads(connection.get(self.key))), store.server_time(connection)
