# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""bench commands of the app (Frappe reads ``commands`` from here)."""

import os
import sys

import click
from frappe.commands import get_site, pass_context


@click.command("campaign-plus-tracker")
@click.option(
	"--bind", default="127.0.0.1", show_default=True, help="Address to listen on (behind the proxy)."
)
@click.option("--port", default=8010, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes (gunicorn).")
@pass_context
def campaign_plus_tracker(context, bind: str, port: int, workers: int):
	"""Serve the open pixel and tracked links of the given sites apart from the desk (gunicorn)."""
	from campaign_plus.tracking.server import SITES_VARIABLE

	sites = list(context.sites or []) or [get_site(context)]
	os.environ[SITES_VARIABLE] = ",".join(sites)
	os.environ["SITES_PATH"] = os.getcwd()
	os.execv(
		sys.executable,
		[
			sys.executable,
			"-m",
			"gunicorn",
			"--bind",
			f"{bind}:{port}",
			"--workers",
			str(max(1, workers)),
			"--timeout",
			"30",
			"--preload",
			"campaign_plus.tracking.server:application",
		],
	)


commands = [campaign_plus_tracker]
