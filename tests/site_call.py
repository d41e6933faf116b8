# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Call a function of this checkout on a site, in a process of its own, as ``bench execute`` does
(connect, call, commit, print the result as JSON) — for functions of the tests themselves, which
``bench execute`` refuses (it runs only installed apps' code).

    cd BENCH/sites && BENCH/env/bin/python CHECKOUT/tests/site_call.py SITE tests.workers.plan '["name"]'
"""

import importlib
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import frappe


def main() -> None:
	site, path = sys.argv[1], sys.argv[2]
	args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else []
	module, _dot, name = path.rpartition(".")
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		result = getattr(importlib.import_module(module), name)(*args)
		frappe.db.commit()
	finally:
		frappe.destroy()
	print(json.dumps(result, default=str))


if __name__ == "__main__":
	main()
