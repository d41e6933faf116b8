# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: a campaign at scale, end to end — then the desk's pages over a big Send Log.

    benchmarks/run scale --recipients 100000

- A campaign whose segment holds N leads, one step due today; ``--table-rows`` rows in the Send
  Log altogether (the other rows: past campaigns, ``--history`` of them, sent, some opened and
  clicked; kept for the next run with ``--keep-history``).
- The scheduler's work as the scheduler does it: the planner enqueued on the ``default`` queue
  (its timeout there: 300 s), the send batches and delivery on ``long``, the delivery tick every
  minute — run by ``--workers`` real ``bench worker`` processes (every queue, on a queue Redis of
  their own) to a mail server on 127.0.0.1 (STARTTLS and AUTH) that accepts everything.
- Printed as it goes, then in a summary: the time from the planner's enqueue to the last accepted
  message (target ≤ 8 min for 100,000 with 2 workers), the peak memory (RSS) of the planner's
  job and of each worker (its own process and the work horses it forked for jobs; target: no
  process over 1 GB), the longest job of each kind against its timeout (target: none over half
  of it), the database statements of every job, the Redis keys left behind (ours, and RQ's own
  finished jobs, which RQ keeps 10 minutes); then the Campaign form, the Send Log list filtered
  by the campaign and the Campaign ROI report, timed in headless Chromium as a user opens them
  (target ≤ 1 s each; served by gunicorn with 2 workers, as in production).

Everything it made is deleted at the end (the history too, unless ``--keep-history``). Absolute
figures only mean something on a quiet machine: the load is printed before and after.
"""

import argparse
import collections
import json
import pathlib
import random
import subprocess
import sys
import time

import _probe
import frappe
from _drive import Scheduler, process_cpu, say, wait
from _site import insert_leads, refuse_unless_allowed
from _web import WebServer
from frappe.utils import add_days, now_datetime

CHECKOUT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT))

from delivery import diagnosis, start_workers, wait_for_messages

from tests.smtp_server import MailServer
from tests.workers import Bench, PrivateQueue, committed_account

HISTORY = "_Bench Scale History"
PLANNER = "campaign_plus.sending.planner.scheduled_run"
GB = 1024 * 1024  # kB


# --- data ---------------------------------------------------------------------------------------


def history_campaigns() -> list[str]:
	return frappe.get_all("Campaign", filters={"campaign_name": ("like", f"{HISTORY} %")}, pluck="name")


def ensure_history(rows: int, campaigns: int) -> list[str]:
	"""Past campaigns' Send Log rows up to ``rows`` (made once, reused with --keep-history)."""
	from campaign_plus.utils.db import insert_many, ordered_names

	existing = history_campaigns()
	have = frappe.db.count("Campaign Send Log", {"campaign": ("in", existing)}) if existing else 0
	if have >= rows:
		say(f"history: {have} Send Log rows of {len(existing)} past campaigns, reused")
		return existing
	say(f"history: writing {rows - have} Send Log rows of {campaigns} past campaigns…")
	made = list(existing)
	rng = random.Random(26)
	per_campaign = -(-(rows - have) // campaigns)
	now = now_datetime()
	columns = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "campaign", "schedule_row",
		"step_idx", "party_type", "party", "email", "status", "due_date", "sent_on", "tracking", "opens",
		"clicks"]  # fmt: skip
	left = rows - have
	for number in range(campaigns):
		if left <= 0:
			break
		campaign = frappe.get_doc(
			{"doctype": "Campaign", "campaign_name": f"{HISTORY} {frappe.generate_hash(length=6)}"}
		).insert(ignore_permissions=True)
		made.append(campaign.name)
		count = min(per_campaign, left)
		day = add_days(now, -30 * (number + 1))
		for start in range(0, count, 50_000):
			size = min(50_000, count - start)
			values = []
			for i, name in zip(range(start, start + size), ordered_names(size), strict=True):
				opens = rng.choice((0, 0, 0, 1, 2))
				values.append((name, day, day, "Administrator", "Administrator", 0, campaign.name, "hist-step", 1,
					"Lead", f"HIST-{number}-{i:07d}", f"h{i}@hist{number}.example.com", "Sent", day.date(), day,
					"Individual", opens, int(opens > 1)))  # fmt: skip
			insert_many("Campaign Send Log", columns, values)
			frappe.db.commit()
			say(f"  history: {start + size} / {count} rows of {campaign.name}")
		left -= count
	return made


