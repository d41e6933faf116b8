# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The benchmark side of the probe (``benchmarks/probe/sitecustomize.py``): processes started
with it, and what they recorded — statements, jobs, peak memory."""

import pathlib
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
PROBE = HERE / "probe"
sys.path.insert(0, str(PROBE))

import sitecustomize as probe  # the probe's module: inert here (no CAMPAIGN_PLUS_PROBE)


def directory(label: str) -> str:
	return tempfile.mkdtemp(prefix=f"campaign_plus_probe_{label}_")


def env(folder: str) -> dict:
	return {"CAMPAIGN_PLUS_PROBE": folder}


def records(folder: str) -> list[dict]:
	return probe.read(folder)


def jobs(folder: str) -> list[dict]:
	"""Every job the probed workers ran (with the pid of the process that ran it)."""
	return [{**job, "pid": record["pid"]} for record in records(folder) for job in record.get("jobs") or []]


def by_function(folder: str) -> dict[str, dict]:
	"""Per job function: jobs, statements, CPU seconds, longest seconds, its timeout, highest peak
	memory."""
	found: dict[str, dict] = {}
	for job in jobs(folder):
		entry = found.setdefault(
			job["func"],
			{"jobs": 0, "sql": 0, "cpu": 0.0, "longest": 0.0, "timeout": job["timeout"], "maxrss_kb": 0},
		)
		entry["jobs"] += 1
		entry["sql"] += job["sql"]
		entry["cpu"] += job.get("cpu") or 0.0
		if job["seconds"] > entry["longest"]:
			entry["longest"], entry["timeout"] = job["seconds"], job["timeout"]
		entry["maxrss_kb"] = max(entry["maxrss_kb"], job["maxrss_kb"])
	return found


def requests(folder: str) -> dict[str, list[int]]:
	"""Per request kind (the web server's hooks): [requests, statements, of which connection and
	transaction statements]."""
	found: dict[str, list[int]] = {}
	for record in records(folder):
		for kind, counts in (record.get("requests") or {}).items():
			totals = found.setdefault(kind, [0, 0, 0])
			for i, value in enumerate(counts):
				totals[i] += value
	return found
