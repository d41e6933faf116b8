# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: one campaign step due for N enrolled leads — campaign_plus vs ERPNext's stock path.

Run on a bench site with campaign_plus installed (everything is rolled back at the end):

    benchmarks/run send_emails --recipients 10000

Both paths start from the same data: N leads, each with its ERPNext Email Campaign (the
stock path needs one per recipient), and a template with three links. campaign_plus: the
planner plus every sending job (what the RQ workers run), timed together — once with open and
click tracking off, once on. Stock: ERPNext's daily ``send_email_to_leads_or_contacts``.
Printed: seconds, SQL statements, per-recipient figures, the ratio tracking on / off and the
ratio stock / campaign_plus.
"""

import argparse
import time
from contextlib import contextmanager

import frappe
from _drive import say
from _site import default_outgoing_account, insert_leads, rolled_back_session
from frappe.utils import add_days, create_batch, getdate, now_datetime


@contextmanager
def counting_queries():
	"""Count the SQL statements sent through frappe.db.sql."""
	counter = {"n": 0}
	original = frappe.db.sql

	def sql(*args, **kwargs):
		counter["n"] += 1
		return original(*args, **kwargs)

	frappe.db.sql = sql
	try:
		yield counter
	finally:
		frappe.db.sql = original


def make_data(n: int, tracking: bool = True) -> str:
	"""N leads with an email, a campaign with one step due today, N Email Campaigns (bulk)."""
	tag = frappe.generate_hash(length=6)
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_Bench CP {tag}",
			"subject": "Hello {{ doc.first_name }}",
			"response": "<p>Dear {{ doc.first_name }},</p><p>Our offer for {{ doc.company_name or 'you' }}: "
			'<a href="https://shop.example.com/offer?utm_source=campaign">see it</a>, '
			'<a href="https://shop.example.com/catalogue.pdf">the catalogue</a>, '
			'<a href="https://www.example.com/contact">contact us</a>.</p>',
		}
	).insert(ignore_permissions=True)
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"_Bench CP {tag}",
			"campaign_schedules": [{"email_template": template.name, "send_after_days": 0}],
			"cp_track_opens": int(tracking),
			"cp_track_clicks": int(tracking),
			"cp_opt_in_rule": "Not Required",  # its leads have no consent record, whatever the site's rule
		}
	).insert(ignore_permissions=True)
	now, today = now_datetime(), getdate()
	leads = insert_leads(f"BENCH-{tag}", n)
	frappe.db.bulk_insert(
		"Email Campaign",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
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
				f"EC-{name}",
				now,
				now,
				"Administrator",
				"Administrator",
				campaign.name,
				"Lead",
				name,
				"Administrator",
				today,
				add_days(today, 0),
				"In Progress",
			)
			for name, _first, _email in leads
		],
	)
	return campaign.name


def run_campaign_plus(campaign: str) -> tuple[float, int, int]:
	from campaign_plus.sending import ledger, planner, sender
	from campaign_plus.sending.settings import get_sending_settings

	batch_size = get_sending_settings().batch_size
	with counting_queries() as queries:
		start = time.perf_counter()
		result = planner.plan_campaign(campaign, enqueue=False)
		batches = list(create_batch(ledger.planned_names(campaign), batch_size))
		for number, names in enumerate(batches, start=1):  # what the RQ workers do
			sender.send_batch(campaign, list(names), number, len(batches))
		elapsed = time.perf_counter() - start
	queued = frappe.db.count("Campaign Send Log", {"campaign": campaign, "status": "Queued"})
	assert queued == result.planned, (queued, result)
	assert result.planned, f"nothing planned, nothing measured: {result}"  # e.g. every lead skipped
	return elapsed, queries["n"], len(batches)


@contextmanager
def inbox_features_off():
	"""The send batches as before inbox-ready email: no per-message headers (list headers,
	Feedback-ID, send id), no sender's footer (the baseline of the inbox-ready ratio)."""
	from campaign_plus.sending import sender

	class NoFooters:
		def __init__(self, campaign, rows):
			pass

		def add(self, row, body, text):
			return body, text

	saved = sender.add_message_headers, sender.BatchFooters
	sender.add_message_headers, sender.BatchFooters = (lambda campaign, items: None), NoFooters
	try:
		yield
	finally:
		sender.add_message_headers, sender.BatchFooters = saved