def delete_history(campaigns: list[str]) -> None:
	for campaign in campaigns:
		while True:
			frappe.db.sql("DELETE FROM `tabCampaign Send Log` WHERE campaign = %s LIMIT 50000", campaign)
			deleted = frappe.db._cursor.rowcount
			frappe.db.commit()
			if not deleted:
				break
		frappe.db.delete("Campaign", {"name": campaign})
		frappe.db.commit()


def make_campaign(tag: str, n: int) -> dict:
	"""N leads, their segment, a campaign with one step due today (committed)."""
	from campaign_plus.segments import actions

	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_Bench Scale {tag}",
			"subject": "Bonjour {{ doc.first_name }}",
			"response": '<p>Dear {{ doc.first_name }},</p><p>Our offer: <a href="https://shop.example.com/offer">'
			'see it</a>, <a href="https://shop.example.com/catalogue.pdf">the catalogue</a>.</p>',
		}
	).insert(ignore_permissions=True)
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"_Bench Scale {tag}",
			"campaign_schedules": [{"email_template": template.name, "send_after_days": 0}],
			"cp_opt_in_rule": "Not Required",  # its leads have no consent record, whatever the site's rule
		}
	).insert(ignore_permissions=True)
	leads = insert_leads(f"BSC-{tag}", n, city=f"bench-{tag}")
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"_Bench Scale {tag}", "campaign": campaign.name}
	).insert(ignore_permissions=True)
	added = actions.apply_criteria(segment.name, "Add", "Lead", {"city": f"bench-{tag}"})
	assert added["added"] == n, added
	frappe.db.commit()
	return {
		"campaign": campaign.name,
		"template": template.name,
		"segment": segment.name,
		"leads": [name for name, _first, _email in leads],
	}


def delete_campaign(data: dict) -> None:
	frappe.db.rollback()
	campaign = data["campaign"]
	queue = frappe.get_all(
		"Email Queue", filters={"reference_doctype": "Campaign", "reference_name": campaign}, pluck="name"
	)
	for chunk in frappe.utils.create_batch(queue, 5000):
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", list(chunk))})
		frappe.db.delete("Email Queue", {"name": ("in", list(chunk))})
		frappe.db.commit()
	for doctype in ("Campaign Send Log", "Campaign Engagement Event", "Campaign Link Set", "Campaign Entry",
		"Campaign Interaction", "Campaign Step Engagement"):  # fmt: skip
		frappe.db.delete(doctype, {"campaign": campaign})
		frappe.db.commit()
	for doctype in ("Campaign Segment Member", "Campaign Segment Change", "Campaign Segment Step"):
		frappe.db.delete(doctype, {"segment": data["segment"]})
	frappe.db.delete("Campaign Segment", {"name": data["segment"]})
	for chunk in frappe.utils.create_batch(data["leads"], 5000):
		frappe.db.delete("Lead", {"name": ("in", list(chunk))})
	frappe.db.delete("Campaign Email Schedule", {"parent": campaign})
	frappe.db.delete("Campaign", {"name": campaign})
	frappe.db.delete("Email Template", {"name": data["template"]})
	frappe.db.commit()


# --- measuring ----------------------------------------------------------------------------------


