# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A background job that goes on with the next job of its kind, in the same process.

Frappe's worker forks a new process for every job, which then starts Frappe for the site
(``frappe.init``, ``frappe.connect``) and imports the job's module and, for the campaign jobs,
Frappe's email stack: 0.2 to 0.3 s of CPU before the job's own work (measured on both benches).
A campaign of 10,000 recipients makes 40 jobs (send batches and deliveries of 500 each), and
that start-up costs as much CPU as delivering 4,000 messages.

So when the job at the head of its queue (the one this worker would run next) runs the same
method, for the same site and user, the running job takes it off the queue and runs it itself:
same order, no new process. It does so only while the queues Frappe's workers serve before this
one are empty, and only within :data:`BUDGET` seconds of the job's own start (far from any
job's timeout: a job taken then runs no longer than its own job would). Each job taken is
committed as Frappe's worker commits a job. Taking a job off the queue is one atomic ``LREM``: when two workers reach for the same
job only one gets it, and the job never runs twice. If this process dies while it runs a job it
took, that job is lost as a killed job is: the callers' work is idempotent and comes back (a
campaign's planned rows are sent by its next batches, a delivery work item by the minute tick).
Outside a worker (tests, ``frappe.enqueue(now=True)``) nothing is taken.
"""

import time
from collections.abc import Callable, Iterator

import frappe

BUDGET = 60.0  # seconds from the job's start during which it may take the next job
EXECUTE_JOB = "frappe.utils.background_jobs.execute_job"


def current_job():
	"""The RQ job this process runs (None outside a worker)."""
	try:
		from rq import get_current_job

		return get_current_job()
	except Exception:
		return None


def take_next(current, method: str) -> dict | None:
	"""The keyword arguments of the job at the head of ``current``'s queue when it runs
	``method`` for this site and user, once taken off the queue (by this caller only); else None."""
	from frappe.utils.background_jobs import get_queue_list
	from rq.exceptions import NoSuchJobError
	from rq.job import Job
	from rq.queue import Queue

	connection = current.connection
	served_first = get_queue_list(build_queue_name=True)
	if current.origin in served_first:
		for name in served_first[: served_first.index(current.origin)]:
			if Queue(name, connection=connection).count:
				return None  # a worker would take that job first
	queue = Queue(current.origin, connection=connection)
	head = queue.get_job_ids(0, 1)
	if not head:
		return None
	try:
		job = Job.fetch(head[0], connection=connection)
	except NoSuchJobError:
		return None
	kwargs = job.kwargs or {}
	ours = current.kwargs or {}
	if (
		job.func_name != EXECUTE_JOB
		or kwargs.get("method") != method
		or kwargs.get("site") != frappe.local.site
		or kwargs.get("user") != ours.get("user")
		or not kwargs.get("is_async", True)
	):
		return None
	if not queue.remove(job.id):
		return None  # another worker took it meanwhile
	job.delete(remove_from_queue=False)
	return dict(kwargs.get("kwargs") or {})


def following(method: str, started: float, budget: float = BUDGET) -> Iterator[dict]:
	"""The keyword arguments of each next job of ``method`` this job takes off its queue, until
	``budget`` seconds after ``started`` (the job's start, ``time.monotonic()``)."""
	current = current_job()
	if current is None:
		return
	while time.monotonic() - started < budget:
		try:
			kwargs = take_next(current, method)
		except Exception:  # the queue Redis away: the next jobs run as they would have
			return
		if kwargs is None:
			return
		frappe.local.message_log = []
		yield kwargs


def go_on(method: str, run: Callable[..., object], started: float, budget: float = BUDGET) -> int:
	"""Run each next job of ``method`` taken off the queue with ``run(**kwargs)``, committed as
	Frappe's worker commits a job: how many ran. A failure is handled as that worker handles a
	failed job (rolled back, logged) and ends the run of jobs: the next ones stay in the queue for
	any worker. ``started``: the job's start (``time.monotonic()``), for :data:`BUDGET`."""
	done = 0
	for kwargs in following(method, started, budget):
		try:
			run(**kwargs)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=method)
			frappe.db.commit()
			return done
		frappe.db.commit()
		done += 1
	return done
