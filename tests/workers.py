# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Real processes for the delivery tests and benchmark: ``bench worker`` and ``bench execute``
on a queue Redis of their own, and campaign data committed in bulk and deleted afterwards.

The bench's queue Redis is shared by every site of the bench (and whoever else runs workers on
it): jobs there may be taken by any worker, running any code. A throwaway ``redis-server`` on
127.0.0.1 (``FRAPPE_REDIS_QUEUE``, which Frappe reads before the config files) keeps these jobs,
and delivery's shared state, between the processes started here.
"""

import contextlib
import os
import pathlib
import signal
import subprocess
import tempfile
import time

import frappe
from frappe.utils import add_days, now_datetime, today

from tests.site_cleanup import delete_for_good
from tests.smtp_server import free_port

CHECKOUT = pathlib.Path(__file__).resolve().parents[1]


class PrivateQueue:
	"""A redis-server of our own for RQ jobs (nothing saved to disk)."""

	def __init__(self):
		self.port = free_port()
		self.url = f"redis://127.0.0.1:{self.port}"
		self.directory = tempfile.mkdtemp(prefix="campaign_plus_redis_")
		self.process = None

	def start(self) -> "PrivateQueue":
		self.process = subprocess.Popen(
			[
				"redis-server",
				"--port",
				str(self.port),
				"--bind",
				"127.0.0.1",
				"--save",
				"",
				"--appendonly",
				"no",
				"--dir",
				self.directory,
			],
			stdout=subprocess.DEVNULL,
			start_new_session=True,
		)
		import redis

		for _ in range(100):
			with contextlib.suppress(Exception):
				if redis.Redis.from_url(self.url).ping():
					return self
			time.sleep(0.05)
		raise RuntimeError("the private queue Redis did not start")

	def stop(self) -> None:
		self._terminate()
		import shutil

		shutil.rmtree(self.directory, ignore_errors=True)

	def _terminate(self) -> None:
		if self.process and self.process.poll() is None:
			self.process.terminate()
			self.process.wait(10)

	def restart(self, down_for: float = 0.0) -> None:
		"""Redis restarted (no persistence: it comes back empty), after ``down_for`` seconds."""
		self._terminate()
		time.sleep(down_for)
		self.start()

	@contextlib.contextmanager
	def used_here(self):
		"""This process's frappe.enqueue and delivery state go to the private Redis meanwhile."""
		from frappe.utils import background_jobs

		previous = frappe.local.conf.redis_queue, os.environ.get("FRAPPE_REDIS_QUEUE")
		frappe.local.conf.redis_queue = self.url  # Frappe 15 reads the loaded config,
		os.environ["FRAPPE_REDIS_QUEUE"] = self.url  # Frappe 16 the files again (env first)
		background_jobs._redis_queue_conn = None
		try:
			yield
		finally:
			frappe.local.conf.redis_queue = previous[0]
			if previous[1] is None:
				os.environ.pop("FRAPPE_REDIS_QUEUE", None)
			else:
				os.environ["FRAPPE_REDIS_QUEUE"] = previous[1]
			background_jobs._redis_queue_conn = None


