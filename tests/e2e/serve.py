# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Serve a bench site on loopback for the browser tests (run with the bench's Python, in sites/)."""

import sys

import frappe.app
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import run_simple

site, port = sys.argv[1], int(sys.argv[2])
frappe.app._site = site
frappe.app._sites_path = "."
application = SharedDataMiddleware(
	frappe.app.application, {"/assets": "assets", "/files": f"{site}/public/files"}
)
run_simple("127.0.0.1", port, application, use_reloader=False, threaded=True)
