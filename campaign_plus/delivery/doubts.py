# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign emails whose delivery a fault left in doubt (the Send Log's *Delivery Doubt*), and
*Send Again* for those that may not have arrived: a delivery job stopped (killed, its machine
lost) after handing the message to the mail server, before reading its answer."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import create_batch

from campaign_plus.delivery.handover import hand_over, send_after
from campaign_plus.sending.ledger import LEDGER, MAY_HAVE_ARRIVED_TWICE, MAY_NOT_HAVE_ARRIVED, QUEUED, SENT


def doubts(campaign: str) -> dict[str, int]:
	"""How many of the campaign's emails may not have arrived, and how many may have arrived twice."""
	log = DocType(LEDGER)
	rows = (
		frappe.qb.from_(log)
		.select(log.delivery_doubt, Count("*"))
		.where(log.campaign == campaign)
		.where(log.delivery_doubt.isin([MAY_NOT_HAVE_ARRIVED, MAY_HAVE_ARRIVED_TWICE]))
		.groupby(log.delivery_doubt)
		.run()
	)
	counts = dict(rows)
	return {
		"may_not_have_arrived": int(counts.get(MAY_NOT_HAVE_ARRIVED, 0)),
		"may_have_arrived_twice": int(counts.get(MAY_HAVE_ARRIVED_TWICE, 0)),
	}


def send_again(campaign: str) -> int:
	"""Send again the campaign's emails that may not have arrived: their Email Queue rows back to
	*Not Sent* (leased to delivery, handed over after the commit), the Send Log rows *Queued*
	without the doubt. How many."""
	log, queue, recipient = DocType(LEDGER), DocType("Email Queue"), DocType("Email Queue Recipient")
	rows = (
		frappe.qb.from_(log)
		.join(queue)
		.on(queue.name == log.email_queue)
		.select(log.name, queue.name, queue.email_account)
		.where(log.campaign == campaign)
		.where(log.delivery_doubt == MAY_NOT_HAVE_ARRIVED)
		.where(log.status == SENT)
		.where(queue.status == "Sent")
		.run()
	)
	if not rows:
		return 0
	lease = send_after()
	for chunk in create_batch(rows, 1000):
		ledger_names = [row[0] for row in chunk]
		queue_names = [row[1] for row in chunk]
		(
			frappe.qb.update(queue)
			.set(queue.status, "Not Sent")
			.set(queue.retry, 0)
			.set(queue.error, None)
			.set(queue.send_after, lease)
			.where(queue.name.isin(queue_names))
			.run()
		)
		frappe.qb.update(recipient).set(recipient.status, "Not Sent").where(
			recipient.parent.isin(queue_names)
		).run()
		(
			frappe.qb.update(log)
			.set(log.status, QUEUED)
			.set(log.delivery_doubt, "")
			.set(log.error, None)
			.set(log.sent_on, None)
			.where(log.name.isin(ledger_names))
			.run()
		)
	hand_over(campaign, [(row[1], row[2]) for row in rows])
	return len(rows)