class Bench:
	"""``bench`` commands of one bench, running this checkout's campaign_plus."""

	def __init__(
		self,
		path: pathlib.Path,
		site: str,
		queue: PrivateQueue,
		extra_path: pathlib.Path | None = None,
		env: dict | None = None,
		python_path: list[str] | None = None,
	):
		"""``extra_path``: a folder put before this checkout on the workers' path (a benchmark's
		sitecustomize); ``env``: more environment for every process started (e.g. delivery's time
		scale); ``python_path``: more folders put first on their PYTHONPATH (e.g. a benchmark's
		probe)."""
		self.path, self.site, self.queue = pathlib.Path(path), site, queue
		self.extra_path = extra_path
		self.extra_env, self.python_path = dict(env or {}), list(python_path or [])
		self.workers: list[subprocess.Popen] = []
		self.started = 0
		self.logs = pathlib.Path(tempfile.mkdtemp(prefix="campaign_plus_workers_"))

	def _command(self, arguments: str) -> list[str]:
		env_script = self.path / "bench-env.sh"
		prefix = f"source {env_script} && " if env_script.exists() else ""
		return ["bash", "-c", f"cd {self.path} && {prefix}exec bench {arguments}"]

	def _env(self) -> dict:
		"""This checkout's code and the private queue; never ``CI``: Frappe's workers take a job for
		a test when it is set (``frappe.flags.in_test``), and these stand for production workers."""
		path = os.environ.get("PYTHONPATH")
		ours = f"{self.extra_path}{os.pathsep}{CHECKOUT}" if self.extra_path else str(CHECKOUT)
		return {
			**{key: value for key, value in os.environ.items() if key != "CI"},
			"PYTHONPATH": os.pathsep.join([*self.python_path, ours, *([path] if path else [])]),
			"FRAPPE_REDIS_QUEUE": self.queue.url,
			**self.extra_env,
		}

	def start_worker(self, queue: str = "long") -> subprocess.Popen:
		self.started += 1
		log = open(self.logs / f"worker-{self.started:03d}.log", "w")  # the worker writes it
		process = subprocess.Popen(
			self._command(f"worker --queue {queue}"),
			env=self._env(),
			stdout=log,
			stderr=subprocess.STDOUT,
			start_new_session=True,
		)
		self.workers.append(process)
		return process

	def call_command(self, function: str, *args) -> list[str]:
		"""The command running ``function`` of this checkout (tests included) on the site."""
		import json
		import shlex

		python = self.path / "env" / "bin" / "python"
		script = CHECKOUT / "tests" / "site_call.py"
		arguments = shlex.quote(json.dumps(list(args)))
		env_script = self.path / "bench-env.sh"
		prefix = f"source {env_script} && " if env_script.exists() else ""
		return [
			"bash",
			"-c",
			f"cd {self.path}/sites && {prefix}exec {python} {script} {self.site} {function} {arguments}",
		]

	def call(self, function: str, *args, timeout: int = 600):
		"""Run ``function`` of this checkout (tests included) in a process of its own: its result."""
		import json

		result = subprocess.run(
			self.call_command(function, *args),
			env=self._env(),
			capture_output=True,
			text=True,
			timeout=timeout,
		)
		if result.returncode:
			raise RuntimeError(f"{function} failed:\n{result.stdout}\n{result.stderr}")
		return json.loads(result.stdout.strip().splitlines()[-1])

	def execute(self, method: str, *args, timeout: int = 600) -> str:
		import json

		command = f"--site {self.site} execute {method}"
		if args:
			command += f" --args '{json.dumps(list(args))}'"
		result = subprocess.run(
			self._command(command), env=self._env(), capture_output=True, text=True, timeout=timeout
		)
		if result.returncode:
			raise RuntimeError(f"bench {command} failed:\n{result.stdout}\n{result.stderr}")
		return result.stdout

	@staticmethod
	def children(pid: int) -> list[int]:
		out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
		found = [int(p) for p in out.split()]
		return found + [grand for child in found for grand in Bench.children(child)]

	def kill(self, process: subprocess.Popen) -> None:
		"""SIGKILL a worker and its work horse (RQ forks one per job, in its own session)."""
		for pid in [*self.children(process.pid), process.pid]:
			with contextlib.suppress(ProcessLookupError):
				os.kill(pid, signal.SIGKILL)
		process.wait(10)

	def stop_workers(self) -> None:
		for process in self.workers:
			if process.poll() is None:
				pids = [*self.children(process.pid), process.pid]
				for pid in pids:
					with contextlib.suppress(ProcessLookupError):
						os.kill(pid, signal.SIGTERM)
				try:
					process.wait(15)
				except subprocess.TimeoutExpired:
					self.kill(process)
				for pid in pids:  # a horse left behind
					with contextlib.suppress(ProcessLookupError):
						os.kill(pid, signal.SIGKILL)
		self.workers = []

	def ensure_workers(self, count: int = 1, queue: str = "long") -> int:
		"""Start workers until ``count`` live (a supervisor's job): how many were started."""
		self.workers = [process for process in self.workers if process.poll() is None]
		started = 0
		while len(self.workers) < count:
			self.start_worker(queue)
			started += 1
		return started

	def worker_logs(self) -> str:
		return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))


def plan(*campaigns: str) -> dict:
	"""What the scheduler's planner run does, for these campaigns only (``Bench.call``): plans,
	commits, enqueues their batches. Never ``plan_all``: a test touches only what it created."""
	from campaign_plus.sending import planner

	result = planner.scheduled_run(list(campaigns))
	frappe.db.commit()
	return result


def hold_planner_lock(seconds: float, ready: str) -> str:
	"""Hold the planner lock for ``seconds`` (another process's long planner run); the file
	``ready`` is written once it is held (``Bench.call``)."""
	from campaign_plus.sending import planner

	with planner.planner_lock(0) as held:
		pathlib.Path(ready).write_text("held" if held else "busy")
		if held:
			time.sleep(float(seconds))
	return "held" if held else "busy"