def redis_keys() -> dict:
	"""The queue Redis's keys now: ours (with / without expiry), RQ's jobs, the rest."""
	from campaign_plus.delivery import store

	connection = store.redis()
	counts = collections.Counter()
	for key in connection.scan_iter(count=1000):
		key = key.decode()
		if key.startswith("rq:campaign_plus:"):
			kind = "campaign_plus (expiring)" if connection.ttl(key) > 0 else "campaign_plus (kept)"
		elif key.startswith("rq:job:"):
			kind = "RQ jobs (kept 10 min)"
		else:
			kind = "RQ other"
		counts[kind] += 1
	ours = sorted(k.decode() for k in connection.scan_iter("rq:campaign_plus:*", count=1000))
	return {"counts": dict(counts), "ours": ours[:20]}


def memory(folder: str, workers: list) -> dict:
	"""Peak RSS (MB) of each worker: its own process and the highest of the horses it forked."""
	import psutil

	records = _probe.records(folder)
	by_pid = {record["pid"]: record for record in records}
	worker_pids = {}
	for number, process in enumerate(workers, start=1):
		try:
			tree = [process.pid, *(p.pid for p in psutil.Process(process.pid).children(recursive=True))]
		except psutil.Error:
			tree = [process.pid]
		for pid in tree:
			worker_pids[pid] = number
	peaks = collections.defaultdict(lambda: {"worker": 0, "horses": 0})
	for pid, number in worker_pids.items():  # the worker processes themselves: their peak so far
		try:
			status = pathlib.Path(f"/proc/{pid}/status").read_text()
			kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
			peaks[number]["worker"] = max(peaks[number]["worker"], kb / 1024)
		except (OSError, StopIteration, ValueError):
			continue
	for record in records:
		number = worker_pids.get(record["pid"]) or worker_pids.get(record["ppid"])
		if number is None:
			continue
		kind = "horses" if record.get("jobs") and record["pid"] not in worker_pids else "worker"
		peaks[number][kind] = max(peaks[number][kind], record["maxrss_kb"] / 1024)
	return {
		"workers": dict(peaks),
		"highest": max((r["maxrss_kb"] for r in by_pid.values()), default=0) / 1024,
	}


def folder_for_pages() -> str:
	import tempfile

	return tempfile.mkdtemp(prefix="campaign_plus_pages_")


def pages(bench_path, queue, site: str, campaign: str, password: str, runs: int) -> list[dict]:
	"""The pages timed in Chromium. Frappe turns a script report that ran over 15 s into a prepared
	report (queued, answered later): the report's setting is put back as it was afterwards."""
	prepared = frappe.db.get_value("Report", "Campaign ROI", "prepared_report")
	try:
		return _pages(bench_path, queue, site, campaign, password, runs)
	finally:
		frappe.db.rollback()
		if frappe.db.get_value("Report", "Campaign ROI", "prepared_report") != prepared:
			say("!!! a run of the ROI report took over 15 s: Frappe made it a prepared report (put back)")
			frappe.db.set_value("Report", "Campaign ROI", "prepared_report", prepared, update_modified=False)
			frappe.db.commit()


def _pages(bench_path, queue, site: str, campaign: str, password: str, runs: int) -> list[dict]:
	server = WebServer(
		bench_path,
		queue,
		_probe.directory("pages"),
		app="served:application",
		env={"CAMPAIGN_PLUS_SITE": site},
	)
	try:
		server.wait_ready(site)
		specs = [
			f"Campaign form|form|Campaign/{campaign}|",
			f"Send Log list, this campaign|list|Campaign Send Log|{json.dumps({'campaign': campaign})}",
			"Campaign ROI report|report|Campaign ROI|",
		]
		output = pathlib.Path(folder_for_pages()) / "pages.jsonl"
		with open(output, "w") as out:
			browser = subprocess.Popen(
				[
					"python3",
					str(CHECKOUT / "benchmarks" / "_pages.py"),
					server.url,
					password,
					str(runs),
					*specs,
				],
				stdout=out,
				stderr=subprocess.STDOUT,
				text=True,
				start_new_session=True,
			)
		seen = []

		def finished() -> bool:
			lines = [line for line in output.read_text().splitlines() if line.startswith("{")]
			for line in lines[len(seen) :]:
				seen.append(json.loads(line))
				say(f"  {seen[-1]['page']}: median {seen[-1]['median']} ms")
			return browser.poll() is not None

		try:
			wait(finished, lambda: (len(seen), process_cpu([browser.pid, server.process.pid])), "the pages")
		finally:
			if browser.poll() is None:
				browser.kill()
				browser.wait()
		if browser.returncode:
			raise RuntimeError(f"the pages could not be timed:\n{output.read_text()[-3000:]}")
		return seen
	finally:
		server.stop()


