# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The nightly recompute of every lead score, on the long queue (one at a time)."""

import frappe

from campaign_plus.scoring import compute
from campaign_plus.utils.runtime import in_test

JOB_ID = "campaign_plus:lead-scores"


def enqueue_recompute() -> None:
	"""Scheduler (daily) and *Recompute Lead Scores*: one job, never two at once."""
	frappe.enqueue(
		"campaign_plus.scoring.job.recompute",
		queue="long",
		timeout=4 * 3600,
		job_id=JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
		now=in_test(),
	)


def recompute() -> dict:
	return compute.recompute_all()
