# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""After a fault: what dead delivery jobs left of their rows (the MariaDB journal and the Redis
one, see :mod:`campaign_plus.delivery.journal`), and, once per epoch of the queue Redis, the
leased rows no work item holds any more after Redis was lost (given to new items)."""

from collections import defaultdict

import frappe
from frappe.utils import create_batch, now_datetime

from campaign_plus.delivery import journal, outcomes, store, work
from campaign_plus.delivery.handover import LEASE, submit
from campaign_plus.delivery.outcomes import DeliveryReport
from campaign_plus.delivery.rows import TO_SEND, extend_leases, mark_sent, queue_table, recipients_table
from campaign_plus.delivery.settings import DEFAULT_ACCOUNT
from campaign_plus.utils.runtime import in_test


def recover(names: list[str]) -> DeliveryReport:
	"""What dead jobs left of these rows (still leased, so nobody else touches them), from the
	MariaDB journal and the Redis one (see :mod:`campaign_plus.delivery.journal`): accepted →
	sent; handed without an answer → kept as sent, flagged *may not have arrived*; never handed →
	to be sent; the Redis journal lost → to be sent, flagged *may have arrived twice*. Rows
	another living job is handing over are in ``report.living`` (not to be touched). A row left
	*Sending* by something else than a delivery job goes back to be sent."""
	report = DeliveryReport()
	found = journal.entries(names)
	if found:
		resolution = journal.resolve(
			found, work.marked([e.name for e in found]), store.epoch(), work.HANDED, work.ACCEPTED
		)
		_settle(resolution, report)
	living = set(report.living)
	eq, eqr = queue_table(), recipients_table()
	now = now_datetime()
	stuck = []
	for chunk in create_batch([name for name in names if name not in living], 1000):
		stuck += (
			frappe.qb.from_(eq)
			.select(eq.name)
			.where(eq.name.isin(list(chunk)))
			.where(eq.status == "Sending")
			.where(eq.send_after > now)
			.run(pluck=True)
		)
	if stuck:
		sent_to = set(
			frappe.qb.from_(eqr)
			.select(eqr.parent)
			.where(eqr.parent.isin(stuck))
			.where(eqr.status == "Sent")
			.run(pluck=True)
		)
		for status in ("Partially Sent", "Not Sent"):
			chosen = [name for name in stuck if (name in sent_to) == (status == "Partially Sent")]
			if chosen:
				frappe.qb.update(eq).set(eq.status, status).where(eq.name.isin(chosen)).run()
	if not (found or stuck):
		return report
	if report.sent or report.doubtful:
		outcomes.notify(report)
	if not in_test():
		frappe.db.commit()
	work.forget([*report.sent, *report.doubtful, *report.again])
	return report


def _settle(resolution: journal.Resolution, report: DeliveryReport) -> None:
	"""Write what became of a dead job's rows (in the caller's transaction)."""
	eq = queue_table()
	report.living = resolution.living
	open_rows = set()
	settled = resolution.settled
	for chunk in create_batch(settled, 1000):
		open_rows.update(
			frappe.qb.from_(eq)
			.select(eq.name)
			.where(eq.name.isin(list(chunk)))
			.where(eq.status.isin([*TO_SEND, "Sending"]))
			.run(pluck=True)
		)
	report.accepted = [name for name in resolution.accepted if name in open_rows]
	report.uncertain = [name for name in resolution.uncertain if name in open_rows]
	report.again = [name for name in resolution.again if name in open_rows]
	report.doubtful = [name for name in resolution.doubtful if name in open_rows]
	mark_sent(report.accepted)
	mark_sent(report.uncertain, note=outcomes.UNCERTAIN_NOTE)
	back = [*report.again, *report.doubtful]
	for chunk in create_batch(back, 1000):
		frappe.qb.update(eq).set(eq.status, "Not Sent").where(eq.name.isin(list(chunk))).where(
			eq.status == "Sending"
		).run()
	for chunk in create_batch(report.doubtful, 1000):
		frappe.qb.update(eq).set(eq.error, outcomes.DOUBTFUL_NOTE).where(eq.name.isin(list(chunk))).run()
	journal.forget(settled)


def reconcile() -> dict | None:
	"""Once per epoch of the queue Redis (after it started empty): resolve the journal entries of
	jobs that died under an earlier epoch (sent again, flagged *may have arrived twice*), then give
	every leased campaign row that no work item holds to a new one. Waits (returns None) while a
	job of an earlier epoch still lives: its rows are its own until it stops. What it did, else."""
	connection = store.redis()
	epoch = store.epoch(connection)
	done_key = store.key("reconciled", epoch)
	if connection.exists(done_key):
		return {}
	earlier = [entry for entry in journal.entries() if entry.epoch != epoch]
	report = DeliveryReport()
	if earlier:
		resolution = journal.resolve(earlier, {}, epoch, work.HANDED, work.ACCEPTED)
		_settle(resolution, report)
		if report.doubtful:
			outcomes.notify(report)
	held = {
		name for token in work.tokens() for name in ((work.load(token) or work.WorkItem("", "", [])).names)
	}
	busy = {entry.name for entry in journal.entries()}
	eq = queue_table()
	rows = (
		frappe.qb.from_(eq)
		.select(eq.name, eq.reference_name, eq.email_account)
		.where(eq.status.isin(TO_SEND))
		.where(eq.send_after > now_datetime())
		.where(eq.reference_doctype == "Campaign")
		.run()
	)
	orphans: dict[tuple[str, str], list[str]] = defaultdict(list)
	for name, campaign, account in rows:
		if name not in held and name not in busy:
			orphans[(campaign, account or DEFAULT_ACCOUNT)].append(name)
	if report.living:  # a job of the earlier epoch still works: keep the rows leased, look again
		extend_leases([name for names in orphans.values() for name in names], LEASE)
		if not in_test():
			frappe.db.commit()
		return None
	if not in_test():
		frappe.db.commit()
	for (campaign, account), names in orphans.items():
		submit(account, names, campaign)
	connection.set(done_key, "1", ex=30 * 86400)
	return {"doubtful": len(report.doubtful), "orphans": sum(len(n) for n in orphans.values())}
