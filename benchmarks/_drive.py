# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmarks that drive themselves: what the scheduler would run, figures printed as they come,
and a loud failure — instead of a silent wait — when nothing moves for a minute.

- :func:`say` prints at once (flushed) and tells the watchdog that something moved.
- :class:`Scheduler` runs campaign_plus's scheduled events at their cadence while a benchmark
  waits (read from the app's ``scheduler_events``: the delivery tick and the tracking flush every
  minute, the ledger sync every 5, the planner every 15 — these two for the benchmark's own
  campaigns only; the daily statistics are left out). By default it enqueues them as Frappe's scheduler does
  (``frappe.enqueue`` on the ``default`` queue, one job id per event: a job still queued is not
  queued twice) so that the benchmark's workers run them; ``in_process=True`` runs them here.
- :func:`wait` polls a condition, runs the scheduler, prints a progress line every
  ``every`` seconds and raises :class:`Stalled` — with what it knows: the queue, the work
  items, the workers' logs — when the progress signature has not changed for :data:`STALL`
  seconds.
- :class:`Watchdog` (started by ``benchmarks/run`` for every benchmark) covers the work a
  benchmark does in its own process: when for :data:`STALL` seconds nothing was said, this
  process and those it started used no CPU and its database connection ran no statement (or
  waited for a lock), it
  prints every thread's stack and interrupts the benchmark (its ``finally`` blocks clean up).
