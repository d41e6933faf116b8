# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A probe in the processes a benchmark starts (workers, web servers, a planner run): Python
imports this module at start-up when ``benchmarks/probe`` is on ``PYTHONPATH``; it does nothing
unless ``CAMPAIGN_PLUS_PROBE`` names a directory.

It counts what each process sends to the database — every statement the driver sends (PyMySQL's,
Frappe 15; mysqlclient's, Frappe 16), ``COMMIT``, ``ROLLBACK`` and ``SET`` included: what the
server receives, not only ``frappe.db.sql`` calls; those connection and transaction statements
also apart — and every connection it opens — and records each RQ job it runs: function, timeout, seconds,
statements, and the process's peak resident memory (``ru_maxrss``) at the job's end. It writes
``<directory>/<pid>.json`` at most every second while statements flow, after each job and when
the process ends (RQ's work horse ends with ``os._exit``: that too). A forked process (RQ's work
horse, a gunicorn worker) starts its own counts.

With ``CAMPAIGN_PLUS_PROFILE`` set to job functions' names, comma-separated
(``campaign_plus.delivery.job.deliver``), each job of those functions runs under cProfile, its
statistics written to ``<directory>/<function>-<job id>.prof``.

Benchmark-only: never on a production path.
"""

import atexit
import json
import os
import resource
import sys
import time

DIRECTORY = os.environ.get("CAMPAIGN_PLUS_PROBE")
PROFILE = [name for name in os.environ.get("CAMPAIGN_PLUS_PROFILE", "").split(",") if name]
COM_QUERY = 3
# statements that set up a connection or end / begin a transaction, touching no table
CONTROL = (b"SET ", b"ROLLBACK", b"COMMIT", b"START TRANSACTION", b"BEGIN")


class _State:
	def __init__(self):
		self.reset()

	def reset(self):
		self.pid = os.getpid()
		self.started = time.time()
		self.sql = 0
		self.control = 0  # of which connection and transaction statements
		self.connections = 0
		self.jobs = []
		self.requests = {}  # kind: [requests, statements] (a web server's hooks say which)
		self.written = 0.0


_state = _State()


def statements() -> int:
	return _state.sql


def control_statements() -> int:
	return _state.control


def count_request(kind: str, statements_: int, control: int = 0) -> None:
	"""A request of ``kind`` ran ``statements_`` statements, ``control`` of them connection and
	transaction statements (called by a web server's hook)."""
	counts = _state.requests.setdefault(kind, [0, 0, 0])
	counts[0] += 1
	counts[1] += statements_
	counts[2] += control
	write(force=False)


def _cpu() -> float:
	usage = resource.getrusage(resource.RUSAGE_SELF)
	return usage.ru_utime + usage.ru_stime


def _maxrss_kb() -> int:
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def write(force: bool = True) -> None:
	now = time.monotonic()
	if not force and now - _state.written < 1.0:
		return
	_state.written = now
	record = {
		"pid": os.getpid(),
		"ppid": os.getppid(),
		"argv": sys.argv,
		"started": _state.started,
		"ended": time.time(),
		"sql": _state.sql,
		"connections": _state.connections,
		"maxrss_kb": _maxrss_kb(),
		"jobs": _state.jobs,
		"requests": _state.requests,
	}
	path = os.path.join(DIRECTORY, f"{os.getpid()}.json")
	try:
		with open(path + ".tmp", "w") as file:
			json.dump(record, file)
		os.replace(path + ".tmp", path)
	except (OSError, TypeError, ValueError):
		pass


def _count(sql) -> None:
	_state.sql += 1
	text = sql if isinstance(sql, bytes | bytearray) else str(sql).encode(errors="replace")
	if text.lstrip()[:17].upper().startswith(CONTROL):
		_state.control += 1
	write(force=False)


def _install_sql() -> None:
	try:
		from pymysql import connections
	except ImportError:
		connections = None
	if connections:
		execute, connect = connections.Connection._execute_command, connections.Connection.connect

		def _execute_command(self, command, sql):
			if command == COM_QUERY:
				_count(sql)
			return execute(self, command, sql)

		def _connect(self, *args, **kwargs):
			_state.connections += 1
			return connect(self, *args, **kwargs)

		connections.Connection._execute_command = _execute_command
		connections.Connection.connect = _connect
	try:
		from MySQLdb import connections as mysqlclient  # Frappe 16's driver
	except ImportError:
		return
	query, init = mysqlclient.Connection.query, mysqlclient.Connection.__init__

	def _query(self, sql):
		_count(sql)
		return query(self, sql)

	def _init(self, *args, **kwargs):
		_state.connections += 1
		return init(self, *args, **kwargs)

	mysqlclient.Connection.query = _query
	mysqlclient.Connection.__init__ = _init


def _install_jobs() -> None:
	try:
		from rq.job import Job
	except ImportError:
		return
	perform = Job.perform

	def _perform(self):
		begun, sql, cpu = time.monotonic(), _state.sql, _cpu()
		kwargs = self.kwargs or {}
		func = str(kwargs.get("job_name") or kwargs.get("method") or self.func_name)
		profiler = None
		if func in PROFILE:
			import cProfile

			profiler = cProfile.Profile()
			profiler.enable()
		try:
			return perform(self)
		finally:
			if profiler:
				profiler.disable()
				profiler.dump_stats(os.path.join(DIRECTORY, f"{func}-{self.id}.prof".replace("/", "_")))
			_state.jobs.append(
				{
					"id": self.id,
					"func": func,
					"timeout": self.timeout,
					"seconds": time.monotonic() - begun,
					"cpu": _cpu() - cpu,
					"sql": _state.sql - sql,
					"maxrss_kb": _maxrss_kb(),
				}
			)
			write()

	Job.perform = _perform


def _install() -> None:
	os.makedirs(DIRECTORY, exist_ok=True)
	_install_sql()
	_install_jobs()
	os.register_at_fork(after_in_child=_state.reset)
	atexit.register(write)
	original_exit = os._exit

	def _exit(code):
		write()
		original_exit(code)

	os._exit = _exit


if DIRECTORY:
	try:
		_install()
	except Exception as error:  # a probe never breaks the process it watches
		print(f"campaign_plus probe not installed: {error!r}", file=sys.stderr)


def read(directory: str) -> list[dict]:
	"""Every record the processes wrote (for the benchmark)."""
	records = []
	for name in sorted(os.listdir(directory)):
		if name.endswith(".json"):
			try:
				with open(os.path.join(directory, name)) as file:
					records.append(json.load(file))
			except (OSError, ValueError):
				continue
	return records