def scheduler_minute(*names: str) -> int:
	"""What the scheduler does each minute for delivery, and Frappe's flush of these rows (which
	must find none of them due while delivery holds them): how many Frappe's flush took."""
	from campaign_plus.delivery import job

	job.tick()
	frappe.db.commit()
	return frappe_send(*names) if names else 0


def kill_site_connections() -> list[int]:
	"""Every connection of this site's database user but this process's own, killed (KILL
	CONNECTION): what a MariaDB restart does to the site's workers, without restarting the server
	other sites share. The ids killed."""
	own = frappe.db.sql("SELECT CONNECTION_ID()")[0][0]
	user = frappe.conf.db_user or frappe.conf.db_name
	killed = []
	for row in frappe.db.sql("SHOW PROCESSLIST", as_dict=True):
		if row.get("User") == user and row.get("Id") != own and row.get("db") == frappe.conf.db_name:
			with contextlib.suppress(Exception):
				frappe.db.sql(f"KILL CONNECTION {int(row['Id'])}")
				killed.append(int(row["Id"]))
	return killed


def site_writing() -> bool:
	"""Whether another connection of this site's database user is running a write (its
	transaction open: what :func:`kill_site_connections` should catch mid-way)."""
	own = frappe.db.sql("SELECT CONNECTION_ID()")[0][0]
	user = frappe.conf.db_user or frappe.conf.db_name
	for row in frappe.db.sql("SHOW FULL PROCESSLIST", as_dict=True):
		if row.get("User") == user and row.get("Id") != own and row.get("db") == frappe.conf.db_name:
			if (row.get("Info") or "").lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
				return True
	return False


def frappe_send(*names: str) -> int:
	"""Frappe's own flush for these Email Queue rows only (``frappe.email.queue.flush`` would send
	every row of the site): each due row through ``EmailQueue.send``, as flush does. How many."""
	due = frappe.get_all(
		"Email Queue",
		filters={"name": ("in", list(names)), "status": ("in", ["Not Sent", "Partially Sent"])},
		or_filters=[["send_after", "is", "not set"], ["send_after", "<=", now_datetime()]],
		pluck="name",
		order_by="priority desc, creation asc",
	)
	for name in due:
		frappe.get_doc("Email Queue", name).send()
	frappe.db.commit()
	return len(due)


def committed_campaign(tag: str, emails: list[str], *, batch_size: int | None = None) -> dict:
	"""A campaign with one step due today for leads with these addresses (bulk inserts, committed):
	what to delete afterwards (see :func:`delete_campaign`)."""
	now, day = now_datetime(), today()
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_CP Delivery {tag}",
			"subject": "Bonjour {{ doc.first_name }}",
			"response": "<p>Dear {{ doc.first_name }},</p><p>Our offer for you.</p>",
		}
	).insert(ignore_permissions=True)
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"_CP Delivery {tag}",
			"campaign_schedules": [{"email_template": template.name, "send_after_days": 0}],
			"cp_opt_in_rule": "Not Required",  # its leads have no consent record, whatever the site's rule
		}
	).insert(ignore_permissions=True)
	leads = [(f"CPD-{tag}-{i:06d}", f"Lead{i}", address) for i, address in enumerate(emails)]
	base = ["name", "creation", "modified", "owner", "modified_by"]
	user = "Administrator"
	frappe.db.bulk_insert(
		"Lead",
		[*base, "first_name", "lead_name", "email_id", "status"],
		[(n, now, now, user, user, first, first, address, "Lead") for n, first, address in leads],
		chunk_size=5000,
	)
	frappe.db.bulk_insert(
		"Email Campaign",
		[
			*base,
			"campaign_name",
			"email_campaign_for",
			"recipient",
			"sender",
			"start_date",
			"end_date",
			"status",
		],
		[
			(
				f"EC-{n}",
				now,
				now,
				user,
				user,
				campaign.name,
				"Lead",
				n,
				user,
				day,
				add_days(day, 0),
				"In Progress",
			)
			for n, _first, _address in leads
		],
		chunk_size=5000,
	)
	if batch_size:
		frappe.db.set_single_value("Campaign Plus Settings", "batch_size", batch_size)
	frappe.db.commit()
	return {"campaign": campaign.name, "template": template.name, "leads": [n for n, _f, _a in leads]}


def delete_campaign(data: dict) -> None:
	"""Delete what :func:`committed_campaign` made and everything sending it made (committed);
	again, a moment later, when a worker still at work made it a deadlock's victim."""
	for attempt in range(1, 6):
		try:
			return _delete_campaign(data)
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == 5:
				raise
			time.sleep(0.5 * attempt)


