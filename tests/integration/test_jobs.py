# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A job going on with the next job of its kind (campaign_plus.utils.jobs), on a queue Redis of
the test's own: which job it takes off the queue, which it leaves for any worker, and how a
failure or the time budget ends the run. Nothing here runs a job's method: the jobs are made
with frappe.enqueue and no worker serves that queue."""

import time

import frappe
import pytest
from frappe.utils.background_jobs import get_queue
from rq.job import Job

from campaign_plus.delivery.handover import JOB_METHOD
from campaign_plus.sending.planner import BATCH_METHOD
from campaign_plus.utils import jobs
from tests.workers import PrivateQueue


@pytest.fixture(scope="module")
def private_queue(site):
	queue = PrivateQueue().start()
	try:
		yield queue
	finally:
		queue.stop()


@pytest.fixture
def rq(private_queue):
	"""This process's jobs go to the private queue Redis, emptied before each test."""
	with private_queue.used_here():
		connection = get_queue("long").connection
		connection.flushdb()  # the test's own redis-server: nothing else lives there
		yield connection


def enqueue(method: str, queue: str = "long", **kwargs) -> Job:
	return frappe.enqueue(method, queue=queue, timeout=600, **kwargs)


def running(job: Job) -> Job:
	"""``job`` as the worker that dequeued it sees it: off its queue."""
	get_queue("long").remove(job.id)
	return Job.fetch(job.id, connection=job.connection)


def waiting() -> list[str]:
	return get_queue("long").get_job_ids()


def test_the_next_job_of_the_same_method_site_and_user_is_taken_off_the_queue_once(rq):
	first = enqueue(JOB_METHOD, token="a")
	second = enqueue(JOB_METHOD, token="b")
	third = enqueue(JOB_METHOD, token="c")
	other = enqueue(BATCH_METHOD, campaign="x", names=["n"])
	current = running(first)

	assert jobs.take_next(current, JOB_METHOD) == {"token": "b"}
	assert waiting() == [third.id, other.id]
	assert not Job.exists(second.id, connection=rq)  # gone: no worker runs it again
	assert jobs.take_next(current, JOB_METHOD) == {"token": "c"}
	# the head is another method: left for any worker, as every job behind it
	assert jobs.take_next(current, JOB_METHOD) is None
	assert waiting() == [other.id]
	assert Job.exists(other.id, connection=rq)


def test_a_job_of_another_site_or_user_or_behind_a_queue_served_first_is_left(rq):
	first = enqueue(JOB_METHOD, token="a")
	next_one = enqueue(JOB_METHOD, token="b")
	current = running(first)

	job = Job.fetch(next_one.id, connection=rq)
	kept = dict(job.kwargs)
	for field, value in (("site", "another.site"), ("user", "someone@example.com")):
		job.kwargs = {**kept, field: value}  # (assigned: RQ saves a new value only)
		job.save()
		assert jobs.take_next(current, JOB_METHOD) is None
		assert waiting() == [next_one.id]
	job.kwargs = kept
	job.save()

	short = enqueue("frappe.ping", queue="short")  # a worker would take that one first
	assert jobs.take_next(current, JOB_METHOD) is None
	assert waiting() == [next_one.id]
	get_queue("short").remove(short.id)
	assert jobs.take_next(current, JOB_METHOD) == {"token": "b"}
	assert jobs.take_next(current, JOB_METHOD) is None  # an empty queue


def test_a_job_another_worker_took_meanwhile_is_not_run_here(rq, monkeypatch):
	first = enqueue(JOB_METHOD, token="a")
	next_one = enqueue(JOB_METHOD, token="b")
	current = running(first)
	queue_class = type(get_queue("long"))
	remove = queue_class.remove

	def taken_first(self, job_or_id, *args, **kwargs):
		remove(self, job_or_id, *args, **kwargs)  # another worker dequeued it just before
		return remove(self, job_or_id, *args, **kwargs)

	monkeypatch.setattr(queue_class, "remove", taken_first)
	assert jobs.take_next(current, JOB_METHOD) is None
	assert Job.exists(next_one.id, connection=rq)  # the other worker's to run


def test_go_on_runs_the_taken_jobs_in_order_and_a_failure_ends_the_run(rq, monkeypatch):
	first = enqueue(JOB_METHOD, token="a")
	for token in ("b", "c", "d", "e"):
		enqueue(JOB_METHOD, token=token)
	monkeypatch.setattr(jobs, "current_job", lambda: running(first))
	ran = []

	def run(token):
		ran.append(token)
		if token == "c":
			raise RuntimeError("a failed job")

	assert jobs.go_on(JOB_METHOD, run, time.monotonic()) == 1
	assert ran == ["b", "c"]
	# the failure logged as Frappe's worker logs a failed job; the next jobs stay for any worker
	assert frappe.get_all("Error Log", filters={"method": JOB_METHOD}, pluck="name")
	assert [Job.fetch(i, connection=rq).kwargs["kwargs"]["token"] for i in waiting()] == ["d", "e"]


def test_go_on_takes_nothing_past_its_budget_or_outside_a_worker(rq, monkeypatch):
	first = enqueue(JOB_METHOD, token="a")
	enqueue(JOB_METHOD, token="b")
	ran = []
	assert jobs.go_on(JOB_METHOD, lambda token: ran.append(token), time.monotonic()) == 0  # no worker
	current = running(first)
	monkeypatch.setattr(jobs, "current_job", lambda: current)
	started_long_ago = time.monotonic() - jobs.BUDGET - 1
	assert jobs.go_on(JOB_METHOD, lambda token: ran.append(token), started_long_ago) == 0
	assert ran == [] and len(waiting()) == 1
	assert jobs.go_on(JOB_METHOD, lambda token: ran.append(token), time.monotonic()) == 1
	assert ran == ["b"] and waiting() == []
