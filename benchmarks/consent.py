# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: the opt-in rule in the planner, for a campaign of N recipients.

    benchmarks/run consent --recipients 10000 --others 50000

Half the recipients granted consent, a quarter granted then withdrew, the rest never answered;
``--others`` addresses outside the campaign granted consent too (a site's whole history). Times
the "No Consent" exclusion (the hook the planner calls) under the "All Recipients" and "Private
Persons" rules; baseline in the same run: the rest of the plan computation (recipients, ledger,
unsubscribes) of the same campaign with the rule "Not Required". Everything is rolled back.
"""

import argparse
import time

import frappe
from _drive import say
from _site import insert_leads, rolled_back_session
from frappe.utils import add_days, now_datetime


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--recipients", type=int, default=10_000)
	parser.add_argument("--others", type=int, default=50_000)
	args = parser.parse_args()

	from campaign_plus.consent import records, rule
	from campaign_plus.sending import planner
	from campaign_plus.utils.db import STANDARD_COLUMNS

	with rolled_back_session(args.site):
		tag = f"BenchCo-{frappe.generate_hash(length=6)}"
		template = frappe.get_doc(
			{"doctype": "Email Template", "name": tag, "subject": "Hi", "response": "Hello"}
		).insert()
		campaign = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": tag,
				"cp_opt_in_rule": "Not Required",
				"campaign_schedules": [{"email_template": template.name, "send_after_days": 0}],
			}
		).insert()
		leads = insert_leads(tag, args.recipients)
		now = now_datetime()
		frappe.db.bulk_insert(
			"Email Campaign",
			[*STANDARD_COLUMNS, "campaign_name", "email_campaign_for", "recipient", "start_date", "status"],
			[(f"{tag}-EC-{i:07d}", now, now, "Administrator", "Administrator", 0, campaign.name, "Lead", name,
			  now.date(), "In Progress") for i, (name, _first, _email) in enumerate(leads)],
			chunk_size=5000,
		)  # fmt: skip
		granted = [email for i, (_n, _f, email) in enumerate(leads) if i % 4 in (0, 1)]
		withdrawn = [email for i, (_n, _f, email) in enumerate(leads) if i % 4 == 2]
		others = [f"other{i}@{tag.lower()}.example.org" for i in range(args.others)]
		earlier = add_days(now, -30)
		records.insert(
			[records.NewRecord(e, "Granted", "Data Import") for e in granted + withdrawn + others], on=earlier
		)
		records.insert([records.NewRecord(e, "Withdrawn", "Unsubscribed") for e in withdrawn], on=now)

		def timed(runs: int, fn):
			start = time.perf_counter()
			for _ in range(runs):
				result = fn()
			return (time.perf_counter() - start) / runs, result

		baseline, (_steps, recipients, _options, _settings) = timed(
			3, lambda: planner.compute_plan(campaign.name, now.date())
		)
		say(f"  plan computation without the opt-in rule: {baseline:.3f} s")
		results = {}
		for name in ("All Recipients", "Private Persons"):
			frappe.db.set_value("Campaign", campaign.name, "cp_opt_in_rule", name)
			results[name] = timed(3, lambda: rule.no_consent(campaign.name, recipients))
			excluded = results[name][1].get("No Consent", set())
			assert len(excluded) == args.recipients - len(granted), (name, len(excluded))
			say(f"  opt-in rule '{name}': {results[name][0]:.3f} s")

	print(f"Plan computation without the opt-in rule, {args.recipients} recipients: {baseline:.3f} s")
	for name, (seconds, _result) in results.items():
		print(
			f"Opt-in rule '{name}' ({args.others} other granted addresses on file): {seconds:.3f} s "
			f"(ratio {seconds / baseline:.2f})"
		)


if __name__ == "__main__":
	main()
