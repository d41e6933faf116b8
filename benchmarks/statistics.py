# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: refresh a campaign's statistics with N leads and M opportunities linked to it.

    benchmarks/run statistics --leads 100000 --opportunities 20000

Baseline in the same run: ERPNext's own Campaign Efficiency report for the same data (counts
only, no cost). Everything is rolled back at the end.
"""

import argparse
import time

import frappe
from _drive import say
from _site import insert_leads, rolled_back_session
from frappe.utils import now_datetime


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--leads", type=int, default=100_000)
	parser.add_argument("--opportunities", type=int, default=20_000)
	parser.add_argument("--profile", action="store_true", help="print each query's time")
	args = parser.parse_args()

	from campaign_plus.links import campaign_link_value, get_campaign_link
	from campaign_plus.stats import aggregate, entries

	with rolled_back_session(args.site):
		tag = f"BenchSt-{frappe.generate_hash(length=6)}"
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": tag, "cp_budget": 50000}).insert()
		leads = insert_leads(tag, args.leads)
		lead_link, opp_link = get_campaign_link("Lead"), get_campaign_link("Opportunity")
		lead_value, opp_value = (
			campaign_link_value(lead_link, campaign.name),
			campaign_link_value(opp_link, campaign.name),
		)
		table = frappe.qb.DocType("Lead")
		frappe.qb.update(table).set(table[lead_link.fieldname], lead_value).where(
			table.name.like(f"{tag}-%")
		).run()
		now, user = now_datetime(), "Administrator"
		frappe.db.bulk_insert(
			"Opportunity",
			["name", "creation", "modified", "owner", "modified_by", "opportunity_from", "party_name", "status",
			 "opportunity_amount", opp_link.fieldname, "transaction_date"],
			[(f"{tag}-OPP-{i:06d}", now, now, user, user, "Lead", leads[i % len(leads)][0], "Open", 100 + i % 50, opp_value, now.date())
			 for i in range(args.opportunities)],
			chunk_size=5000,
		)  # fmt: skip
		for i in range(20):
			entries.add_entry(campaign.name, "Manual", f"Cost {i}", cost=100)

		if "--profile" in __import__("sys").argv:
			original = frappe.db.sql

			def timed(query, *a, **k):
				t = time.perf_counter()
				out = original(query, *a, **k)
				print(f"{(time.perf_counter() - t) * 1000:8.1f} ms  {' '.join(str(query).split())[:110]}")
				return out

			frappe.db.sql = timed
			aggregate.refresh(campaign.name)
			frappe.db.sql = original
		say(f"  data ready ({args.leads} leads, {args.opportunities} opportunities); refreshing…")
		runs = 3
		start = time.perf_counter()
		for _ in range(runs):
			result = aggregate.refresh(campaign.name)
		ours = (time.perf_counter() - start) / runs
		assert result["cp_leads"] == args.leads and result["cp_opportunities"] == args.opportunities, result

		baseline = None
		try:
			from erpnext.crm.report.campaign_efficiency.campaign_efficiency import execute

			start = time.perf_counter()
			execute(frappe._dict(from_date="2000-01-01", to_date="2100-01-01"))
			baseline = time.perf_counter() - start
		except Exception as error:  # the report's shape differs between versions
			print(f"(baseline unavailable: {type(error).__name__}: {error})")

	print(f"Refresh statistics with {args.leads} leads and {args.opportunities} opportunities: {ours:.3f} s")
	if baseline is not None:
		print(
			f"ERPNext Campaign Efficiency report (all campaigns, counts only): {baseline:.3f} s (ratio {ours / baseline:.2f})"
		)


if __name__ == "__main__":
	main()
