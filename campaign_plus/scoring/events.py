# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What rescores a person at once: their engagement (the ``campaign_plus_on_engagements`` hook),
a form they sent, an unsubscribe, a change to their Lead / Contact (fit rules). Each handler
finds the people concerned in one query and scores them together (:func:`compute.refresh`).
"""

from collections import Counter

import frappe

from campaign_plus.scoring import compute
from campaign_plus.scoring.settings import PARTY_DOCTYPES
from campaign_plus.utils.engagement import CLICK, OPEN, REPLY
from campaign_plus.utils.scores import defer

KEPT = (compute.SCORE, compute.FIT, compute.ENGAGEMENT, compute.ON, compute.CHECKED)


def refresh_parties(parties) -> None:
	"""Hook ``campaign_plus_refresh_scores``: score these (party type, party) now."""
	compute.refresh(parties)


def _refresh(parties) -> None:
	"""Score ``parties`` now (or at the end of a deferred block). A failure is logged: the save,
	unsubscribe or form that triggered it stands, and the nightly job scores them."""
	parties = [tuple(p) for p in parties]
	if not parties or defer(parties):
		return
	try:
		compute.refresh(parties)
	except Exception:
		frappe.log_error(title="Campaign Plus: lead score")


def on_engagements(events) -> None:
	"""Hook ``campaign_plus_on_engagements``: a batch of opens, clicks and replies (recorded).

	An email counts once per kind (its first open, first click, a reply): a person is rescored
	when the batch holds their email's first open or first click — its counter is no higher than
	the batch's events of that kind — or a reply.
	"""
	seen: Counter = Counter((event.row, event.kind) for event in events)
	rows = sorted({event.row for event in events})
	if not rows:
		return
	found = frappe.db.sql(
		"""SELECT `name`, `party_type`, `party`, `opens`, `clicks` FROM `tabCampaign Send Log`
		WHERE `name` IN %(rows)s AND `party_type` IN %(types)s""",
		{"rows": tuple(rows), "types": PARTY_DOCTYPES},
	)
	parties = set()
	for name, party_type, party, opens, clicks in found:
		if (
			seen[(name, REPLY)]
			or (seen[(name, OPEN)] and (opens or 0) <= seen[(name, OPEN)])
			or (seen[(name, CLICK)] and (clicks or 0) <= seen[(name, CLICK)])
		):
			parties.add((party_type, party))
	_refresh(parties)


def on_form_submission(doc, method=None) -> None:
	"""Campaign Form Submission ``after_insert``."""
	_refresh([(doc.party_type, doc.party)])


def on_email_unsubscribe(doc, method=None) -> None:
	"""Email Unsubscribe ``after_insert``: the Leads and Contacts with that address."""
	if not doc.email:
		return
	parties = [
		(doctype, name)
		for doctype in PARTY_DOCTYPES
		for name in frappe.get_all(doctype, filters={"email_id": doc.email}, pluck="name")
	]
	_refresh(parties)


def keep_scores(doc, method=None) -> None:
	"""Lead / Contact ``validate``: a save writes the scores the database holds, never the ones
	the form loaded earlier (the score may have changed since)."""
	if doc.is_new() or not doc.meta.has_field(compute.SCORE):
		return
	current = frappe.db.get_value(doc.doctype, doc.name, list(KEPT), as_dict=True)
	if current:
		doc.update(current)


def on_party_update(doc, method=None) -> None:
	"""Lead / Contact ``on_update``: its fit may have changed."""
	if frappe.flags.in_import or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if not doc.meta.has_field(compute.SCORE):
		return
	if defer([(doc.doctype, doc.name)]):
		return
	_refresh([(doc.doctype, doc.name)])
	current = frappe.db.get_value(doc.doctype, doc.name, list(KEPT), as_dict=True)
	if current:
		doc.update(current)  # a later save of this same document keeps them