def run_interleaved(
	campaigns: list[str], plain: frozenset = frozenset()
) -> list[tuple[float, float, int, int]]:
	"""Like :func:`run_campaign_plus` for several campaigns, their steps taken in turn (plan A,
	plan B, batch 1 of A, batch 1 of B, …) so that a shared machine's load weighs on each alike.
	Campaigns in ``plain`` are sent without the inbox-ready features (:func:`inbox_features_off`).
	Returns (seconds, CPU seconds of this process, SQL, batches) per campaign."""
	from contextlib import nullcontext

	from campaign_plus.sending import ledger, planner, sender
	from campaign_plus.sending.settings import get_sending_settings

	batch_size = get_sending_settings().batch_size
	wall, cpu, sql = [0.0] * len(campaigns), [0.0] * len(campaigns), [0] * len(campaigns)

	def timed(i, work):
		with counting_queries() as queries, inbox_features_off() if campaigns[i] in plain else nullcontext():
			start, start_cpu = time.perf_counter(), time.process_time()
			result = work()
			wall[i] += time.perf_counter() - start
			cpu[i] += time.process_time() - start_cpu
		sql[i] += queries["n"]
		return result

	planned, batches = [], []
	for i, campaign in enumerate(campaigns):
		planned.append(timed(i, lambda c=campaign: planner.plan_campaign(c, enqueue=False)))
		batches.append(timed(i, lambda c=campaign: list(create_batch(ledger.planned_names(c), batch_size))))
	for number in range(1, max(map(len, batches)) + 1):
		for i, campaign in enumerate(campaigns):
			if number <= len(batches[i]):
				names = list(batches[i][number - 1])
				timed(i, lambda c=campaign, n=names: sender.send_batch(c, n, number, len(batches[i])))
	for campaign, result in zip(campaigns, planned, strict=True):
		queued = frappe.db.count("Campaign Send Log", {"campaign": campaign, "status": "Queued"})
		assert queued == result.planned, (queued, result)
		assert result.planned, f"nothing planned, nothing measured: {result}"  # e.g. every lead skipped
	return [(wall[i], cpu[i], sql[i], len(batches[i])) for i in range(len(campaigns))]


def run_stock(campaign: str) -> tuple[float, int]:
	from erpnext.crm.doctype.email_campaign.email_campaign import send_email_to_leads_or_contacts

	import campaign_plus.sending.stock as stock

	# Let ERPNext's path run (campaign_plus refuses it normally), on the same recipients.
	guard, stock.refuse_stock_campaign_email = stock.refuse_stock_campaign_email, lambda *a, **k: None
	# ERPNext 16 queues one background job per email: let them all in (Frappe refuses new jobs
	# past ~500 queued), and take them out of the queue afterwards (the rows are rolled back).
	jobs, enqueue = [], frappe.enqueue

	def recording_enqueue(*args, **kwargs):
		job = enqueue(*args, **kwargs)
		jobs.append(job)
		return job

	frappe.enqueue, max_jobs = recording_enqueue, frappe.conf.get("max_queued_jobs")
	frappe.conf.max_queued_jobs = 10**9
	try:
		with counting_queries() as queries:
			start = time.perf_counter()
			send_email_to_leads_or_contacts()
			elapsed = time.perf_counter() - start
	finally:
		stock.refuse_stock_campaign_email = guard
		frappe.enqueue = enqueue
		frappe.conf.max_queued_jobs = max_jobs
		for job in jobs:
			if hasattr(job, "delete"):
				job.delete()
	return elapsed, queries["n"]


def run_designed(n: int) -> tuple[str, str]:
	"""Today's template and a designed email (every block, two priced items), both tracked, for n
	recipients each, their batches run in turn: the designed one within 10 % of today's."""
	from _design import attach_design

	warm = make_data(min(n, 100), tracking=True)
	attach_design(warm)
	run_campaign_plus(warm)  # imports, the compile (cached per design version)
	frappe.db.set_value("Email Campaign", {"campaign_name": warm}, "status", "Completed")
	plain_campaign = make_data(n, tracking=True)
	designed_campaign = make_data(n, tracking=True)
	attach_design(designed_campaign)
	(plain, plain_cpu, plain_sql, _b), (designed, designed_cpu, designed_sql, _d) = run_interleaved(
		[plain_campaign, designed_campaign]
	)
	message = frappe.db.get_value("Email Queue", {"reference_name": designed_campaign}, "message") or ""
	print(f"designed email: {n} recipients: {designed:.2f} s ({designed_cpu:.2f} s CPU), {designed_sql} SQL "
	      f"({designed / n * 1000:.2f} ms per recipient, {len(message) // 1024} KB a message); today's template: "
	      f"{plain:.2f} s ({plain_cpu:.2f} s CPU), {plain_sql} SQL", flush=True)  # fmt: skip
	print(f"ratio (designed / today's template, batches run in turn): time {designed / plain:.2f}x, CPU "
	      f"{designed_cpu / plain_cpu:.2f}x (target: at most 1.10x), SQL {designed_sql / max(plain_sql, 1):.2f}x",
	      flush=True)  # fmt: skip
	return plain_campaign, designed_campaign