# --- the run ------------------------------------------------------------------------------------


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--recipients", type=int, default=100_000)
	parser.add_argument("--workers", type=int, default=2)
	parser.add_argument("--table-rows", type=int, default=1_000_000, help="Send Log rows in the table")
	parser.add_argument("--history", type=int, default=9, help="past campaigns holding the other rows")
	parser.add_argument("--keep-history", action="store_true", help="keep the past campaigns' rows")
	parser.add_argument("--page-runs", type=int, default=5)
	parser.add_argument("--skip-pages", action="store_true")
	parser.add_argument(
		"--password", default=__import__("os").environ.get("FRAPPE_ADMIN_PASSWORD") or "admin"
	)
	args = parser.parse_args()

	refuse_unless_allowed(args.site)
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	bench_path = pathlib.Path(".").resolve().parent
	queue = PrivateQueue().start()
	server = MailServer(python=sys.executable).start()
	folder = _probe.directory("scale")
	bench = Bench(bench_path, args.site, queue, env=_probe.env(folder), python_path=[str(_probe.PROBE)])
	n, data, history, summary = args.recipients, None, [], []
	try:
		history = ensure_history(max(args.table_rows - n, 0), args.history)
		with committed_account(server), queue.used_here():
			tag = frappe.generate_hash(length=6)
			say(f"data: {n} leads in a segment, a campaign with one step due today…")
			begun = time.monotonic()
			data = make_campaign(tag, n)
			say(f"  ready in {time.monotonic() - begun:.0f} s: {data['campaign']}")
			start_workers(bench, args.workers)
			start_line = len(server.accepted())
			started = time.time()
			# the scheduler's 15-minute event, as Frappe's scheduler enqueues it (default queue)
			frappe.enqueue(
				PLANNER, queue="default", job_id=f"scheduled_job::{PLANNER}", campaigns=[data["campaign"]]
			)
			scheduler = Scheduler([data["campaign"]])
			wait_for_messages(
				bench, server, n, start_line, f"{n} messages, {args.workers} workers", scheduler
			)
			accepted = server.accepted()[start_line:]
			last = max(row["t"] for row in accepted) - started
			first = min(row["t"] for row in accepted) - started
			twice = sum(c > 1 for c in collections.Counter(r["message_id"] for r in accepted).values())
			summary.append(f"time to the last accepted message: {last:.0f} s = {last / 60:.1f} min for {n} "
			               f"({n / last:.0f}/s; the first after {first:.0f} s), {twice} accepted twice "
			               f"(target ≤ 8 min)")  # fmt: skip
			say(summary[-1])

			def left() -> int:
				frappe.db.rollback()
				return frappe.db.count(
					"Email Queue",
					{"reference_name": data["campaign"], "status": ("not in", ["Sent", "Error"])},
				)

			wait(
				lambda: not left(),
				left,
				"every row recorded",
				scheduler=scheduler,
				diagnose=lambda: diagnosis(bench),
			)
			from campaign_plus.sending import planner

			planner.sync_ledger([data["campaign"]])  # the scheduler's 5 minutes, this campaign only
			scheduler.run("campaign_plus.delivery.job.tick")

			def jobs_left() -> int:
				from frappe.utils.background_jobs import get_queue

				return sum(
					get_queue(q).count + get_queue(q).started_job_registry.count
					for q in ("short", "default", "long")
				)

			wait(lambda: not jobs_left(), jobs_left, "the last jobs", diagnose=lambda: diagnosis(bench))
			time.sleep(1)
			by_function = _probe.by_function(folder)
			planner_job = by_function.get(PLANNER, {})
			peaks = memory(folder, bench.workers)
			summary.append(f"peak memory: the planner's job {planner_job.get('maxrss_kb', 0) / 1024:.0f} MB; "
			               + "; ".join(f"worker {w}: itself {p['worker']:.0f} MB, its jobs up to {p['horses']:.0f} MB"
			                           for w, p in sorted(peaks["workers"].items()))
			               + f" (target: no process over 1024 MB; the highest {peaks['highest']:.0f} MB)")  # fmt: skip
			say(summary[-1])
			worst = max(
				by_function.items(), key=lambda item: item[1]["longest"] / (item[1]["timeout"] or 1e9)
			)
			for func, entry in sorted(by_function.items(), key=lambda item: -item[1]["sql"]):
				say(f"  {func}: {entry['jobs']} jobs, {entry['sql']} statements, {entry['cpu']:.0f} s of CPU "
				    f"({entry['cpu'] / n * 1000:.2f} ms per recipient), the longest {entry['longest']:.1f} s of its "
				    f"{entry['timeout']} s timeout, up to {entry['maxrss_kb'] / 1024:.0f} MB")  # fmt: skip
			total_sql = sum(entry["sql"] for entry in by_function.values())
			total_cpu = sum(entry["cpu"] for entry in by_function.values())
			server_cpu = process_cpu([server.process.pid])
			summary.append(f"CPU: the jobs {total_cpu:.0f} s ({total_cpu / n * 1000:.1f} ms per recipient), the "
			               f"mail server {server_cpu:.0f} s; on {args.workers} quiet cores the jobs alone would take "
			               f"{total_cpu / args.workers / 60:.1f} min (MariaDB's share not counted)")  # fmt: skip
			say(summary[-1])
			summary.append(f"longest job against its timeout: {worst[0]} {worst[1]['longest']:.1f} s of "
			               f"{worst[1]['timeout']} s ({worst[1]['longest'] / worst[1]['timeout']:.0%}; target ≤ 50 %); "
			               f"SQL statements of all jobs: {total_sql} ({total_sql / n:.1f} per recipient)")  # fmt: skip
			say(summary[-1])
			keys = redis_keys()
			summary.append(
				f"Redis keys left: {keys['counts']}" + (f" — ours: {keys['ours']}" if keys["ours"] else "")
			)
			say(summary[-1])
			bench.stop_workers()

			if not args.skip_pages:
				say(
					f"pages ({args.page_runs} opens each, in Chromium; {args.table_rows} rows in the Send Log)…"
				)
				for page in pages(
					bench_path, queue, args.site, data["campaign"], args.password, args.page_runs
				):
					summary.append(f"{page['page']}: median {page['median']} ms (runs {page['runs']}; "
					               f"{page['requests']} requests, slowest {page['slowest']}; target ≤ 1000 ms)")  # fmt: skip
					say(summary[-1])
	finally:
		bench.stop_workers()
		steps = []
		if data:
			steps.append(("the campaign's data", lambda: delete_campaign(data)))
		if history and not args.keep_history:
			steps.append(("the history", lambda: delete_history(history)))
		elif history:
			say(f"the history is kept: {len(history)} campaigns named '{HISTORY} …' (--keep-history)")
		for what, step in steps:  # each tried, whatever the others did
			say(f"deleting {what}…")
			try:
				step()
			except Exception as error:
				say(f"!!! deleting {what} failed: {error!r}")
		server.cleanup()
		queue.stop()
		frappe.destroy()
	say("summary:")
	for line in summary:
		say(f"  {line}")


if __name__ == "__main__":
	main()
