# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign entries and interactions.

An entry's cost stands for its interactions too: statistics add the non-canceled entries and the
non-canceled interactions that belong to no entry, so nothing is counted twice.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt, now_datetime, today

from campaign_plus.utils.db import STANDARD_COLUMNS


def add_entry(campaign: str, entry_type: str, description: str, **values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Campaign Entry",
			"campaign": campaign,
			"entry_type": entry_type,
			"entry_date": today(),
			"description": description,
			"user": frappe.session.user,
			**values,
		}
	).insert(ignore_permissions=True)
	return doc.name


def log_segment(segment: str) -> dict:
	"""One interaction per target member (unit cost and duration of the segment), one entry."""
	seg = frappe.db.get_value(
		"Campaign Segment",
		segment,
		["name", "campaign", "segment_name", "unit_cost", "unit_duration", "campaign_target"],
		as_dict=True,
	)
	count = (
		frappe.db.count("Campaign Segment Member", {"segment": segment, "campaign_target": 1})
		if seg.campaign_target
		else 0
	)
	if not count:
		frappe.throw(
			_("Segment {0} has no campaign-target members to log.").format(frappe.bold(segment)),
			title=_("No Targets"),
		)
	unit_cost, unit_duration = flt(seg.unit_cost), cint(seg.unit_duration)
	entry = add_entry(
		seg.campaign,
		"Segment Logged",
		_("Segment {0} logged").format(seg.segment_name),
		segment=segment,
		interactions=count,
		cost=unit_cost * count,
		duration=unit_duration * count,
	)
	columns = ", ".join(f"`{c}`" for c in (*STANDARD_COLUMNS, "campaign", "interaction_type", "interaction_date",
		"party_type", "party", "cost", "duration", "entry", "segment", "canceled"))  # fmt: skip
	frappe.db.sql(
		f"""INSERT INTO `tabCampaign Interaction` ({columns})
		SELECT MD5(CONCAT(%(entry)s, '|', m.`name`)), %(now)s, %(now)s, %(user)s, %(user)s, 0, %(campaign)s,
			'Segment Logged', %(day)s, m.`party_type`, m.`party`, %(cost)s, %(duration)s, %(entry)s, %(segment)s, 0
		FROM `tabCampaign Segment Member` m WHERE m.`segment` = %(segment)s AND m.`campaign_target` = 1""",
		{
			"entry": entry,
			"now": now_datetime(),
			"user": frappe.session.user,
			"campaign": seg.campaign,
			"day": today(),
			"cost": unit_cost,
			"duration": unit_duration,
			"segment": segment,
		},
	)
	return {"entry": entry, "interactions": count, "cost": unit_cost * count}


def cancel_entry(entry: str) -> dict:
	doc = frappe.get_doc("Campaign Entry", entry)
	if doc.canceled:
		frappe.throw(_("Campaign entry {0} is already canceled.").format(entry), title=_("Already Canceled"))
	doc.db_set({"canceled": 1, "canceled_by": frappe.session.user, "canceled_on": now_datetime()})
	interaction = frappe.qb.DocType("Campaign Interaction")
	frappe.qb.update(interaction).set(interaction.canceled, 1).where(interaction.entry == entry).run()
	return {"entry": entry, "interactions": frappe.db.count("Campaign Interaction", {"entry": entry})}