def _delete_campaign(data: dict) -> None:
	campaign = data["campaign"]
	queue = frappe.get_all(
		"Email Queue", filters={"reference_doctype": "Campaign", "reference_name": campaign}, pluck="name"
	)
	for chunk in frappe.utils.create_batch(queue, 1000):
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", list(chunk))})
		frappe.db.delete("Email Queue", {"name": ("in", list(chunk))})
	frappe.db.delete("Campaign Send Log", {"campaign": campaign})
	for doctype in ("Campaign Entry", "Campaign Interaction"):
		if frappe.db.table_exists(doctype):
			frappe.db.delete(doctype, {"campaign": campaign})
	frappe.db.delete("Email Campaign", {"campaign_name": campaign})
	for chunk in frappe.utils.create_batch(data["leads"], 1000):
		frappe.db.delete("Lead", {"name": ("in", list(chunk))})
	frappe.db.delete("Campaign Email Schedule", {"parent": campaign})
	frappe.db.delete("Campaign", {"name": campaign})
	if frappe.db.table_exists("UTM Campaign"):  # ERPNext 16 makes one for each Campaign
		frappe.db.delete("UTM Campaign", {"name": campaign})
	frappe.db.delete("Email Template", {"name": data["template"]})
	frappe.db.commit()


SETTINGS = "Campaign Plus Settings"


def add_sending_limit(account: str, limits=(0, 0, 0)) -> str:
	"""A row of the settings' limits for ``account``, written as a row: saving the Single would
	write every one of its fields (defaults never stored included)."""
	row = frappe.get_doc(
		{
			"doctype": "Campaign Plus Sending Limit",
			"parent": SETTINGS,
			"parenttype": SETTINGS,
			"parentfield": "sending_limits",
			"idx": 1 + frappe.db.count("Campaign Plus Sending Limit", {"parent": SETTINGS}),
			"email_account": account,
			"per_minute": limits[0],
			"per_hour": limits[1],
			"per_day": limits[2],
		}
	)
	row.db_insert()
	return row.name


@contextlib.contextmanager
def settings_values(**values):
	"""Campaign Plus Settings fields set and committed, then put back exactly as they were."""
	stored = dict(
		frappe.db.sql(
			"select field, value from `tabSingles` where doctype = %s and field in %s",
			(SETTINGS, tuple(values)),
		)
	)
	for field, value in values.items():
		frappe.db.set_single_value(SETTINGS, field, value)
	frappe.db.commit()
	try:
		yield
	finally:
		frappe.db.rollback()
		for field in values:
			if field in stored:
				frappe.db.set_single_value(SETTINGS, field, stored[field])
			else:
				frappe.db.delete("Singles", {"doctype": SETTINGS, "field": field})
		frappe.clear_cache(doctype=SETTINGS)
		frappe.db.commit()


@contextlib.contextmanager
def committed_account(server, limits=(0, 0, 0)):
	"""An outgoing Email Account for the test mail server, the one campaign emails go from, with
	its sending limits; campaigns need no opt-in meanwhile (committed, all put back afterwards)."""
	name = f"_CP Delivery {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": name,
			"email_id": f"delivery-{frappe.generate_hash(length=6)}@example.com",
			"enable_outgoing": 1,
			**server.account_values(),
		}
	).insert(ignore_permissions=True)
	add_sending_limit(name, limits)
	frappe.db.commit()
	batch_size = frappe.db.get_single_value(SETTINGS, "batch_size") or 500
	try:
		with settings_values(
			email_account=name, paced_delivery=1, opt_in_rule="Not Required", batch_size=batch_size
		):
			yield name
	finally:
		frappe.db.rollback()
		frappe.db.delete("Campaign Plus Sending Limit", {"parent": SETTINGS, "email_account": name})
		frappe.db.delete("Error Log", {"method": ("like", f"%{name}%")})
		delete_for_good("Email Account", name)
		frappe.db.commit()


def set_limits(account: str, per_minute=0, per_hour=0, per_day=0) -> None:
	frappe.db.set_value(
		"Campaign Plus Sending Limit",
		{"parent": SETTINGS, "email_account": account},
		{"per_minute": per_minute, "per_hour": per_hour, "per_day": per_day},
	)
	frappe.db.commit()


def wait_for(condition, timeout: float, every: float = 0.5, what: str = "") -> float:
	"""Poll ``condition`` until true; the seconds it took (AssertionError after ``timeout``)."""
	start = time.monotonic()
	while not condition():
		if time.monotonic() - start > timeout:
			raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
		time.sleep(every)
	return time.monotonic() - start
