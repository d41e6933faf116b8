# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: assign a 5-step activity to a segment of N target members.

    benchmarks/run activities --members 5000

Baseline in the same run: creating the same tasks one ``insert()`` at a time, on a sample.
Everything is rolled back at the end.
"""

import argparse
import time

import frappe
from _drive import say
from _site import insert_leads, rolled_back_session


class _Todo:
	"""A created to-do seen as the task it came from (what show_assignees reads)."""

	class step:
		is_event = False

	def __init__(self, row):
		self.target, self.user = (row.reference_type, row.reference_name), row.allocated_to


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--members", type=int, default=5_000)
	parser.add_argument("--naive-sample", type=int, default=500)
	args = parser.parse_args()

	from campaign_plus.activities.assign import assign, show_assignees
	from campaign_plus.segments import actions

	with rolled_back_session(args.site):
		frappe.flags.in_test = True  # create the tasks in this process, not on a worker
		tag = f"BenchAct-{frappe.generate_hash(length=6)}"
		insert_leads(tag, args.members, city=tag)
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": tag}).insert()
		segment = frappe.get_doc(
			{"doctype": "Campaign Segment", "segment_name": tag, "campaign": campaign.name}
		).insert()
		actions.apply_criteria(segment.name, "Add", "Lead", {"city": tag})
		steps = [("Call", "0D"), ("Email", "2D"), ("Task", "1W"), ("Call", "2W"), ("Task", "CM")]
		activity = frappe.get_doc(
			{
				"doctype": "Campaign Activity",
				"activity_name": tag,
				"steps": [
					{"activity_type": t, "description": f"{t} {f}", "date_formula": f} for t, f in steps
				],
			}
		).insert()
		user = "Administrator"
		company = frappe.get_all("Company", pluck="name", limit=1)[0]
		employee = frappe.get_doc(
			{"doctype": "Employee", "first_name": tag, "gender": frappe.get_all("Gender", pluck="name", limit=1)[0],
			 "date_of_birth": "1990-01-01", "date_of_joining": "2020-01-01", "company": company, "user_id": user}
		).insert(ignore_permissions=True)  # fmt: skip
		person = frappe.get_doc(
			{"doctype": "Sales Person", "sales_person_name": tag, "parent_sales_person": "Sales Team", "employee": employee.name}
		).insert(ignore_permissions=True)  # fmt: skip

		start = time.perf_counter()
		result = assign(activity.name, "Campaign Segment", segment.name, person.name, "2026-12-01")
		elapsed = time.perf_counter() - start
		assert result["tasks"] == args.members * len(steps), result
		say(f"  assigned: {result['tasks']} tasks in {elapsed:.2f} s")
		assert (
			frappe.db.count("Lead", {"name": ("like", f"{tag}-%"), "_assign": ("like", f"%{user}%")})
			== args.members
		)

		# the share of it that keeps the leads' "Assigned To" (_assign) up to date, measured again
		# (now on leads already assigned: the slower path, an upper bound)
		tasks = frappe.get_all(
			"ToDo",
			filters={"cp_activity_assignment": result["assignment"]},
			fields=["reference_type", "reference_name", "allocated_to"],
		)
		start = time.perf_counter()
		show_assignees([_Todo(t) for t in tasks])
		assigned_to = time.perf_counter() - start
		say(f"  Assigned To again: {assigned_to:.2f} s; now the naive sample…")

		sample = args.naive_sample
		start = time.perf_counter()
		for i in range(sample):
			frappe.get_doc(
				{"doctype": "ToDo", "description": "naive", "allocated_to": user, "reference_type": "Lead",
				 "reference_name": f"{tag}-{i:07d}", "date": "2026-12-01"}
			).insert(ignore_permissions=True)  # fmt: skip
		naive = (time.perf_counter() - start) / sample

	tasks = result["tasks"]
	print(f"Assign a {len(steps)}-step activity to {args.members} members: {tasks} tasks in {elapsed:.2f} s "
	      f"({elapsed / tasks * 1e6:.0f} µs per task)")  # fmt: skip
	print(f"  of which the documents' Assigned To (_assign, {args.members} leads): {assigned_to:.2f} s "
	      f"({assigned_to / elapsed:.0%})")  # fmt: skip
	print(f"Naive insert() per task ({sample} sample): {naive * 1e6:.0f} µs per task; "
	      f"set-based is {naive / (elapsed / tasks):.0f}x faster per task")  # fmt: skip


if __name__ == "__main__":
	main()
