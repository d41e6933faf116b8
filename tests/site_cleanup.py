# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Deleting what a committing test made, leaving no trace: Frappe's ``delete_doc`` keeps a
*Deleted Document* copy and adds a "Deleted" comment to the activity feed; a test's records are
not the site's history."""

import contextlib

import frappe
from frappe.utils import now_datetime


def delete_for_good(doctype: str, name: str) -> None:
	"""``frappe.delete_doc`` (its links and children checked and removed as usual), without the
	Deleted Document copies (of it and of what it deletes with it: a Lead's contact…) and without
	the feed comments: Frappe's two writers of them are stood in for during the call, so nothing
	else on the site (another user's deletion meanwhile) is touched."""
	if not frappe.db.exists(doctype, name):
		return
	from frappe.model import delete_doc as deletion

	keep, feed = deletion.add_to_deleted_document, deletion.insert_feed
	deletion.add_to_deleted_document = deletion.insert_feed = lambda doc: None
	try:
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	finally:
		deletion.add_to_deleted_document, deletion.insert_feed = keep, feed


def delete_user_for_good(name: str) -> None:
	"""A test's user, and the Contact Frappe made for it when it was saved (deleting the user
	leaves that Contact behind, one more on each run)."""
	contacts = frappe.get_all("Contact", filters={"user": name}, pluck="name")
	delete_for_good("User", name)
	for contact in contacts:
		delete_for_good("Contact", contact)


def forget_deletions(deleted: list[tuple[str, str]], since) -> None:
	"""Remove what Frappe kept of these deletions (``(doctype, name)`` pairs deleted since
	``since``, by another process: a browser's request): their Deleted Document copies and their
	"Deleted" feed comments (which name the document only in their subject, "<DocType> <name>")."""
	for doctype, name in deleted:
		frappe.db.delete(
			"Deleted Document",
			{"deleted_doctype": doctype, "deleted_name": name, "creation": (">=", since)},
		)
		frappe.db.delete(
			"Comment",
			{
				"comment_type": "Deleted",
				"reference_doctype": doctype,
				"subject": ("like", f"% {name}"),
				"creation": (">=", since),
			},
		)


@contextlib.contextmanager
def error_logs_removed():
	"""Error Logs written meanwhile (a MyISAM table: outside every transaction) deleted afterwards."""
	started = now_datetime()  # the site's clock, as the rows' creation
	try:
		yield
	finally:
		frappe.db.sql("DELETE FROM `tabError Log` WHERE `creation` >= %s", (started,))


@contextlib.contextmanager
def outgoing_accounts_restored():
	"""Email Accounts as they were: the ones made meanwhile deleted, the default outgoing flags (and
	their modified time) put back (``use_outgoing_account`` and friends, in a test that commits)."""
	fields = ["name", "default_outgoing", "modified"]
	before = {row[0]: tuple(row[1:]) for row in frappe.get_all("Email Account", fields=fields, as_list=True)}
	try:
		yield
	finally:
		frappe.db.rollback()
		for name, *now in frappe.get_all("Email Account", fields=fields, as_list=True):
			if name not in before:
				delete_for_good("Email Account", name)
			elif tuple(now) != before[name]:
				default, modified = before[name]
				frappe.db.set_value(
					"Email Account",
					name,
					{"default_outgoing": default, "modified": modified},
					update_modified=False,
				)
		frappe.local.outgoing_email_account = {}
		frappe.db.commit()


def delete_tracked_campaign(campaign: str | None, names: dict[str, list[str]]) -> None:
	"""A committed campaign a tracking test sent, with all it wrote (engagement, ledger, Email
	Queue, entries…), and the documents in ``names`` (doctype: names) it made."""
	frappe.db.rollback()
	if campaign:
		for doctype in ("Campaign Engagement Event", "Campaign Step Engagement", "Campaign Link Set",
			"Campaign Send Log", "Campaign Entry", "Campaign Interaction", "Campaign Bounce"):  # fmt: skip
			frappe.db.delete(doctype, {"campaign": campaign})
		queues = frappe.get_all(
			"Email Queue", filters={"reference_doctype": "Campaign", "reference_name": campaign}, pluck="name"
		)
		if queues:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queues)})
			frappe.db.delete("Email Queue", {"name": ("in", queues)})
		frappe.db.delete("Email Campaign", {"campaign_name": campaign})
	for doctype in ("Campaign", "Lead", "Email Template"):  # with their children and contacts
		for name in names.get(doctype, []):
			delete_for_good(doctype, name)
	frappe.db.commit()