"""

import faulthandler
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable

STALL = float(os.environ.get("CAMPAIGN_PLUS_BENCH_STALL") or 60)
EVERY = 10.0


class Stalled(RuntimeError):
	"""Nothing moved for a minute: the benchmark fails here, loudly."""


_started = time.monotonic()
_last_moved = time.monotonic()


def moved() -> None:
	global _last_moved
	_last_moved = time.monotonic()


def say(*parts, **kwargs) -> None:
	print(*parts, **kwargs, flush=True)
	moved()


def median(values) -> float:
	"""(The stdlib's statistics module is shadowed here by benchmarks/statistics.py.)"""
	ordered = sorted(values)
	middle = len(ordered) // 2
	return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def elapsed() -> float:
	return time.monotonic() - _started


# --- the scheduler ------------------------------------------------------------------------------


def _cron_seconds(expression: str) -> float | None:
	"""Seconds between two runs of a simple cron expression ("* * * * *", "*/N * * * *")."""
	minute, *rest = expression.split()
	if any(part != "*" for part in rest):
		return None
	if minute == "*":
		return 60.0
	if minute.startswith("*/") and minute[2:].isdigit():
		return 60.0 * int(minute[2:])
	return None


FREQUENCIES = {"all": 240.0, "hourly": 3600.0, "hourly_long": 3600.0}


def scheduled_events(app: str = "campaign_plus") -> dict[str, float]:
	"""{method: seconds between runs} of the app's scheduler events (daily and slower left out)."""
	import frappe

	events = frappe.get_hooks("scheduler_events", app_name=app) or {}
	found: dict[str, float] = {}
	for frequency, methods in events.items():
		if frequency == "cron":
			for expression, cron_methods in methods.items():
				seconds = _cron_seconds(expression)
				if seconds:
					found.update(dict.fromkeys(cron_methods, seconds))
		elif frequency in FREQUENCIES:
			found.update(dict.fromkeys(methods, FREQUENCIES[frequency]))
	return found


# The site-wide scheduler events, run for the benchmark's own campaigns only (never every campaign).
SCOPED = {"plan_all": "scheduled_run", "sync_ledger": "sync_ledger"}


class Scheduler:
	"""campaign_plus's scheduled events, run at their cadence (first run after one period).

	``campaigns``: the planner and the ledger sync act on these only (without them, not at all)."""

	def __init__(
		self,
		campaigns: list[str] | None = None,
		*,
		in_process: bool = False,
		events: dict[str, float] | None = None,
		faster: float = 1.0,
	):
		self.campaigns = list(campaigns or [])
		self.in_process = in_process
		self.events = {m: s / faster for m, s in (events or scheduled_events()).items()}
		now = time.monotonic()
		self.last = dict.fromkeys(self.events, now)
		self.runs: dict[str, int] = dict.fromkeys(self.events, 0)

	def run_due(self) -> None:
		now = time.monotonic()
		for method, seconds in self.events.items():
			if now - self.last[method] >= seconds:
				self.last[method] = now
				self.run(method)

	def run(self, method: str) -> None:
		import frappe

		self.runs[method] = self.runs.get(method, 0) + 1
		module, _dot, function = method.rpartition(".")
		kwargs = {}
		if function in SCOPED:
			if not self.campaigns:
				return
			method, kwargs = f"{module}.{SCOPED[function]}", {"campaigns": self.campaigns}
		if self.in_process:
			frappe.get_attr(method)(**kwargs)
			frappe.db.commit()
		else:  # as Frappe's scheduler: a job on the default queue, never twice in the queue
			frappe.enqueue(
				method, queue="default", job_id=f"scheduled_job::{method}", deduplicate=True, **kwargs
			)


# --- waiting ------------------------------------------------------------------------------------


def wait(
	done: Callable[[], bool],
	progress: Callable[[], object],
	what: str,
	*,
	scheduler: Scheduler | None = None,
	describe: Callable[[], str] | None = None,
	diagnose: Callable[[], str] | None = None,
	timeout: float | None = None,
	every: float = EVERY,
	poll: float = 0.5,
	stall: float | None = None,
) -> float:
	"""Wait until ``done()``; the seconds it took. ``progress()`` returns anything comparable that
	changes when work moves (counts, CPU seconds…); unchanged for ``stall`` seconds: Stalled."""
	stall = stall or STALL
	start = last_change = last_said = time.monotonic()
	signature = progress()
	while True:
		if scheduler:
			scheduler.run_due()
		if done():
			return time.monotonic() - start
		now = time.monotonic()
		current = progress()
		if current != signature:
			signature, last_change = current, now
			moved()
		if now - last_change > stall:
			details = ""
			if diagnose:
				try:
					details = diagnose()
				except Exception as error:  # the diagnosis must not hide the stall
					details = f"(no diagnosis: {error!r})"
			raise Stalled(
				f"nothing moved for {now - last_change:.0f} s while waiting for {what} "
				f"(after {now - start:.0f} s; last progress {signature!r})\n{details}"
			)
		if timeout and now - start > timeout:
			raise Stalled(f"timed out after {timeout:.0f} s waiting for {what} (progress {signature!r})")
		if now - last_said >= every:
			last_said = now
			say(f"  [{elapsed():6.0f} s] {what}: {describe() if describe else signature}")
		time.sleep(poll)


def process_cpu(pids: list[int]) -> float:
	"""CPU seconds of these processes and all their descendants (psutil), finished children
	included (RQ's work horses, one per job: their time is their parent's ``children_*``)."""
	import psutil

	total = 0.0
	for pid in pids:
		try:
			parent = psutil.Process(pid)
			for process in [parent, *parent.children(recursive=True)]:
				times = process.cpu_times()
				total += times.user + times.system
				total += getattr(times, "children_user", 0) + getattr(times, "children_system", 0)
		except psutil.Error:
			continue
	return round(total, 1)


# --- the watchdog over the benchmark's own process ----------------------------------------------

_databases: "weakref.WeakSet" = weakref.WeakSet()


def _track_databases() -> None:
	"""Remember every Frappe database object this process connects (to see what it runs)."""
	try:
		from frappe.database.database import Database
	except ImportError:
		return
	original = Database.connect

	def connect(self, *args, **kwargs):
		result = original(self, *args, **kwargs)
		_databases.add(self)
		return result

	Database.connect = connect


def _database_busy() -> bool | None:
	"""True when a connection of this process runs a statement that is not waiting for a lock."""
	for db in list(_databases):
		conn = getattr(db, "_conn", None)
		if not conn or not getattr(conn, "open", False):
			continue
		try:
			import pymysql

			own = {"user": db.user, "password": db.password, "database": db.cur_db_name}
			if db.socket:
				own["unix_socket"] = db.socket
			else:
				own.update(host=db.host or "127.0.0.1", port=int(db.port or 3306))
			with (
				pymysql.connect(**own, connect_timeout=5, read_timeout=10) as probe,
				probe.cursor() as cursor,
			):
				cursor.execute(
					"SELECT COMMAND, STATE FROM information_schema.PROCESSLIST WHERE ID = %s",
					(conn.thread_id(),),
				)
				row = cursor.fetchone()
		except Exception:
			return None
		if row and row[0] == "Query" and "lock" not in (row[1] or "").lower():
			return True
	return False


class Watchdog(threading.Thread):
	def __init__(self, stall: float = STALL):
		super().__init__(daemon=True, name="benchmark-watchdog")
		self.stall = stall
		self.main = threading.main_thread().ident
		self.cpu = self.cpu_seconds()
		self.cpu_moved = time.monotonic()
		self.fired = False

	@staticmethod
	def cpu_seconds() -> float:
		"""CPU of this process and of every process it started (a browser, a server…)."""
		try:
			return process_cpu([os.getpid()])
		except Exception:
			return time.process_time()

	def run(self) -> None:
		while not self.fired:
			time.sleep(5)
			now = time.monotonic()
			cpu = self.cpu_seconds()
			if cpu - self.cpu >= 1.0:
				self.cpu, self.cpu_moved = cpu, now
			quiet = now - max(_last_moved, self.cpu_moved)
			if quiet < self.stall:
				continue
			if _database_busy():
				moved()
				continue
			self.fired = True
			print(
				f"\n!!! STALLED: nothing moved for {quiet:.0f} s (nothing printed, no CPU used, no "
				"statement running in the database): the stacks, then the benchmark is interrupted",
				file=sys.stderr,
				flush=True,
			)
			faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
			signal.pthread_kill(self.main, signal.SIGUSR1)


def _interrupt(signum, frame):
	raise Stalled("nothing moved for a minute (see the stacks above)")


def start_watchdog() -> Watchdog:
	_track_databases()
	signal.signal(signal.SIGUSR1, _interrupt)
	watchdog = Watchdog()
	watchdog.start()
	return watchdog
