# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Hand-over from the send batches: rows leased to delivery (``send_after`` a lease ahead, so that
Frappe's flush leaves them alone), work items in the queue Redis, and their jobs."""

from collections import defaultdict

import frappe
from frappe.utils import add_to_date, create_batch, now_datetime

from campaign_plus.delivery import store, work
from campaign_plus.delivery.settings import DEFAULT_ACCOUNT, get_delivery_settings, scaled
from campaign_plus.utils.runtime import in_test

QUEUE = "long"
JOB_METHOD = "campaign_plus.delivery.job.deliver"
ITEM_SIZE = 500  # rows per work item (a send batch's rows of one account)
# seconds: how far ahead rows are leased (Frappe's flush takes them after that); on a test's
# shortened clock never under a minute, so that a loaded machine's late tick cannot let one lapse
LEASE = max(scaled(900), 60)
MAX_RUN = 300  # a job yields after this long (its item goes to the back of the queue)
JOB_TIMEOUT = MAX_RUN + 900  # a running job also finishes its chunk, and may wait on SMTP


def send_after():
	"""The ``send_after`` of new campaign rows: leased to delivery (None: paced delivery is off)."""
	if not get_delivery_settings().enabled:
		return None
	return add_to_date(now_datetime(), seconds=LEASE)


def hand_over(campaign: str, rows: list[tuple[str, str | None]]) -> None:
	"""Deliver these Email Queue rows ((name, email account) each) once the transaction commits.

	Under tests nothing is enqueued: a test delivers with :func:`deliver_names` itself."""
	if not rows or in_test() or not get_delivery_settings().enabled:
		return
	by_account: dict[str, list[str]] = defaultdict(list)
	for name, account in rows:
		by_account[account or DEFAULT_ACCOUNT].append(name)
	frappe.db.after_commit.add(lambda: _submit_safely(campaign, dict(by_account)))


def _submit_safely(campaign: str, by_account: dict[str, list[str]]) -> None:
	try:
		for account, names in by_account.items():
			submit(account, names, campaign)
	except Exception:  # the rows are committed and leased: Frappe's flush sends them after the lease
		frappe.log_error(title=f"Campaign Plus: handing {campaign} over to delivery failed")


def submit(account: str, names: list[str], campaign: str | None = None) -> list[str]:
	"""Work items (and their jobs) for rows already leased (``send_after`` set by :func:`send_after`)."""
	connection = store.redis()
	now = store.server_time(connection)
	tokens = []
	for chunk in create_batch(names, ITEM_SIZE):
		item = work.WorkItem(work.new_token(), account, list(chunk), campaign, now, 0, now + LEASE)
		work.save(item, connection)
		work.add_pending(account, len(item.names), connection)
		if campaign:
			work.start_counts(campaign, len(item.names), account)
		enqueue(item)
		tokens.append(item.token)
	return tokens


def enqueue(item: work.WorkItem) -> None:
	frappe.enqueue(
		JOB_METHOD,
		queue=QUEUE,
		timeout=JOB_TIMEOUT,
		job_id=item.job_id,
		deduplicate=True,
		token=item.token,
	)
