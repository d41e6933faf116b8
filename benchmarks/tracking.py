# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: open and click hits through Frappe's real WSGI application, and the send cost of
tracking.

    benchmarks/run tracking --hits 10000 --send-recipients 2000

Hits: N/2 pixel GETs and N/2 click GETs (werkzeug's test client on ``frappe.app.application``,
the code a bench's web worker runs) on the signed URLs of 1,000 sent messages tracked
individually. Printed: hits per second and SQL statements per hit (all of them: Frappe's own
per-request statements and the hit's), against Frappe's own ``ping`` method through the same
application in the same run (the floor of any request). The rows must be committed for requests to see them;
everything made is deleted at the end. Then the send benchmark (campaign_plus with tracking off,
then on; rolled back) for ``--send-recipients``: tracking must cost at most 20 %.
"""

import argparse
import json
import time
from contextlib import contextmanager

import frappe
from _site import refuse_unless_allowed
from frappe.utils import now_datetime

MESSAGES = 1000
LINKS = [
	"https://shop.example.com/offer",
	"https://shop.example.com/catalogue.pdf",
	"https://www.example.com/contact",
]
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@contextmanager
def counting_all_queries():
	"""Count every SQL statement of every connection (requests open their own)."""
	from frappe.database.database import Database

	counter = {"n": 0}
	original = Database.sql

	def sql(self, *args, **kwargs):
		counter["n"] += 1
		return original(self, *args, **kwargs)

	Database.sql = sql
	try:
		yield counter
	finally:
		Database.sql = original


def make_messages(site: str) -> tuple[str, list[str]]:
	"""A campaign with MESSAGES sent ledger rows tracked individually (committed): its URLs."""
	from campaign_plus.tracking import messages
	from campaign_plus.utils.db import standard_values
	from campaign_plus.utils.signing import signer

	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		tag = frappe.generate_hash(length=6)
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"_Bench Tracking {tag}"}).insert()
		now = now_datetime()
		link_set = messages.link_set_name(campaign.name, LINKS)
		frappe.db.bulk_insert(
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
		rows = [f"BT{tag}{i:06d}" for i in range(MESSAGES)]
		frappe.db.bulk_insert(
			"Campaign Send Log",
			["name", "creation", "modified", "owner", "modified_by", "docstatus", "campaign", "schedule_row",
			 "step_idx", "party_type", "party", "email", "status", "tracking", "sent_on"],
			[(*standard_values(row, now), campaign.name, "bench-step", 1, "Lead", f"BENCH-{row}",
			  f"{row.lower()}@bench.example.com", "Sent", "Individual", now) for row in rows],
		)  # fmt: skip
		frappe.db.commit()
		sign_open, sign_click = signer(messages.OPEN_PURPOSE), signer(messages.CLICK_PURPOSE)
		urls = []
		for i, row in enumerate(rows):
			urls.append(f"{messages.OPEN_METHOD}?t={sign_open('r', row)}")
			urls.append(f"{messages.CLICK_METHOD}?t={sign_click('r', row, link_set, str(i % len(LINKS)))}")
		return campaign.name, urls
	finally:
		frappe.destroy()


def cleanup(site: str, campaign: str) -> dict:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		result = {
			"events": frappe.db.count("Campaign Engagement Event", {"campaign": campaign}),
			"opens": frappe.db.sql(
				"SELECT SUM(opens), SUM(clicks) FROM `tabCampaign Send Log` WHERE campaign = %s", campaign
			)[0],
		}
		for doctype in ("Campaign Engagement Event", "Campaign Link Set", "Campaign Send Log"):
			frappe.db.delete(doctype, {"campaign": campaign})
		frappe.db.delete("Campaign", {"name": campaign})
		frappe.db.commit()
		return result
	finally:
		frappe.destroy()


def run_hits(site: str, urls: list[str], hits: int) -> tuple[float, int, dict]:
	import frappe.app
	from werkzeug.test import Client

	frappe.app._site = site
	frappe.app._sites_path = "."
	client = Client(frappe.app.application)
	statuses: dict[int, int] = {}
	with counting_all_queries() as queries:
		start = time.perf_counter()
		for i in range(hits):
			response = client.get(urls[i % len(urls)], headers={"User-Agent": BROWSER})
			statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
		elapsed = time.perf_counter() - start
	return elapsed, queries["n"], statuses


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--hits", type=int, default=10_000)
	parser.add_argument("--send-recipients", type=int, default=2_000, help="0: skip the send benchmark")
	args = parser.parse_args()

	refuse_unless_allowed(args.site)
	campaign, urls = make_messages(args.site)
	try:
		run_hits(args.site, urls, 50)  # warm up (imports, caches)
		elapsed, queries, statuses = run_hits(args.site, urls, args.hits)
		pings = max(args.hits // 10, 1)
		ping_elapsed, ping_queries, _statuses = run_hits(args.site, ["/api/method/ping"], pings)
	finally:
		result = cleanup(args.site, campaign)
	print(f"tracking hits: {args.hits} (opens and clicks, {MESSAGES} messages) through frappe.app.application: "
	      f"{elapsed:.2f} s, {args.hits / elapsed:.0f} hits per second, {elapsed / args.hits * 1000:.2f} ms per hit")  # fmt: skip
	print(f"SQL statements: {queries} ({queries / args.hits:.2f} per hit, Frappe's request handling included); "
	      f"responses {dict(sorted(statuses.items()))}")  # fmt: skip
	print(f"recorded: {result['events']} events (warm-up included), opens {result['opens'][0]}, "
	      f"clicks {result['opens'][1]}")  # fmt: skip
	per_hit, per_ping = elapsed / args.hits, ping_elapsed / pings
	print(f"baseline, Frappe's ping through the same application: {per_ping * 1000:.2f} ms and "
	      f"{ping_queries / pings:.2f} SQL per request; ratio hit / ping: time {per_hit / per_ping:.2f}x, "
	      f"SQL {queries / args.hits - ping_queries / pings:+.2f} statements")  # fmt: skip

	if args.send_recipients:
		import subprocess
		import sys

		subprocess.run(
			[sys.executable, __file__.replace("tracking.py", "send_emails.py"), "--site", args.site,
			 "--recipients", str(args.send_recipients), "--stock-recipients", "1"],
			check=True,
		)  # fmt: skip


if __name__ == "__main__":
	main()
