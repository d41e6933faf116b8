# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: an engagement burst on Frappe's own web server, and the desk meanwhile.

    benchmarks/run tracking --hits 20000

The site is served by gunicorn as in production (``frappe.app:application``, 2 workers,
``--preload``, on 127.0.0.1 only), with one ``bench worker`` for the background jobs and the
scheduler's events driven as the scheduler would (the tracking flush every minute). Two paths in
the same run, on two campaigns alike (``--messages`` sent messages each, tracked individually, a
tenth of them in aggregate; a Click event rule):

- **at once** (the path before the buffer: each hit written by its request, the link set read on
  every click) — the baseline;
- **buffered** (each hit into the queue Redis, written in bulk by the minute's flush).

For each: ``--throughput-hits`` opens and clicks (a tenth from a link scanner) sent by
``--concurrency`` clients as fast as the server answers — hits per second (beside Frappe's own
``ping`` on the same server: the floor of any request), database statements per hit (the
requests' own: every statement the server received, COMMIT and ROLLBACK included, and apart
those of them that only set up a connection or end a transaction — Frappe's request handling,
``SET NAMES``, ``ROLLBACK``…; the flushes'; the event rules' jobs apart; counted in PyMySQL on
Frappe 15 and in mysqlclient on Frappe 16); then a burst of ``--hits`` offered at ``--rate`` per second while
the desk's Campaign form opens again and again (the requests the desk sends when it opens the
form, in parallel as a browser does), against its idle time and, on the buffered path, against the
floor of any burst on this server: as many of Frappe's ``ping`` at the same rate while the form
opens (what Frappe's request handling alone costs the desk on these cores). Then the figures are
checked exact: each campaign's opens, clicks, unique opens and clicks, events, step counters and
rule actions equal what the hits must give.

Targets: ≥ 300 hits/s, ≤ 0.5 statements per hit, the form during the burst within 1.5x its idle
time (absolute figures only on a quiet machine: the load is printed). Everything made is
deleted at the end (``--send-recipients N`` then runs the send benchmark, tracking off / on).
"""

import argparse
import collections
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

import _probe
import frappe
from _drive import Scheduler, median, process_cpu, say, wait
from _site import refuse_unless_allowed
from _web import WebServer, request
from frappe.utils import now_datetime

CHECKOUT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT))

from campaign_plus.tracking.messages import OPEN_METHOD
from campaign_plus.tracking.server import SITES_VARIABLE
from tests.workers import Bench, PrivateQueue

PROBE = _probe.PROBE
FLUSH = "campaign_plus.tracking.buffer.flush"
TRACKER = "campaign_plus.tracking.server:application"
TRACKER_PATH = "tracking server"
RULES = "campaign_plus.automation.rules.run_rules"
LINKS = [
	"https://shop.example.com/offer",
	"https://shop.example.com/catalogue.pdf",
	"https://www.example.com/contact",
]
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
SCANNER = "Barracuda Sentinel (EE)"


# --- the data -----------------------------------------------------------------------------------


def make_campaign(tag: str, messages: int) -> dict:
	"""A campaign with ``messages`` sent ledger rows (a tenth tracked in aggregate), a link set and
	a Click rule (committed): its rows and tokens."""
	from campaign_plus.tracking import messages as tracking_messages
	from campaign_plus.utils.db import insert_many, standard_values
	from campaign_plus.utils.signing import signer

	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"_Bench Tracking {tag}",
			"cp_event_rules": [{"event": "Click", "action": "Stop Sequence"}],
		}
	).insert(ignore_permissions=True)
	now = now_datetime()
	link_set = tracking_messages.link_set_name(campaign.name, LINKS)
	insert_many(
		"Campaign Link Set",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
			"campaign",
			"link_count",
			"links",
		],
		[(*standard_values(link_set, now), campaign.name, len(LINKS), json.dumps(LINKS))],
	)
	rows = [f"BT{tag}{i:06d}" for i in range(messages)]
	aggregate = {i for i in range(messages) if i % 10 == 9}
	insert_many(
		"Campaign Send Log",
		["name", "creation", "modified", "owner", "modified_by", "docstatus", "campaign", "schedule_row",
		 "step_idx", "party_type", "party", "email", "status", "tracking", "sent_on"],
		[(*standard_values(row, now), campaign.name, "bench-step", 1, "Lead", f"BENCH-{row}",
		  f"{row.lower()}@bench.example.com", "Sent", "Aggregate" if i in aggregate else "Individual", now)
		 for i, row in enumerate(rows)],
	)  # fmt: skip
	frappe.db.commit()
	sign_open, sign_click = signer(tracking_messages.OPEN_PURPOSE), signer(tracking_messages.CLICK_PURPOSE)
	opens, clicks = [], []
	for i, row in enumerate(rows):
		subject = ("s", campaign.name, "bench-step", "1") if i in aggregate else ("r", row)
		opens.append(f"{tracking_messages.OPEN_METHOD}?t={quote(sign_open(*subject))}")
		clicks.append(
			[
				f"{tracking_messages.CLICK_METHOD}?t={quote(sign_click(*subject, link_set, str(k)))}"
				for k in range(len(LINKS))
			]
		)
	return {"campaign": campaign.name, "rows": rows, "aggregate": aggregate, "opens": opens, "clicks": clicks}


def delete_campaign(campaign: str) -> None:
	frappe.db.rollback()
	for doctype in ("Campaign Engagement Event", "Campaign Step Engagement", "Campaign Link Set",
		"Campaign Send Log", "Campaign Interaction"):  # fmt: skip
		frappe.db.delete(doctype, {"campaign": campaign})
	frappe.db.delete("Campaign Event Rule", {"parent": campaign})
	frappe.db.delete("Campaign", {"name": campaign})
	frappe.db.commit()


def hit_plan(messages: int, hits: int, seed: int = 26) -> list[tuple[int, str, int, str]]:
	"""(message, kind, link, user agent) of each hit: the same for both paths."""
	rng = random.Random(seed)
	plan = []
	for _ in range(hits):
		agent = SCANNER if rng.random() < 0.1 else rng.choice([BROWSER, PHONE])
		plan.append(
			(rng.randrange(messages), rng.choice(["Open", "Click"]), rng.randrange(len(LINKS)), agent)
		)
	return plan


def expected(plan, aggregate: set[int], warm_up=()) -> dict:
	"""What the hits (and the warm-up's) must give: opens / clicks, unique ones, events, step
	counters, rule actions."""
	opens, clicks = collections.Counter(), collections.Counter()
	counters = collections.Counter()
	events = 0
	for message, kind, link, agent in [*warm_up, *plan]:
		counting = agent != SCANNER
		if message in aggregate:
			if counting:
				counters[(kind, LINKS[link] if kind == "Click" else None)] += 1
			continue
		events += 1
		if counting:
			(opens if kind == "Open" else clicks)[message] += 1
	return {
		"opens": sum(opens.values()),
		"clicks": sum(clicks.values()),
		"unique_opens": len(set(opens) | set(clicks)),
		"unique_clicks": len(clicks),
		"events": events,
		"counters": dict(counters),
		"actions": len(clicks),
	}


def recorded(campaign: str) -> dict:
	frappe.db.rollback()
	opens, clicks, unique_opens, unique_clicks = frappe.db.sql(
		"""SELECT SUM(opens), SUM(clicks), SUM(opens > 0 OR clicks > 0), SUM(clicks > 0)
		FROM `tabCampaign Send Log` WHERE campaign = %s""",
		campaign,
	)[0]
	counters = {
		(kind, url): hits
		for kind, url, hits in frappe.db.sql(
			"SELECT kind, link_url, hits FROM `tabCampaign Step Engagement` WHERE campaign = %s", campaign
		)
	}
	return {
		"opens": int(opens or 0),
		"clicks": int(clicks or 0),
		"unique_opens": int(unique_opens or 0),
		"unique_clicks": int(unique_clicks or 0),
		"events": frappe.db.count("Campaign Engagement Event", {"campaign": campaign}),
		"counters": counters,
		"actions": frappe.db.count(
			"Campaign Interaction", {"campaign": campaign, "interaction_type": "Automation"}
		),
	}


# --- the web server -----------------------------------------------------------------------------


# --- the burst ----------------------------------------------------------------------------------


def burst(port: int, site: str, paths, concurrency: int, progress: list, rate: float | None = None) -> dict:
	"""``paths`` (path, user agent) sent by ``concurrency`` clients from a process of their own
	(``_load.py``: their CPU and the interpreter lock apart from the desk's client here), at
	``rate`` per second or, None, as fast as answered; ``progress[0]``: answered so far."""
	with tempfile.TemporaryDirectory(prefix="campaign_plus_load_") as folder:
		spec, result_path = pathlib.Path(folder, "spec.json"), pathlib.Path(folder, "result.json")
		spec.write_text(
			json.dumps(
				{
					"port": port,
					"site": site,
					"paths": paths,
					"concurrency": concurrency,
					"rate": rate,
					# paced, the senders stand for readers elsewhere (their CPU is not the server's):
					# the lowest priority; as fast as answered, they must keep the server busy
					"niceness": 19 if rate else 0,
				}
			)
		)
		with subprocess.Popen(
			[sys.executable, str(pathlib.Path(__file__).with_name("_load.py")), str(spec), str(result_path)],
			stdout=subprocess.PIPE,
			text=True,
		) as sender:
			for line in sender.stdout:
				progress[0] = int(line)
		if sender.returncode != 0 or not result_path.exists():
			raise RuntimeError(f"the requests' sender failed ({sender.returncode})")
		sent = json.loads(result_path.read_text())
	latencies = sorted(sent["latencies"])
	statuses = {(int(key) if key.isdigit() else key): count for key, count in sent["statuses"].items()}
	return {
		"seconds": sent["seconds"],
		"rate": len(paths) / sent["seconds"],
		"statuses": statuses,
		"p50": latencies[len(latencies) // 2] * 1000,
		"p95": latencies[int(len(latencies) * 0.95)] * 1000,
		"errors": sent["errors"],
	}


# --- the desk -----------------------------------------------------------------------------------


class Desk:
	"""A signed-in desk user opening the Campaign form: the requests the desk sends for it, in
	parallel (six at a time, as a browser), timed until the last answer."""

	def __init__(self, port: int, site: str, password: str):
		self.port, self.site = port, site
		status, headers, body = request(
			"POST", port, site, "/api/method/login",
			headers={"Content-Type": "application/x-www-form-urlencoded"},
			body=urlencode({"usr": "Administrator", "pwd": password}),
		)  # fmt: skip
		if status != 200:
			raise RuntimeError(f"desk login failed: {status} {body[:200]!r}")
		cookies = [value.split(";")[0] for name, value in headers if name.lower() == "set-cookie"]
		self.headers = {
			"Cookie": "; ".join(cookies),
			"X-Requested-With": "XMLHttpRequest",
			"Accept": "application/json",
		}
		self.pool = ThreadPoolExecutor(6)

	@staticmethod
	def calls(campaign: str) -> list[tuple[str, str]]:
		name = quote(campaign)
		return [
			("GET", f"/api/method/frappe.desk.form.load.getdoc?doctype=Campaign&name={name}"),
			("GET", f"/api/method/frappe.desk.notifications.get_open_count?doctype=Campaign&name={name}"),
			("POST", f"/api/method/campaign_plus.card.api.get_campaign_context?campaign={name}"),
			("POST", f"/api/method/campaign_plus.delivery.api.get_delivery_progress?campaign={name}"),
			("POST", f"/api/method/campaign_plus.stats.api.get_charts?campaign={name}"),
		]

	def open(self, campaign: str) -> float:
		begun = time.perf_counter()
		answers = list(
			self.pool.map(
				lambda call: request(call[0], self.port, self.site, call[1], self.headers),
				self.calls(campaign),
			)
		)
		seconds = time.perf_counter() - begun
		bad = [
			(call, status)
			for call, (status, _h, _b) in zip(self.calls(campaign), answers, strict=True)
			if status != 200
		]
		if bad:
			raise RuntimeError(f"the Campaign form failed to open: {bad}")
		return seconds


# --- one path -----------------------------------------------------------------------------------


def desk_during_burst(label: str, server, desk, data: dict, paths, args, what: str) -> tuple[dict, list]:
	"""``paths`` offered at ``args.rate`` per second while the desk opens the Campaign form every
	``args.desk_every`` seconds: the burst's figures and the form's opening times."""
	progress, during, done, offered = [0], [], threading.Event(), {}
	runner = threading.Thread(
		target=lambda: offered.update(
			burst(server.port, args.site, paths, args.burst_clients, progress, rate=args.rate)
		),
		daemon=True,
	)

	def desk_loop():
		while not done.is_set():
			during.append(desk.open(data["campaign"]))
			done.wait(args.desk_every)

	opener = threading.Thread(target=desk_loop, daemon=True)
	runner.start()
	time.sleep(min(2.0, len(paths) / args.rate / 4))  # the burst under way first
	opener.start()
	wait(
		lambda: not runner.is_alive(),
		lambda: (progress[0], process_cpu([server.process.pid])),
		f"{label}: a burst of {len(paths)} {what} at {args.rate:.0f}/s, the desk meanwhile",
		scheduler=Scheduler(events={FLUSH: 60.0}),
		describe=lambda: f"{progress[0]} / {len(paths)} {what} answered, the form opened {len(during)} times",
	)
	done.set()
	opener.join(60)
	return offered, during


def run_path(
	label: str, at_once: bool, args, bench_path, queue, bench, data: dict, plan, worker_probe
) -> dict:
	probe = _probe.directory(label.replace(" ", "_"))
	server = WebServer(
		bench_path, queue, probe, env={"CAMPAIGN_PLUS_BENCH_AT_ONCE": "1"} if at_once else None
	)
	# the tracking server path: the hits to the app's own server (2 workers), the desk to Frappe's
	tracker = (
		WebServer(bench_path, queue, probe, app=TRACKER, env={SITES_VARIABLE: args.site})
		if label == TRACKER_PATH
		else None
	)
	hits_server = tracker or server
	try:
		server.wait_ready(args.site)
		if tracker:
			tracker.wait_ready(args.site, OPEN_METHOD, 404)
		desk = Desk(server.port, args.site, args.password)
		paths = [
			(data["opens"][m] if kind == "Open" else data["clicks"][m][link], agent)
			for m, kind, link, agent in plan
		]
		warm = burst(
			hits_server.port, args.site, paths[:200], args.concurrency, [0]
		)  # imports, caches, link sets
		if set(warm["statuses"]) - {200, 302}:
			raise RuntimeError(
				f"warm-up answers: {warm['statuses']}\n{warm['errors']}\n{hits_server.log_tail()}"
			)
		for _ in range(3):
			desk.open(data["campaign"])
		idle = [desk.open(data["campaign"]) for _ in range(args.idle_opens)]
		say(f"  {label}: the Campaign form idle: median {median(idle) * 1000:.0f} ms ({len(idle)} opens)")

		web_before, jobs_before = _probe.requests(probe), _probe.by_function(worker_probe)
		flood = paths[200 : 200 + args.throughput_hits]
		progress = [0]
		result = {}
		runner = threading.Thread(
			target=lambda: result.update(
				burst(hits_server.port, args.site, flood, args.concurrency, progress)
			),
			daemon=True,
		)
		runner.start()
		wait(
			lambda: not runner.is_alive(),
			lambda: (progress[0], process_cpu([hits_server.process.pid])),
			f"{label}: {len(flood)} hits as fast as they are answered",
			scheduler=Scheduler(events={FLUSH: 60.0}),  # what the scheduler runs every minute
			describe=lambda: f"{progress[0]} / {len(flood)} hits answered",
		)
		web = subtract(_probe.requests(probe), web_before)
		say(f"  {label}: throughput: {len(flood)} hits in {result['seconds']:.1f} s: {result['rate']:.0f} hits/s "
		    f"({args.concurrency} clients; p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms), "
		    f"answers {result['statuses']}")  # fmt: skip

		if not tracker:
			# Frappe's own floor on the same server: its lightest method (ping), as fast as answered
			pings = burst(
				server.port, args.site, [("/api/method/ping", BROWSER)] * len(flood), args.concurrency, [0]
			)
			result["ping_rate"] = pings["rate"]
			say(f"  {label}: Frappe's ping on the same server: {pings['rate']:.0f} requests/s (hits / ping: "
			    f"{result['rate'] / pings['rate']:.2f}x)")  # fmt: skip

		paced = paths[200 + args.throughput_hits :]
		offered, during = desk_during_burst(label, hits_server, desk, data, paced, args, "hits")
		desk_requests = _probe.requests(probe).get("desk", [0, 0])
		say(f"  {label}: the burst: {len(paced)} hits offered at {args.rate:.0f}/s, answered at "
		    f"{offered['rate']:.0f}/s (p50 {offered['p50']:.0f} ms, p95 {offered['p95']:.0f} ms), answers "
		    f"{offered['statuses']}; the form meanwhile: median {median(during) * 1000:.0f} ms ({len(during)} "
		    f"opens; idle {median(idle) * 1000:.0f} ms)")  # fmt: skip
		floor = []
		if args.floor and label == "buffered":
			# the floor of any burst on this server: as many of Frappe's ping, its lightest request,
			# at the same rate (what Frappe's request handling alone costs the desk)
			pinged, floor = desk_during_burst(
				label, server, desk, data, [("/api/method/ping", BROWSER)] * len(paced), args, "pings"
			)
			say(f"  {label}: the floor: {len(paced)} of Frappe's ping offered at {args.rate:.0f}/s, answered at "
			    f"{pinged['rate']:.0f}/s; the form meanwhile: median {median(floor) * 1000:.0f} ms "
			    f"({median(floor) / median(idle):.2f}x idle, {len(floor)} opens)")  # fmt: skip
	finally:
		server.stop()
		if tracker:
			tracker.stop()

	# the hits still waiting: written by the scheduler's flush (driven until none waits)
	from campaign_plus.tracking import buffer

	wait(
		lambda: buffer.waiting() == 0,
		lambda: (buffer.waiting(), process_cpu([p.pid for p in bench.workers])),
		f"{label}: the buffered hits written",
		scheduler=Scheduler(events={FLUSH: 5.0}),
	)

	def jobs_done() -> bool:
		from frappe.utils.background_jobs import get_queue

		return not any(
			get_queue(name).count or get_queue(name).started_job_registry.count
			for name in ("short", "default")
		)

	wait(jobs_done, lambda: process_cpu([p.pid for p in bench.workers]), f"{label}: the event rules' jobs")
	time.sleep(1)
	jobs = subtract_jobs(_probe.by_function(worker_probe), jobs_before)
	tracking = web.get("tracking", [0, 0, 0])
	return {
		**result,
		"burst_rate": offered["rate"],
		"hits": len(flood),
		"all_hits": len(paths),
		"idle": median(idle),
		"during": median(during),
		"opens_during": len(during),
		"floor": median(floor) if floor else None,
		"web_sql": tracking[1],
		"web_control": tracking[2],  # of which connection and transaction statements
		"web_requests": tracking[0],
		"desk_sql": desk_requests[1] / max(desk_requests[0], 1) * len(Desk.calls("x")),
		"flush_sql": jobs.get(FLUSH, {}).get("sql", 0),
		"flushes": jobs.get(FLUSH, {}).get("jobs", 0),
		"rules_sql": jobs.get(RULES, {}).get("sql", 0),
		"rules_jobs": jobs.get(RULES, {}).get("jobs", 0),
	}


def subtract(after: dict, before: dict) -> dict:
	return {
		kind: [a - b for a, b in zip(values, before.get(kind, [0] * len(values)), strict=True)]
		for kind, values in after.items()
	}


def subtract_jobs(after: dict, before: dict) -> dict:
	return {
		func: {key: entry[key] - before.get(func, {}).get(key, 0) for key in ("jobs", "sql")}
		for func, entry in after.items()
	}


def per_hit(r: dict) -> float:
	"""Statements per hit: the requests' (counted over the throughput run) and the flushes' (over
	every hit of the path)."""
	return r["web_sql"] / r["hits"] + r["flush_sql"] / r["all_hits"]


def app_per_hit(r: dict) -> float:
	"""Statements per hit that read or write data: less the connection and transaction statements
	of Frappe's request handling (``SET``, ``ROLLBACK``, ``START TRANSACTION``, ``COMMIT``)."""
	return per_hit(r) - r["web_control"] / r["hits"]


def report(label: str, r: dict) -> None:
	say(f"{label}: {r['rate']:.0f} hits/s; SQL per hit {per_hit(r):.2f} (the requests' "
	    f"{r['web_sql'] / r['hits']:.2f} — of which {r['web_control'] / r['hits']:.2f} connection and transaction "
	    f"statements of Frappe's request handling, {app_per_hit(r):.2f} reading or writing data —, "
	    f"the flushes' {r['flush_sql'] / r['all_hits']:.3f} in {r['flushes']} "
	    f"flushes; event rules apart: {r['rules_sql']} statements in {r['rules_jobs']} jobs); the form idle "
	    f"{r['idle'] * 1000:.0f} ms, during a burst at {r['burst_rate']:.0f}/s {r['during'] * 1000:.0f} ms "
	    f"({r['during'] / r['idle']:.2f}x, {r['opens_during']} opens, {r['desk_sql']:.0f} statements each)"
	    + (f"; during as many of Frappe's ping {r['floor'] * 1000:.0f} ms ({r['floor'] / r['idle']:.2f}x)"
	       if r["floor"] else ""))  # fmt: skip


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--hits", type=int, default=20_000, help="the burst the desk lives through")
	parser.add_argument("--rate", type=float, default=300, help="hits per second of the burst")
	parser.add_argument("--burst-clients", type=int, default=64, help="hits in flight at most, in the burst")
	parser.add_argument("--throughput-hits", type=int, default=5_000, help="hits sent as fast as answered")
	parser.add_argument("--messages", type=int, default=2_000)
	parser.add_argument("--concurrency", type=int, default=16, help="clients sending as fast as answered")
	parser.add_argument("--idle-opens", type=int, default=10)
	parser.add_argument("--desk-every", type=float, default=0.5, help="seconds between two form opens")
	parser.add_argument(
		"--floor",
		type=int,
		default=1,
		help="1: also the form during as many of Frappe's ping at the same rate (the floor); 0: skip",
	)
	parser.add_argument("--password", default=os.environ.get("FRAPPE_ADMIN_PASSWORD") or "admin")
	parser.add_argument(
		"--paths", default=f"at once,buffered,{TRACKER_PATH}", help="which paths to run, in order"
	)
	parser.add_argument("--send-recipients", type=int, default=0, help="then the send benchmark (0: skip)")
	args = parser.parse_args()

	refuse_unless_allowed(args.site)
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	bench_path = pathlib.Path(".").resolve().parent
	queue = PrivateQueue().start()
	worker_probe = _probe.directory("workers")
	bench = Bench(bench_path, args.site, queue, env=_probe.env(worker_probe), python_path=[str(PROBE)])
	made, results = [], {}
	plan = hit_plan(args.messages, 200 + args.throughput_hits + args.hits)
	try:
		with queue.used_here():
			bench.start_worker("short,default,long")  # the background jobs: flushes, event rules
			wait(
				lambda: "Listening on" in bench.worker_logs(), lambda: len(bench.worker_logs()), "the worker"
			)
			for label in [p.strip() for p in args.paths.split(",") if p.strip()]:
				data = make_campaign(f"{label[:2].upper()}{frappe.generate_hash(length=5)}", args.messages)
				made.append(data["campaign"])
				say(f"{label}: {args.throughput_hits} hits as fast as answered, then a burst of {args.hits} "
				    f"at {args.rate:.0f}/s, on {args.messages} messages…")  # fmt: skip
				result = run_path(
					label, label == "at once", args, bench_path, queue, bench, data, plan, worker_probe
				)
				results[label] = result
				report(label, result)
				want, got = expected(plan[200:], data["aggregate"], plan[:200]), recorded(data["campaign"])
				result["exact"] = got == want
				say(f"  exact: {'yes' if got == want else 'NO'} — recorded {got}"
				    + ("" if got == want else f", expected {want}"))  # fmt: skip
	finally:
		bench.stop_workers()
		for campaign in made:
			delete_campaign(campaign)
		queue.stop()
		frappe.destroy()

	if "at once" in results and "buffered" in results:
		base, ours = results["at once"], results["buffered"]

		say(f"ratio buffered / at once (same run): hits per second {ours['rate'] / base['rate']:.1f}x; SQL per hit "
		    f"{per_hit(ours):.2f} vs {per_hit(base):.2f}; the form during the burst {ours['during'] / ours['idle']:.2f}x "
		    f"its idle time vs {base['during'] / base['idle']:.2f}x")  # fmt: skip
		say(f"targets (absolute figures need a quiet machine): ≥ 300 hits/s: {ours['rate']:.0f}; ≤ 0.5 SQL per "
		    f"hit: {per_hit(ours):.2f} ({app_per_hit(ours):.2f} reading or writing data); the form within 1.5x: {ours['during'] / ours['idle']:.2f}x"
		    + (f" (Frappe's floor, its ping at the same rate: {ours['floor'] / ours['idle']:.2f}x; the hits over "
		       f"that floor: {ours['during'] / ours['floor']:.2f}x)" if ours["floor"] else "")
		    + "; exact: "
		    f"{ours['exact']} (the path at once: {base['exact']}"
		    f"{'' if base['exact'] else ', hits its errors lost'})")  # fmt: skip

	if TRACKER_PATH in results:
		ours = results[TRACKER_PATH]
		say(f"{TRACKER_PATH} (the hits served by the app's tracking server, the desk by Frappe's): "
		    f"≥ 300 hits/s: {ours['rate']:.0f}; ≤ 0.5 SQL per hit: {per_hit(ours):.2f}; the form within 1.5x: "
		    f"{ours['during'] / ours['idle']:.2f}x its idle time"
		    + (f" (through Frappe's workers, same run: {results['buffered']['during'] / results['buffered']['idle']:.2f}x)"
		       if "buffered" in results else "")
		    + f"; exact: {ours['exact']}")  # fmt: skip

	if args.send_recipients:
		subprocess.run(
			[sys.executable, __file__.replace("tracking.py", "send_emails.py"), "--site", args.site,
			 "--recipients", str(args.send_recipients), "--stock-recipients", "1"],
			check=True,
		)  # fmt: skip


if __name__ == "__main__":
	main()
