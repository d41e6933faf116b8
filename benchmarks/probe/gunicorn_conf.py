# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""gunicorn settings of the tracking benchmark's web server (``gunicorn -c`` this file): each
request's database statements counted by kind (tracking hit, desk, or Frappe's ping), and — with
``CAMPAIGN_PLUS_BENCH_AT_ONCE`` set — every hit written at once, as before the buffer (the
baseline: no buffer, the link set read on every click)."""

import os

import sitecustomize  # the probe (benchmarks/probe on PYTHONPATH)


def post_fork(server, worker):
	if os.environ.get("CAMPAIGN_PLUS_BENCH_AT_ONCE"):
		from campaign_plus.tracking import hits

		hits.BUFFERED = False
		hits.LINK_SETS_KEPT = 0


def pre_request(worker, req):
	req.campaign_plus_statements = sitecustomize.statements(), sitecustomize.control_statements()


def post_request(worker, req, environ, resp):
	# Frappe's ping (the floor's requests) apart: counted as desk requests they made the desk's
	# statements per request look fewer on the paths that measure the floor
	path = req.path
	kind = (
		"tracking"
		if "campaign_plus.tracking.api." in path
		else "ping"
		if path == "/api/method/ping"
		else "desk"
	)
	statements, control = req.campaign_plus_statements
	sitecustomize.count_request(
		kind, sitecustomize.statements() - statements, sitecustomize.control_statements() - control
	)