def uptime() -> str:
	import subprocess

	return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--recipients", type=int, default=10_000)
	parser.add_argument(
		"--stock-recipients", type=int, help="recipients for the stock path (default: the same)"
	)
	parser.add_argument(
		"--designed", action=argparse.BooleanOptionalAction, default=True,
		help="also compare a designed email (Email Designer) with today's template, in the same run",
	)  # fmt: skip
	args = parser.parse_args()

	with rolled_back_session(args.site):
		default_outgoing_account()  # a site made a minute ago has none
		n = args.recipients
		for tracking in (False, True):  # warm up both paths (imports, caches) before timing either
			warm = make_data(min(n, 100), tracking=tracking)
			run_campaign_plus(warm)
			frappe.db.set_value("Email Campaign", {"campaign_name": warm}, "status", "Completed")
		untracked_campaign = make_data(n, tracking=False)
		ours_campaign = make_data(n, tracking=True)
		plain_campaign = make_data(n, tracking=True)
		results = run_interleaved(
			[untracked_campaign, ours_campaign, plain_campaign], plain=frozenset([plain_campaign])
		)
		(untracked, untracked_cpu, untracked_queries, _b), (ours, ours_cpu, ours_queries, batches) = results[
			:2
		]
		plain, plain_cpu, plain_queries, _b = results[2]
		per_ours = ours / n
		print(f"campaign_plus, tracking off: {n} recipients: {untracked:.2f} s ({untracked_cpu:.2f} s CPU), "
		      f"{untracked_queries} SQL ({untracked / n * 1000:.2f} ms and {untracked_queries / n:.2f} SQL per recipient)",
		      flush=True)  # fmt: skip
		print(f"campaign_plus: {n} recipients, {batches} batches: {ours:.2f} s ({ours_cpu:.2f} s CPU), {ours_queries} SQL "
		      f"({per_ours * 1000:.2f} ms and {ours_queries / n:.2f} SQL per recipient), tracking on", flush=True)  # fmt: skip
		print(f"ratio (tracking on / off, batches run in turn): time {ours / untracked:.2f}x, CPU "
		      f"{ours_cpu / untracked_cpu:.2f}x (target: at most 1.20x), SQL {ours_queries / max(untracked_queries, 1):.2f}x",
		      flush=True)  # fmt: skip
		print(f"campaign_plus without the inbox-ready features (list headers, Feedback-ID, send id, footer), "
		      f"tracking on: {plain:.2f} s ({plain_cpu:.2f} s CPU), {plain_queries} SQL", flush=True)  # fmt: skip
		print(f"ratio (inbox-ready on / off, batches run in turn; DKIM is signed at delivery): time "
		      f"{ours / plain:.2f}x, CPU {ours_cpu / plain_cpu:.2f}x (target: at most 1.10x), "
		      f"SQL {ours_queries / max(plain_queries, 1):.2f}x; uptime: {uptime()}", flush=True)  # fmt: skip
		designed_campaign = run_designed(n) if args.designed else None
		m = args.stock_recipients or n
		# The stock job walks every In Progress Email Campaign: hide ours from it.
		for campaign in (untracked_campaign, ours_campaign, plain_campaign, *(designed_campaign or ())):
			frappe.db.set_value("Email Campaign", {"campaign_name": campaign}, "status", "Completed")
		say(f"stock ERPNext path, {m} recipients…")
		stock_campaign = make_data(m)
		stock, stock_queries = run_stock(stock_campaign)
		stock_sent = frappe.db.count(
			"Communication", {"reference_doctype": "Email Campaign", "reference_name": ("like", "EC-BENCH-%")}
		)

	per_stock = stock / m
	print(f"stock ERPNext: {m} recipients ({stock_sent} communications): {stock:.2f} s, {stock_queries} SQL "
	      f"({per_stock * 1000:.2f} ms and {stock_queries / m:.2f} SQL per recipient)")  # fmt: skip
	print(f"ratio (stock / campaign_plus, per recipient): time {per_stock / per_ours:.1f}x, "
	      f"SQL {(stock_queries / m) / (ours_queries / n):.1f}x")  # fmt: skip


if __name__ == "__main__":
	main()
