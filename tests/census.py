# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A site's census, to prove that a test run leaves nothing behind: the row count of every
table, a checksum of the content of the tables that hold campaigns, their recipients and their
mail (a row changed in place shows too), the values of every Single, and the names of the rows
of the smaller tables (to say what was left behind).

    cd BENCH/sites && BENCH/env/bin/python CHECKOUT/tests/census.py SITE > before.json
    … run a tier …
    cd BENCH/sites && BENCH/env/bin/python CHECKOUT/tests/census.py SITE --compare before.json

``--compare`` prints every table whose count or checksum differs, and exits 1 when one does
(the logs Frappe itself writes for any request — sessions, access and activity logs, route
history — are listed apart and do not count).
"""

import json
import sys

import frappe

CHECKSUMMED = (
	"tabCampaign",
	"tabCampaign Email Schedule",
	"tabEmail Campaign",
	"tabLead",
	"tabContact",
	"tabCustomer",
	"tabEmail Template",
	"tabEmail Account",
	"tabEmail Queue",
	"tabEmail Queue Recipient",
	"tabCampaign Send Log",
	"tabCampaign Segment",
	"tabCampaign Segment Member",
	"tabCampaign Consent",
	"tabCampaign Plus Sending Limit",
	"tabDefaultValue",
	"tabPricing Rule",
	"tabToDo",
	"tabEvent",
	"tabHas Role",
)
# Written by Frappe itself whenever someone logs in or opens a page: not test data. (tabUser is
# counted, not checksummed: a login writes its last login time.)
KEYS_UP_TO = 20000
ACTIVITY = {"tabSessions", "tabAccess Log", "tabActivity Log", "tabRoute History", "__UserSettings"}


def census() -> dict:
	tables = frappe.db.sql_list(
		"SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
		"AND table_type = 'BASE TABLE' ORDER BY table_name"
	)
	counts = {table: frappe.db.sql(f"SELECT COUNT(*) FROM `{table}`")[0][0] for table in tables}
	sums = {}
	for table in CHECKSUMMED:
		if table in counts:
			sums[table] = frappe.db.sql(f"CHECKSUM TABLE `{table}`")[0][1]
	named = set(
		frappe.db.sql_list(
			"SELECT table_name FROM information_schema.columns WHERE table_schema = DATABASE() "
			"AND column_name = 'name'"
		)
	)
	keys = {  # which rows, for the tables small enough: says what was left behind
		table: sorted(frappe.db.sql_list(f"SELECT `name` FROM `{table}`"))
		for table, count in counts.items()
		if table in named and count <= KEYS_UP_TO
	}
	singles = {
		f"{doctype}.{field}": value
		for doctype, field, value in frappe.db.sql("SELECT doctype, field, value FROM `tabSingles`")
		if field not in ("modified", "modified_by")
	}
	return {"counts": counts, "checksums": sums, "keys": keys, "singles": singles}


def compare(before: dict, after: dict) -> list[str]:
	lines = []
	for table in sorted(set(before["counts"]) | set(after["counts"])):
		a, b = before["counts"].get(table), after["counts"].get(table)
		if a != b:
			note = "  (Frappe's activity log)" if table in ACTIVITY else ""
			lines.append(f"{table}: {a} rows before, {b} after{note}")
	for table in sorted(before["checksums"]):
		if before["checksums"][table] != after["checksums"].get(table):
			lines.append(f"{table}: content changed (checksum)")
	for table in sorted(set(before.get("keys", {})) & set(after.get("keys", {}))):
		if table in ACTIVITY:
			continue
		added = sorted(set(after["keys"][table]) - set(before["keys"][table]))
		removed = sorted(set(before["keys"][table]) - set(after["keys"][table]))
		if added:
			lines.append(f"    {table} added: {added[:8]}{' …' if len(added) > 8 else ''}")
		if removed:
			lines.append(f"    {table} removed: {removed[:8]}{' …' if len(removed) > 8 else ''}")
	old, new = before.get("singles", {}), after.get("singles", {})
	for key in sorted(set(old) | set(new)):
		if old.get(key) != new.get(key):
			lines.append(f"Singles {key}: {old.get(key)!r} -> {new.get(key)!r}")
	return lines


if __name__ == "__main__":
	site = sys.argv[1]
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		now = census()
	finally:
		frappe.destroy()
	if "--compare" in sys.argv:
		with open(sys.argv[sys.argv.index("--compare") + 1]) as f:
			before = json.load(f)
		differences = compare(before, now)
		for line in differences:
			print(line)
		real = [line for line in differences if "activity log" not in line and not line.startswith("    ")]
		print(f"{len(real)} table(s) differ" if real else "nothing left behind")
		sys.exit(1 if real else 0)
	print(json.dumps(now))
