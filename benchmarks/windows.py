# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: one planner run with send windows — N recipients across 20 time zones, a step at
09:00 in each recipient's zone, quiet hours 20:00 to 08:00, business days, a frequency cap of 2 per
7 days over a 30-day history of M ledger rows of another campaign.

    benchmarks/run windows --recipients 100000 --history 200000

Printed: seconds and SQL statements of the run (target ≤ 10 s for 100,000 recipients), what it
decided (planned, deferred by reason), the next run (nothing new), and — the baseline, in the same
run — the same recipients planned by a campaign without send time, quiet hours or cap.
Nothing is sent (the planner's enqueue is off) and everything is rolled back at the end.
"""

import argparse
import datetime as dt
import os
import random
import time
from collections import Counter
from contextlib import contextmanager

import frappe
from _drive import say
from _site import rolled_back_session
from frappe.utils import add_days, getdate, now_datetime
from send_emails import counting_queries

ZONES = [
	"Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata",
	"Asia/Dubai", "Europe/Moscow", "Africa/Johannesburg", "Europe/Paris", "Europe/London",
	"Atlantic/Azores", "America/Sao_Paulo", "America/Halifax", "America/New_York", "America/Chicago",
	"America/Denver", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "Pacific/Chatham",
]  # fmt: skip
# A quarter of the recipients have no zone of their own, only a country (one with a single zone).
COUNTRIES = ["France", "Japan", "India", "Germany", "New Zealand"]


def insert_recipients(tag: str, n: int) -> list[tuple[str, str]]:
	"""N leads (every 4th with a country instead of a time zone): (name, email)."""
	now = now_datetime()
	rows, leads = [], []
	for i in range(n):
		name, email = f"{tag}-{i:07d}", f"lead{i}@{tag.lower()}.example.com"
		zone, country = (None, COUNTRIES[i % len(COUNTRIES)]) if i % 4 == 3 else (ZONES[i % len(ZONES)], None)
		rows.append(
			(
				name,
				now,
				now,
				"Administrator",
				"Administrator",
				f"Lead {i}",
				f"Lead {i}",
				email,
				"Lead",
				zone,
				country,
			)
		)
		leads.append((name, email))
	frappe.db.bulk_insert(
		"Lead",
		["name", "creation", "modified", "owner", "modified_by", "first_name", "lead_name", "email_id", "status",
		 "cp_time_zone", "country"],
		rows,
		chunk_size=5000,
	)  # fmt: skip
	return leads


def make_campaign(tag: str, leads, start, step=None, **values) -> str:
	template = frappe.get_doc(
		{"doctype": "Email Template", "name": f"_Bench CP {tag}", "subject": "Hi", "response": "<p>Hi</p>"}
	).insert(ignore_permissions=True)
	# its leads have no consent record: no opt-in needed, whatever the site's rule
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"_Bench CP {tag}",
			"cp_opt_in_rule": "Not Required",
			**values,
		}
	).insert(ignore_permissions=True)
	campaign.append(
		"campaign_schedules", {"email_template": template.name, "send_after_days": 0, **(step or {})}
	)
	campaign.save()
	now = now_datetime()
	frappe.db.bulk_insert(
		"Email Campaign",
		["name", "creation", "modified", "owner", "modified_by", "campaign_name", "email_campaign_for", "recipient",
		 "sender", "start_date", "end_date", "status"],
		[(f"EC-{tag}-{name}", now, now, "Administrator", "Administrator", campaign.name, "Lead", name, "Administrator",
		  start, add_days(start, 30), "In Progress") for name, _email in leads],
		chunk_size=5000,
	)  # fmt: skip
	return campaign.name


def insert_history(tag: str, leads, m: int) -> None:
	"""M Sent ledger rows of another campaign over the last 30 days, spread over the addresses."""
	rng = random.Random(7)
	now, utc_now = now_datetime(), dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
	rows = []
	for i in range(m):
		name, email = leads[i % len(leads)]
		moment = utc_now - dt.timedelta(seconds=rng.randrange(30 * 24 * 3600))
		rows.append(
			(f"H{tag}{i:08d}", now, now, "Administrator", "Administrator", 0, f"_Bench History {tag}",
			 f"hist-{i // len(leads)}", 1, "Lead", name, email, "Sent", moment, moment.date())
		)  # fmt: skip
	frappe.db.bulk_insert(
		"Campaign Send Log",
		["name", "creation", "modified", "owner", "modified_by", "docstatus", "campaign", "schedule_row", "step_idx",
		 "party_type", "party", "email", "status", "send_at", "due_date"],
		rows,
		chunk_size=10000,
	)  # fmt: skip


@contextmanager
def phases():
	"""Seconds spent in each part of a planner run, and in SQL."""
	from campaign_plus.sending import planner

	spent = Counter()
	originals = {name: getattr(planner, name) for name in ("_load", "schedule", "_write")}
	labels = {"_load": "load", "schedule": "decide", "_write": "write"}

	def timed(name, function):
		def wrapper(*args, **kwargs):
			start = time.perf_counter()
			try:
				return function(*args, **kwargs)
			finally:
				spent[labels[name]] += time.perf_counter() - start

		return wrapper

	sql = frappe.db.sql

	def timed_sql(*args, **kwargs):
		start = time.perf_counter()
		try:
			return sql(*args, **kwargs)
		finally:
			spent["sql"] += time.perf_counter() - start

	for name, function in originals.items():
		setattr(planner, name, timed(name, function))
	frappe.db.sql = timed_sql
	try:
		yield spent
	finally:
		for name, function in originals.items():
			setattr(planner, name, function)
		frappe.db.sql = sql


def run(campaign: str):
	from campaign_plus.sending import planner

	with counting_queries() as queries, phases() as spent:
		start = time.perf_counter()
		result = planner.plan_campaign(campaign, enqueue=False)
		elapsed = time.perf_counter() - start
	detail = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in spent.items())
	return elapsed, queries["n"], result, detail


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--recipients", type=int, default=100_000)
	parser.add_argument("--history", type=int, default=200_000)
	args = parser.parse_args()

	with rolled_back_session(args.site):
		tag = frappe.generate_hash(length=6).upper()
		say(f"preparing {args.recipients} recipients and {args.history} ledger rows of history...")
		leads = insert_recipients(f"BW{tag}", args.recipients)
		insert_history(tag, leads, args.history)
		yesterday = add_days(getdate(), -1)  # every zone's 09:00 of that day has passed
		for field, value in {
			"quiet_hours_start": "20:00",
			"quiet_hours_end": "08:00",
			"frequency_cap": 2,
			"frequency_cap_days": 7,
		}.items():
			frappe.db.set_single_value("Campaign Plus Settings", field, value)
		windows = make_campaign(
			f"W{tag}",
			leads,
			yesterday,
			cp_business_days_only=1,
			step={"cp_send_time": "09:00", "cp_in_recipient_time_zone": 1},
		)
		elapsed, queries, _first, detail = run(windows)
		say(f"  planner run: {elapsed:.2f} s, {queries} SQL")
		again, again_queries, _result, again_detail = run(windows)
		say(f"  next run: {again:.2f} s, {again_queries} SQL; now the baseline…")
		statuses = Counter(
			(row.status, row.reason or "")
			for row in frappe.get_all(
				"Campaign Send Log", filters={"campaign": windows}, fields=["status", "reason"]
			)
		)
		zones = frappe.db.count("Campaign Send Log", {"campaign": windows, "time_zone": ("is", "set")})

		# baseline: the same recipients, a step without send time, no quiet hours, no cap
		for field in ("quiet_hours_start", "quiet_hours_end"):
			frappe.db.set_single_value("Campaign Plus Settings", field, None)
		frappe.db.set_single_value("Campaign Plus Settings", "frequency_cap", 0)
		plain = make_campaign(f"P{tag}", leads, yesterday)
		base, base_queries, base_result, base_detail = run(plain)

	n = args.recipients
	load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
	print(
		f"send windows: {n} recipients in {len(ZONES)} time zones, cap 2 per 7 days, {args.history} history rows"
	)
	print(f"  planner run: {elapsed:.2f} s, {queries} SQL (target ≤ 10 s) — {detail}")
	print(f"  outcome: {dict(sorted(statuses.items()))}; rows with a time zone: {zones}")
	print(f"  next run (nothing new): {again:.2f} s, {again_queries} SQL — {again_detail}")
	print(f"baseline (no send time, no quiet hours, no cap): {base:.2f} s, {base_queries} SQL, "
	      f"{base_result.planned} planned — {base_detail}")  # fmt: skip
	print(
		f"ratio (send windows / baseline): time {elapsed / base:.2f}x, SQL {queries / max(base_queries, 1):.2f}x"
	)
	print(f"(machine load average during the run: {load}; {os.cpu_count()} cores)")


if __name__ == "__main__":
	main()
