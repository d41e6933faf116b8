# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: a segment of N leads — Add by criteria, Go Back, and form load time.

Run on a bench site with campaign_plus installed (everything is rolled back at the end):

    benchmarks/run segments --leads 100000

Baselines measured in the same run: the segment form's load time while empty (it must not grow
with the member count), and adding members one document at a time (``insert()`` per member,
on a sample) — what a naive implementation would do.
"""

import argparse
import time

import frappe
from _drive import say
from _site import insert_leads, rolled_back_session


def seconds(fn):
	start = time.perf_counter()
	result = fn()
	return time.perf_counter() - start, result


def form_load(segment: str) -> float:
	from frappe.desk.form.load import getdoc

	frappe.clear_document_cache("Campaign Segment", segment)
	elapsed, _ = seconds(lambda: getdoc("Campaign Segment", segment))
	return elapsed


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--leads", type=int, default=100_000)
	parser.add_argument("--naive-sample", type=int, default=1_000)
	args = parser.parse_args()

	from campaign_plus.segments import actions

	with rolled_back_session(args.site):
		tag = f"BenchSeg-{frappe.generate_hash(length=6)}"
		rows = insert_leads(tag, args.leads, city=tag)
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": tag}).insert()
		segment = frappe.get_doc(
			{"doctype": "Campaign Segment", "segment_name": tag, "campaign": campaign.name}
		).insert()

		empty_load = min(form_load(segment.name) for _ in range(3))
		say(f"  form load, empty segment: {empty_load * 1000:.1f} ms")
		add, result = seconds(lambda: actions.apply_criteria(segment.name, "Add", "Lead", {"city": tag}))
		assert result["added"] == args.leads, result
		say(f"  Add {args.leads} leads by criteria: {add:.2f} s")
		full_load = min(form_load(segment.name) for _ in range(3))
		say(f"  form load, {args.leads} members: {full_load * 1000:.1f} ms")
		back, result = seconds(lambda: actions.go_back(segment.name))
		assert result["member_count"] == 0, result
		say(f"  Go Back: {back:.2f} s; now the naive sample…")

		sample = args.naive_sample
		naive_segment = frappe.get_doc(
			{"doctype": "Campaign Segment", "segment_name": f"{tag} naive", "campaign": campaign.name}
		).insert()
		naive, _ = seconds(
			lambda: [
				frappe.get_doc(
					{"doctype": "Campaign Segment Member", "segment": naive_segment.name, "party_type": "Lead",
					 "party": name, "party_name": lead_name, "email": email, "campaign_target": 1}
				).insert(ignore_permissions=True)
				for name, lead_name, email in rows[:sample]
			]
		)  # fmt: skip

	n = args.leads
	print(f"Add {n} leads by criteria: {add:.2f} s ({add / n * 1e6:.1f} µs per member)")
	print(f"Go Back over {n} members: {back:.2f} s")
	print(f"Form load: empty {empty_load * 1000:.1f} ms, with {n} members {full_load * 1000:.1f} ms "
	      f"(ratio {full_load / empty_load:.2f})")  # fmt: skip
	print(f"Naive insert() per member ({sample} sample): {naive / sample * 1e6:.0f} µs per member; "
	      f"set-based Add is {naive / sample / (add / n):.0f}x faster per member")  # fmt: skip


if __name__ == "__main__":
	main()
