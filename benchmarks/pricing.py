# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: activate campaign prices for N target customers and R price rows, and the time the
campaign hook adds to one Sales Order validation.

    benchmarks/run pricing --customers 10000 --rows 200

Baselines in the same run: reactivating (nothing to change), and a whole Sales Order insert
(the hook's share of it). Everything is rolled back at the end.
"""

import argparse
import datetime as dt
import time

import frappe
from _drive import say
from _site import rolled_back_session
from frappe.utils import now_datetime


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--customers", type=int, default=10_000)
	parser.add_argument("--rows", type=int, default=200)
	args = parser.parse_args()

	from campaign_plus.pricing import activation, transactions
	from campaign_plus.segments import actions

	with rolled_back_session(args.site):
		tag = f"BenchPr-{frappe.generate_hash(length=6)}"
		now, user = now_datetime(), "Administrator"
		group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
		territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
		frappe.db.bulk_insert(
			"Customer",
			[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"customer_name",
				"customer_type",
				"customer_group",
				"territory",
			],
			[
				(f"{tag}-{i:06d}", now, now, user, user, f"{tag} {i}", "Company", group, territory)
				for i in range(args.customers)
			],
			chunk_size=5000,
		)
		item_group = frappe.db.get_value("Item Group", {"is_group": 0}, "name")
		items = [f"{tag}-ITEM-{i:04d}" for i in range(args.rows)]
		frappe.db.bulk_insert(
			"Item",
			[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"item_code",
				"item_name",
				"item_group",
				"stock_uom",
				"is_stock_item",
			],
			[(code, now, now, user, user, code, code, item_group, "Nos", 0) for code in items],
		)
		frappe.db.bulk_insert(
			"UOM Conversion Detail",
			[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"parent",
				"parenttype",
				"parentfield",
				"idx",
				"uom",
				"conversion_factor",
			],
			[(f"{code}-uom", now, now, user, user, code, "Item", "uoms", 1, "Nos", 1) for code in items],
		)
		company = frappe.get_all("Company", pluck="name", limit=1)[0]
		campaign = frappe.get_doc(
			{
				"doctype": "Campaign",
				"campaign_name": tag,
				"cp_company": company,
				"cp_start_date": "2026-01-01",
				"cp_end_date": "2026-12-31",
				"cp_item_prices": [{"item_code": code, "rate": 10} for code in items],
			}
		).insert()
		segment = frappe.get_doc(
			{"doctype": "Campaign Segment", "segment_name": tag, "campaign": campaign.name}
		).insert()
		actions.apply_criteria(segment.name, "Add", "Customer", [["customer_name", "like", f"{tag}%"]])

		start = time.perf_counter()
		result = activation.activate(campaign.name)
		activate = time.perf_counter() - start
		assert (result["customers"], result["created"]) == (args.customers, args.rows), result
		start = time.perf_counter()
		again = activation.activate(campaign.name)
		reactivate = time.perf_counter() - start
		assert again["created"] == again["updated"] == 0, again
		say(f"  activate: {activate:.2f} s, reactivate: {reactivate:.2f} s; now the Sales Order hook…")

		frappe.get_doc(
			{"doctype": "Item Price", "item_code": items[0], "price_list": "Standard Selling", "price_list_rate": 12, "valid_from": "2026-01-01"}
		).insert(ignore_permissions=True)  # fmt: skip
		day = dt.date(2026, 6, 1)

		def order():
			return frappe.get_doc(
				{"doctype": "Sales Order", "customer": f"{tag}-000001", "company": company, "transaction_date": day,
				 "delivery_date": day, "selling_price_list": "Standard Selling",
				 "items": [{"item_code": items[0], "qty": 1, "delivery_date": day}]}
			)  # fmt: skip

		runs = 50
		orders = [order() for _ in range(runs)]
		start = time.perf_counter()
		for doc in orders:
			transactions.apply_campaign(doc)
		hook = (time.perf_counter() - start) / runs
		start = time.perf_counter()
		inserted = [order().insert(ignore_permissions=True) for _ in range(10)]
		insert = (time.perf_counter() - start) / 10
		assert inserted[0].items[0].rate == 10, inserted[0].items[0].rate

	print(f"Activate {args.rows} price rows for {args.customers} target customers: {activate:.2f} s; "
	      f"reactivate with nothing to change: {reactivate:.2f} s")  # fmt: skip
	print(f"Campaign hook on one Sales Order validation: {hook * 1000:.2f} ms "
	      f"(a whole Sales Order insert: {insert * 1000:.0f} ms, so {hook / insert * 100:.1f} % of it)")  # fmt: skip


if __name__ == "__main__":
	main()
