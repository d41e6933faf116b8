# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: time to inbox — N recipients, one step due, real RQ workers, a mail server on
127.0.0.1 requiring STARTTLS and AUTH (aiosmtpd, throwaway certificate) counting what it accepts.

    benchmarks/run delivery --recipients 10000

- campaign_plus: seconds from the planner's start to the last message accepted, with 1 and
  with 2 ``bench worker`` processes (this checkout's code, on a queue Redis of their own);
- the floor, in the same run: the same messages (as stored by the send batches) pushed by a plain
  client (smtplib) through one session to the same server — the time no delivery can beat; each
  worker count against it (targets: one worker within 3x, two within 2x);
- Frappe's own path in the same run: the same N Email Queue rows set back to Not Sent and sent
  by ``frappe.email.queue.flush`` back to back (its measured send time), and the time the
  scheduler would take at 500 rows every 240 s;
- pacing: a limit of 600 a minute, two workers, a few minutes' worth of messages: the measured
  rate, and the most messages in any 60 seconds;
- ``--profile``: one more run with 1 worker under cProfile (each delivery job; a separate run,
  profiling slows it): the functions that cost the most per message.

Unlike the other benchmarks it commits (the workers must see the data): everything it made is
deleted at the end. The machine's load is printed: other work on it slows every figure.

It drives itself: while it waits, the scheduler's events run at their cadence (the delivery tick
every minute: paced items that fell due are enqueued again, as on a site with its scheduler),
figures are printed as they come, and a wait where nothing moves for a minute fails loudly
(see _drive.py).
"""

import argparse
import collections
import math
import os
import pathlib
import sys
import time

import frappe
from _drive import Scheduler, process_cpu, say, wait

CHECKOUT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT))

from _site import refuse_unless_allowed

from tests.smtp_server import MailServer
from tests.workers import (
	Bench,
	PrivateQueue,
	committed_account,
	committed_campaign,
	delete_campaign,
	frappe_send,
	set_limits,
)

FLUSH_BATCH, FLUSH_EVERY = 500, 240  # Frappe's email_queue_batch_size and "all" scheduler event


def campaign_ids(campaign: str) -> set[str]:
	frappe.db.rollback()
	return {
		f"<{m}>"
		for m in frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Campaign", "reference_name": campaign},
			pluck="message_id",
		)
	}


def accepted_since(server: MailServer, start: int, ids: set[str] | None = None) -> list[dict]:
	rows = server.accepted()[start:]
	return [row for row in rows if ids is None or row["message_id"] in ids]


def start_workers(bench: Bench, workers: int, queue: str = "short,default,long") -> None:
	"""Workers on the benchmark's private queue, taking every queue as ``bench worker`` does by
	default (the scheduler's jobs go to ``default``, ahead of ``long``)."""
	for _ in range(workers):
		bench.start_worker(queue)
	wait(
		lambda: bench.worker_logs().count("Listening on") >= workers,
		lambda: bench.worker_logs().count("\n"),
		f"{workers} worker(s) to start",
		poll=0.2,
	)


def diagnosis(bench: Bench) -> str:
	"""What delivery is waiting for: the queue, the work items, the workers' last words."""
	from frappe.utils.background_jobs import get_queue

	from campaign_plus.delivery import store, work

	lines = []
	for name in ("default", "long"):
		queue = get_queue(name)
		lines.append(
			f"queue {name}: {queue.count} queued, {queue.started_job_registry.count} started, "
			f"{queue.failed_job_registry.count} failed"
		)
	now = store.server_time()
	items = [work.load(token) for token in work.tokens()]
	items = [item for item in items if item]
	lines.append(
		f"work items: {len(items)} ({sum(len(i.names) for i in items)} rows), due now: "
		f"{sum(i.due <= now for i in items)}, held: {sum(work.held(i.token) for i in items)}"
	)
	alive = sum(process.poll() is None for process in bench.workers)
	lines.append(f"workers alive: {alive} of {len(bench.workers)}; their last log lines:")
	lines += bench.worker_logs().splitlines()[-25:]
	return "\n".join(lines)


def wait_for_messages(bench, server, n: int, start_line: int, what: str, scheduler=None) -> float:
	"""Until ``n`` messages were accepted since ``start_line``, driving the scheduler; progress:
	the messages and the workers' CPU (a long planner run or send batch moves too)."""
	started = time.monotonic()

	def accepted() -> int:
		return len(server.accepted()) - start_line

	def describe() -> str:
		count = accepted()
		return f"{count} / {n} accepted ({count / max(time.monotonic() - started, 1e-3):.0f}/s)"

	return wait(
		lambda: accepted() >= n,
		lambda: (accepted(), process_cpu([p.pid for p in bench.workers])),
		what,
		scheduler=scheduler,
		describe=describe,
		diagnose=lambda: diagnosis(bench),
		poll=1.0,
	)


def run_ours(bench: Bench, server: MailServer, data: dict, n: int, workers: int) -> dict:
	from campaign_plus.sending import planner

	start_workers(bench, workers)
	start_line, sessions = len(server.accepted()), server.sessions()
	server_cpu = process_cpu([server.process.pid])
	started = time.time()
	# the scheduler's run, for this campaign only: plans, enqueues the batches
	planning = time.process_time()
	planner.scheduled_run([data["campaign"]])
	frappe.db.commit()
	planning = time.process_time() - planning
	scheduler = Scheduler([data["campaign"]])
	wait_for_messages(bench, server, n, start_line, f"{n} messages, {workers} worker(s)", scheduler)
	ids = campaign_ids(data["campaign"])
	got = accepted_since(server, start_line, ids)
	last = max(row["t"] for row in got)
	first = min(row["t"] for row in got)

	def unsent() -> int:
		frappe.db.rollback()
		return frappe.db.count("Email Queue", {"reference_name": data["campaign"], "status": ("!=", "Sent")})

	wait(lambda: not unsent(), unsent, "every row recorded Sent", scheduler=scheduler, poll=1.0)
	cpu = process_cpu([p.pid for p in bench.workers])
	bench.stop_workers()
	counts = collections.Counter(row["message_id"] for row in got)
	return {
		"seconds": last - started,
		"first": first - started,
		"messages": len(counts),
		"twice": sum(1 for c in counts.values() if c > 1),
		"sessions": server.sessions() - sessions,
		"cpu": cpu,
		"server_cpu": process_cpu([server.process.pid]) - server_cpu,
		"planner_cpu": planning,
	}


def run_frappes_flush(server: MailServer, data: dict, n: int) -> dict:
	"""The same rows, back to Not Sent, sent by Frappe's own flush (500 a call) back to back —
	its loop over these rows only (flush itself would send every due row of the site)."""
	campaign = data["campaign"]
	names = frappe.get_all(
		"Email Queue", filters={"reference_doctype": "Campaign", "reference_name": campaign}, pluck="name"
	)
	for chunk in frappe.utils.create_batch(names, 1000):
		frappe.db.set_value(
			"Email Queue",
			{"name": ("in", list(chunk))},
			{"status": "Not Sent", "send_after": None, "retry": 0},
		)
		frappe.db.set_value("Email Queue Recipient", {"parent": ("in", list(chunk))}, "status", "Not Sent")
	frappe.db.commit()
	ids = campaign_ids(campaign)
	start_line, sessions = len(server.accepted()), server.sessions()
	started, calls, batch_seconds = time.time(), 0, []
	while len(accepted_since(server, start_line, ids)) < n and calls < math.ceil(n / FLUSH_BATCH) + 5:
		begun = time.time()
		frappe_send(*names[calls * FLUSH_BATCH : (calls + 1) * FLUSH_BATCH])  # flush's path, these rows only
		frappe.db.commit()
		batch_seconds.append(time.time() - begun)
		calls += 1
		say(f"  flush call {calls}: {len(accepted_since(server, start_line, ids))} / {n} sent")
	got = accepted_since(server, start_line, ids)
	measured = max(row["t"] for row in got) - started
	batches = math.ceil(n / FLUSH_BATCH)
	return {
		"seconds": measured,
		"messages": len({row["message_id"] for row in got}),
		"sessions": server.sessions() - sessions,
		"calls": calls,
		"scheduler_seconds": (batches - 1) * FLUSH_EVERY + batch_seconds[-1],
	}


def run_floor(server: MailServer, data: dict, n: int) -> dict:
	"""The floor: the same messages (as the send batches stored them) pushed by a plain client
	through one SMTP session (STARTTLS, AUTH once) to the same server, nothing else done."""
	import smtplib
	import ssl

	from tests.smtp_server import PASSWORD, USER

	rows = frappe.db.sql(
		"""SELECT q.sender, r.recipient, q.message FROM `tabEmail Queue` q
		JOIN `tabEmail Queue Recipient` r ON r.parent = q.name
		WHERE q.reference_doctype = 'Campaign' AND q.reference_name = %s ORDER BY q.name""",
		data["campaign"],
	)
	messages = [(sender, recipient, (message or "").encode()) for sender, recipient, message in rows]
	context = ssl.create_default_context()
	context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
	start_line = len(server.accepted())
	server_cpu = process_cpu([server.process.pid])
	begun, cpu = time.perf_counter(), time.process_time()
	with smtplib.SMTP("127.0.0.1", server.port) as client:
		client.starttls(context=context)
		client.login(USER, PASSWORD)
		for sender, recipient, message in messages:
			client.sendmail(sender, [recipient], message)
	seconds, cpu = time.perf_counter() - begun, time.process_time() - cpu
	return {
		"seconds": seconds,
		"messages": len(server.accepted()) - start_line,
		"cpu": cpu,
		"server_cpu": process_cpu([server.process.pid]) - server_cpu,
	}


def run_rate(bench: Bench, server: MailServer, data: dict, n: int, workers: int, limit: int) -> dict:
	result = run_ours(bench, server, data, n, workers)
	ids = campaign_ids(data["campaign"])
	times = sorted(row["t"] for row in server.accepted() if row["message_id"] in ids)
	most = 0
	first = 0
	for i, t in enumerate(times):
		while times[first] <= t - 60:
			first += 1
		most = max(most, i - first + 1)
	rate = (len(times) - 1) / (times[-1] - times[0]) * 60
	return {**result, "rate": rate, "most_in_60s": most, "limit": limit}


def probed_bench(bench_path, site: str, queue, label: str) -> tuple[Bench, str]:
	"""A Bench whose processes run the probe (statements, each job's CPU) into a folder of its own."""
	import _probe

	folder = _probe.directory(label)
	return Bench(bench_path, site, queue, env=_probe.env(folder), python_path=[str(_probe.PROBE)]), folder


def report_ours(n: int, workers: int, r: dict, results: dict) -> None:
	say(f"campaign_plus, {workers} worker(s): {n} recipients, planner start to last accepted "
	    f"{r['seconds']:.1f} s ({r['messages'] / r['seconds']:.0f} messages/s; the first accepted after "
	    f"{r['first']:.1f} s), {r['messages']} accepted, "
	    f"{r['twice']} twice, {r['sessions']} SMTP sessions")  # fmt: skip
	if workers == 2 and 1 in results:
		say(f"2 workers / 1 worker: {results[1]['seconds'] / r['seconds']:.2f}x")


def report_cpu(workers: int, r: dict, folder: str) -> None:
	"""Where the run's CPU went: each job kind (the probe), the mail server."""
	import _probe

	r["jobs"] = _probe.by_function(folder)
	n = max(r["messages"], 1)
	kinds = ", ".join(f"{func.rsplit('.', 1)[-1]} {e['cpu']:.1f} s ({e['cpu'] / n * 1000:.2f} ms, "
	                  f"{e['sql'] / n:.2f} statements a message, {e['jobs']} jobs)"
	                  for func, e in sorted(r["jobs"].items(), key=lambda item: -item[1]["cpu"]))  # fmt: skip
	say(f"  CPU, {workers} worker(s): the planner's run (in this process) {r['planner_cpu']:.1f} s; the jobs "
	    f"{sum(e['cpu'] for e in r['jobs'].values()):.1f} s — {kinds}; the workers in all {r['cpu']:.1f} s; "
	    f"the mail server {r['server_cpu']:.1f} s")  # fmt: skip


def report_floor(r: dict, results: dict) -> None:
	say(f"the floor (a plain client, the same messages, one session to the same server): {r['messages']} in "
	    f"{r['seconds']:.1f} s ({r['messages'] / r['seconds']:.0f}/s); CPU: the client {r['cpu']:.1f} s "
	    f"({r['cpu'] / max(r['messages'], 1) * 1000:.2f} ms a message), the mail server {r['server_cpu']:.1f} s")  # fmt: skip
	for workers in sorted(k for k in results if isinstance(k, int)):
		report_against_floor(workers, results)


def report_against_floor(workers: int, results: dict) -> None:
	"""The measured ratio, and the ratio of a quiet machine from the CPU each side spent: one
	session is a client and a server taking turns (the floor: client + server CPU; one worker:
	its jobs + the server); two workers share 2 cores (jobs + server over 2, MariaDB not counted)."""
	r, floor = results[workers], results["floor"]
	target = "3" if workers == 1 else "2"
	say(f"  {workers} worker(s) / the floor: {r['seconds'] / floor['seconds']:.2f}x planner start to last accepted, "
	    f"{(r['seconds'] - r['first']) / floor['seconds']:.2f}x first to last accepted "
	    f"(target: {target}x at most); load {os.getloadavg()[0]:.2f}")  # fmt: skip
	if r.get("jobs") is not None:
		jobs = sum(e["cpu"] for e in r["jobs"].values()) + r["planner_cpu"]
		quiet = (jobs + r["server_cpu"]) / min(workers, os.cpu_count() or 1)
		base = floor["cpu"] + floor["server_cpu"]
		say(f"  {workers} worker(s) / the floor from CPU (a quiet machine): {quiet / base:.2f}x "
		    f"(planner and jobs {jobs:.1f} s + mail server {r['server_cpu']:.1f} s over {min(workers, os.cpu_count() or 1)} "
		    f"core(s), against client {floor['cpu']:.1f} s + mail server {floor['server_cpu']:.1f} s; "
		    f"target: {target}x at most)")  # fmt: skip


def report_frappe(r: dict, results: dict) -> None:
	say(f"Frappe's flush, back to back: {r['messages']} sent in {r['seconds']:.1f} s ({r['calls']} calls, "
	    f"{r['sessions']} SMTP sessions); paced by the scheduler (500 every 240 s): "
	    f"{r['scheduler_seconds'] / 60:.1f} min")  # fmt: skip
	if 1 in results:
		say(f"ratio (Frappe's flush, back to back / campaign_plus with 1 worker): "
		    f"{r['seconds'] / results[1]['seconds']:.1f}x; scheduler-paced / campaign_plus: "
		    f"{r['scheduler_seconds'] / results[1]['seconds']:.0f}x")  # fmt: skip


def report_rate(r: dict) -> None:
	say(f"pacing at {r['limit']}/min, 2 workers, {r['messages']} messages: measured {r['rate']:.1f}/min "
	    f"({(r['rate'] / r['limit'] - 1) * 100:+.1f} %), most in any 60 s: {r['most_in_60s']}, "
	    f"{r['twice']} twice")  # fmt: skip


PROFILED = ("campaign_plus.delivery.job.deliver", "campaign_plus.sending.sender.send_batch")


def profile_jobs(bench_path, args, queue, server, n: int, made: list) -> None:
	"""1 worker, each delivery job under cProfile (the probe): what a message costs in a job."""
	import io
	import pstats

	import _probe

	folder = _probe.directory("delivery_profile")
	env = {**_probe.env(folder), "CAMPAIGN_PLUS_PROFILE": ",".join(PROFILED)}
	bench = Bench(bench_path, args.site, queue, env=env, python_path=[str(_probe.PROBE)])
	tag = f"profile-{frappe.generate_hash(length=5)}"
	data = committed_campaign(tag, [f"r{j}-{tag}@example.com" for j in range(n)])
	made.append(data)
	try:
		say(f"profiling: {n} messages, 1 worker, delivery jobs under cProfile…")
		r = run_ours(bench, server, data, n, 1)
	finally:
		bench.stop_workers()
		delete_campaign(data)
		made.remove(data)
	for func in PROFILED:
		jobs = [job for job in _probe.jobs(folder) if job["func"] == func]
		files = [str(path) for path in pathlib.Path(folder).glob(f"{func}-*.prof")]
		if not files:
			say(f"profiling: no profile of {func} written")
			continue
		cpu, sql = sum(j["cpu"] for j in jobs), sum(j["sql"] for j in jobs)
		say(f"profiling {func}: {len(jobs)} jobs, {cpu:.1f} s CPU, {sql} statements for {r['messages']} "
		    f"messages ({cpu / max(r['messages'], 1) * 1000:.2f} ms CPU and {sql / max(r['messages'], 1):.2f} "
		    f"statements a message, profiled)")  # fmt: skip
		for order in ("tottime", "cumulative"):
			out = io.StringIO()
			pstats.Stats(*files, stream=out).strip_dirs().sort_stats(order).print_stats(args.profile_lines)
			say(f"profile of {func}, by {order}:\n{out.getvalue().split('ncalls', 1)[-1][:12000]}")


def sign_with_dkim(account: str) -> None:
	"""The account signs campaign emails with DKIM (a 2048-bit key made on save)."""
	doc = frappe.get_doc("Email Account", account)
	if not doc.meta.has_field("cp_dkim_enabled"):
		return
	doc.update({"cp_dkim_enabled": 1, "cp_dkim_domain": "example.com", "cp_dkim_selector": "bench"})
	doc.save(ignore_permissions=True)
	frappe.db.commit()


# Workers of the "off" runs import this first (a sitecustomize on their path): the send batches as
# before inbox-ready email — no per-message headers, no sender's footer; a message without the
# send id header is sent as built (no header block kept, no DKIM signature).
OFF_SITECUSTOMIZE = """
try:
	from campaign_plus.sending import sender as _sender

	class _NoFooters:
		def __init__(self, campaign, rows):
			pass

		def add(self, row, body, text):
			return body, text

	_sender.add_message_headers = lambda campaign, items: None
	_sender.BatchFooters = _NoFooters
except Exception:  # the bench CLI's own Python, without frappe
	pass
"""


def compare_inbox_features(bench_path, args, queue, server, n: int, made: list) -> list:
	"""1 worker with the inbox-ready features off, then on (order alternating), ``pairs`` times;
	the probe in both (the "off" sitecustomize runs it first), for each job kind's CPU."""
	import tempfile

	import _probe

	off_path = pathlib.Path(tempfile.mkdtemp(prefix="campaign_plus_inbox_off_"))
	probe_file = _probe.PROBE / "sitecustomize.py"
	(off_path / "sitecustomize.py").write_text(
		f"import runpy\nrunpy.run_path({str(probe_file)!r})\n{OFF_SITECUSTOMIZE}"
	)
	pairs = []
	for i in range(args.pairs):
		timings = {}
		order = ("off", "on") if i % 2 == 0 else ("on", "off")
		for mode in order:
			folder = _probe.directory(f"inbox{mode}")
			bench = Bench(
				bench_path,
				args.site,
				queue,
				extra_path=off_path if mode == "off" else None,
				env=_probe.env(folder),
				python_path=[] if mode == "off" else [str(_probe.PROBE)],
			)
			tag = f"inbox{mode}{i}-{frappe.generate_hash(length=5)}"
			data = committed_campaign(tag, [f"r{j}-{tag}@example.com" for j in range(n)])
			made.append(data)
			try:
				timings[mode] = run_ours(bench, server, data, n, 1)
				timings[mode]["jobs"] = _probe.by_function(folder)
				if mode == "on":
					check_signed(data["campaign"])
			finally:
				bench.stop_workers()
				delete_campaign(data)
				made.remove(data)
		pairs.append((timings["off"], timings["on"]))
		base, ours = pairs[-1]
		say(f"pair {i + 1}: inbox-ready features off {base['seconds']:.1f} s ({base['cpu']:.1f} s worker CPU), "
		    f"on {ours['seconds']:.1f} s ({ours['cpu']:.1f} s worker CPU): "
		    f"ratio {ours['seconds'] / base['seconds']:.2f}x, CPU {ours['cpu'] / base['cpu']:.2f}x; "
		    f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
		for func in sorted(set(base["jobs"]) | set(ours["jobs"])):
			off_cpu = base["jobs"].get(func, {}).get("cpu", 0.0)
			on_cpu = ours["jobs"].get(func, {}).get("cpu", 0.0)
			say(f"  {func.rsplit('.', 1)[-1]}: off {off_cpu:.1f} s, on {on_cpu:.1f} s CPU "
			    f"({(on_cpu - off_cpu) / n * 1000:+.2f} ms a message)")  # fmt: skip
	return pairs


def check_signed(campaign: str) -> None:
	"""The "on" run's rows carry the send id header (and so were finished and signed)."""
	frappe.db.rollback()
	message = frappe.get_all("Email Queue", filters={"reference_name": campaign}, pluck="message", limit=1)[0]
	assert "X-Campaign-Plus-Send:" in message, "the inbox-ready features were off in the 'on' run"


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--recipients", type=int, default=10_000)
	parser.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2")
	parser.add_argument("--rate-limit", type=int, default=600, help="per minute, for the pacing run")
	parser.add_argument("--rate-messages", type=int, default=1500, help="messages in the pacing run")
	parser.add_argument("--skip-frappe", action="store_true", help="leave out Frappe's own flush path")
	parser.add_argument("--skip-rate", action="store_true", help="leave out the pacing run")
	parser.add_argument(
		"--inbox-ratio",
		action="store_true",
		help="time 1 worker with the inbox-ready features (headers, footer, DKIM signing) off, then on, "
		"in turn, and print the ratio",
	)
	parser.add_argument("--pairs", type=int, default=2, help="off / on runs for --inbox-ratio")
	parser.add_argument("--no-dkim", action="store_true", help="campaign emails not signed (DKIM off)")
	parser.add_argument(
		"--no-pipelining", action="store_true", help="the mail server does not offer PIPELINING (RFC 2920)"
	)
	parser.add_argument("--profile", action="store_true", help="one more 1-worker run under cProfile")
	parser.add_argument("--profile-lines", type=int, default=30, help="functions shown per profile order")
	args = parser.parse_args()

	refuse_unless_allowed(args.site)
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	bench_path = pathlib.Path(".").resolve().parent
	queue = PrivateQueue().start()
	server = MailServer(python=sys.executable, pipelining=not args.no_pipelining).start()
	bench = Bench(bench_path, args.site, queue)
	n, results, made = args.recipients, {}, []
	try:
		with committed_account(server) as account, queue.used_here():
			if not args.no_dkim:
				sign_with_dkim(account)
			if args.inbox_ratio:
				results["pairs"] = compare_inbox_features(bench_path, args, queue, server, n, made)
			for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
				tag = f"bench{workers}-{frappe.generate_hash(length=5)}"
				data = committed_campaign(tag, [f"r{i}-{tag}@example.com" for i in range(n)])
				made.append(data)
				say(f"campaign_plus, {workers} worker(s), {n} recipients: planning and sending…")
				bench, folder = probed_bench(bench_path, args.site, queue, f"delivery{workers}")
				results[workers] = run_ours(bench, server, data, n, workers)
				report_ours(n, workers, results[workers], results)
				report_cpu(workers, results[workers], folder)
				if "floor" not in results:
					results["floor"] = run_floor(server, data, n)
					report_floor(results["floor"], results)
				else:
					report_against_floor(workers, results)
				if "frappe" not in results and not args.skip_frappe:
					say(f"Frappe's flush, {n} rows back to back…")
					results["frappe"] = run_frappes_flush(server, data, n)
					report_frappe(results["frappe"], results)
				delete_campaign(data)
				made.remove(data)
			if args.profile:
				profile_jobs(bench_path, args, queue, server, n, made)
			if not args.skip_rate:
				set_limits(account, per_minute=args.rate_limit)
				from campaign_plus.delivery import store

				store.redis().delete(store.key("pace", account))
				tag = f"rate-{frappe.generate_hash(length=5)}"
				m = args.rate_messages
				data = committed_campaign(tag, [f"r{i}-{tag}@example.com" for i in range(m)])
				made.append(data)
				say(f"pacing: {m} messages at {args.rate_limit} a minute, 2 workers…")
				results["rate"] = run_rate(bench, server, data, m, 2, args.rate_limit)
				report_rate(results["rate"])
				delete_campaign(data)
				made.remove(data)
	finally:
		bench.stop_workers()
		for data in made:
			delete_campaign(data)
		server.cleanup()
		queue.stop()
		frappe.destroy()

	if results.get("pairs"):
		base = sum(b["seconds"] for b, _o in results["pairs"])
		ours = sum(o["seconds"] for _b, o in results["pairs"])
		base_cpu = sum(b["cpu"] for b, _o in results["pairs"])
		ours_cpu = sum(o["cpu"] for _b, o in results["pairs"])
		say(f"ratio (headers, footer{'' if args.no_dkim else ' and DKIM signing'} on / off, "
		    f"{len(results['pairs'])} pairs, 1 worker, {n} recipients): time {ours / base:.2f}x, "
		    f"worker CPU {ours_cpu / base_cpu:.2f}x (target: at most 1.10x); "
		    f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip


if __name__ == "__main__":
	main()
