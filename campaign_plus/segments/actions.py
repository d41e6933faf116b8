# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Segment actions, each one set-based and recorded as a numbered step with its exact delta.

* Add: INSERT … SELECT of the matching parties the user may read, never an excluded or
  unsubscribed one, nor one already a member.
* Reduce: the matching members are copied to the step's delta, then deleted.
* Refine: the members that do not match are copied to the delta, then deleted.
* Set Target: the members' previous flags are copied to the delta, then updated.
* Go Back: the last step is undone exactly (its added members deleted, its removed members
  restored, its flags put back) and forgotten.

Every action locks the segment's row first (SELECT … FOR UPDATE): two users acting on the same
segment are served one after the other, and the unique key (segment, party type, party) makes a
duplicate member impossible. The rules are those of :mod:`campaign_plus.engine.segments`.
"""

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from campaign_plus.engine.segments import ADD, REDUCE, REFINE, SET_TARGET, Segment
from campaign_plus.errors import translated_rule_errors
from campaign_plus.segments.criteria import permitted_names_query, validated_filters
from campaign_plus.segments.parties import SOURCES

MEMBER = "tabCampaign Segment Member"
CHANGE = "tabCampaign Segment Change"
CHANGE_COLUMNS = (
	"`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`, `segment`, `step`, "
	"`change_type`, `party_type`, `party`, `party_name`, `email`, `campaign_target`, `customer`, `added_by_step`"
)


def lock(segment: str):
	"""Serialise actions on one segment; returns its header row."""
	row = frappe.db.sql(
		"""SELECT `name`, `campaign`, `campaign_target` FROM `tabCampaign Segment`
		WHERE `name` = %(segment)s FOR UPDATE""",
		{"segment": segment},
		as_dict=True,
	)
	if not row:
		frappe.throw(_("Campaign Segment {0} does not exist.").format(segment), frappe.DoesNotExistError)
	return row[0]


def _params(segment: str, step: int, **extra) -> dict:
	now = now_datetime()
	return {"cp_segment": segment, "cp_step": step, "cp_now": now, "cp_user": frappe.session.user, **extra}


def _next_step(segment: str) -> int:
	last = frappe.db.sql(
		"SELECT MAX(`step`) FROM `tabCampaign Segment Step` WHERE `segment` = %(segment)s",
		{"segment": segment},
	)[0][0]
	return (last or 0) + 1


def _record_step(segment: str, step: int, action: str, **values) -> None:
	frappe.get_doc(
		{
			"doctype": "Campaign Segment Step",
			"segment": segment,
			"step": step,
			"action": action,
			"user": frappe.session.user,
			**values,
		}
	).insert(ignore_permissions=True)


def _refresh_header(segment: str, description: str) -> int:
	count = frappe.db.count("Campaign Segment Member", {"segment": segment})
	frappe.db.set_value(
		"Campaign Segment",
		segment,
		{"member_count": count, "last_action": description[:140]},
		update_modified=True,
	)
	return count


def _copy_to_delta(segment: str, step: int, change_type: str, where: str, params: dict) -> int:
	"""Copy the members selected by ``where`` (over ``m``) into the step's delta."""
	frappe.db.sql(
		f"""INSERT INTO `{CHANGE}` ({CHANGE_COLUMNS})
		SELECT MD5(CONCAT(m.`name`, '|', %(cp_step)s, '|', %(cp_change)s)), %(cp_now)s, %(cp_now)s,
			%(cp_user)s, %(cp_user)s, 0, 0, m.`segment`, %(cp_step)s, %(cp_change)s, m.`party_type`,
			m.`party`, m.`party_name`, m.`email`, m.`campaign_target`, m.`customer`, m.`added_by_step`
		FROM `{MEMBER}` m WHERE m.`segment` = %(cp_segment)s AND ({where})""",
		{**params, "cp_change": change_type},
	)
	return frappe.db.sql(
		f"SELECT COUNT(*) FROM `{CHANGE}` WHERE `segment` = %(cp_segment)s AND `step` = %(cp_step)s "
		"AND `change_type` = %(cp_change)s",
		{**params, "cp_change": change_type},
	)[0][0]


def apply_criteria(
	segment: str, action: str, document_type: str, filters, criteria: str | None = None
) -> dict:
	"""Add, Reduce or Refine ``segment`` by ``document_type`` rows matching ``filters``."""
	if action not in (ADD, REDUCE, REFINE):
		frappe.throw(_("Unknown segment action {0}.").format(action), title=_("Invalid Action"))
	filters = validated_filters(document_type, filters)
	header = lock(segment)
	step = _next_step(segment)
	permitted, permitted_params = permitted_names_query(document_type, filters)
	params = _params(segment, step, cp_party_type=document_type, **permitted_params)
	source = SOURCES[document_type]
	added = removed = 0
	excluded: dict[str, int] = {}

	if action == ADD:
		params["cp_target"] = 1 if header.campaign_target else 0
		reasons = list(source.exclusions.items())
		if reasons:
			sums = ", ".join(
				f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)" for _reason, condition in reasons
			)
			counts = frappe.db.sql(
				f"SELECT {sums} FROM `tab{document_type}` t WHERE t.`name` IN ({permitted})", params
			)[0]
			excluded = {reason: int(n or 0) for (reason, _c), n in zip(reasons, counts, strict=True) if n}
		not_excluded = " AND ".join(f"NOT ({condition})" for condition in source.exclusions.values()) or "1=1"
		frappe.db.sql(
			f"""INSERT IGNORE INTO `{MEMBER}` (`name`, `creation`, `modified`, `owner`, `modified_by`,
				`docstatus`, `idx`, `segment`, `party_type`, `party`, `party_name`, `email`,
				`campaign_target`, `customer`, `added_by_step`)
			SELECT MD5(CONCAT(%(cp_segment)s, '|', %(cp_party_type)s, '|', t.`name`)), %(cp_now)s,
				%(cp_now)s, %(cp_user)s, %(cp_user)s, 0, 0, %(cp_segment)s, %(cp_party_type)s, t.`name`,
				{source.party_name}, {source.email}, %(cp_target)s, {source.customer}, %(cp_step)s
			FROM `tab{document_type}` t {source.joins}
			WHERE t.`name` IN ({permitted}) AND {not_excluded}
				AND NOT EXISTS (
					SELECT 1 FROM `{MEMBER}` m WHERE m.`segment` = %(cp_segment)s
					AND m.`party_type` = %(cp_party_type)s AND m.`party` = t.`name`
				)""",
			params,
		)
		added = frappe.db.count("Campaign Segment Member", {"segment": segment, "added_by_step": step})
	else:
		matching = f"(m.`party_type` = %(cp_party_type)s AND m.`party` IN ({permitted}))"
		where = matching if action == REDUCE else f"NOT {matching}"
		removed = _copy_to_delta(segment, step, "Removed", where, params)
		frappe.db.sql(f"DELETE m FROM `{MEMBER}` m WHERE m.`segment` = %(cp_segment)s AND ({where})", params)

	_record_step(
		segment,
		step,
		action,
		document_type=document_type,
		filters=json.dumps(filters, default=str),
		criteria=criteria,
		added_count=added,
		removed_count=removed,
		excluded=json.dumps(excluded) if excluded else None,
	)
	description = _("Step {0}: {1} {2} ({3} added, {4} removed)").format(
		step, _(action), _(document_type), added, removed
	)
	count = _refresh_header(segment, description)
	return {"step": step, "added": added, "removed": removed, "excluded": excluded, "member_count": count}


def set_target(segment: str, members: list[str], target: bool) -> dict:
	"""Mark or unmark members as campaign targets (a step: Go Back restores the flags)."""
	lock(segment)
	step = _next_step(segment)
	params = _params(segment, step, cp_members=tuple(members) or ("",), cp_target=1 if target else 0)
	where = "m.`name` IN %(cp_members)s AND m.`campaign_target` != %(cp_target)s"
	changed = _copy_to_delta(segment, step, "Flag", where, params)
	frappe.db.sql(
		f"""UPDATE `{MEMBER}` m SET m.`campaign_target` = %(cp_target)s, m.`modified` = %(cp_now)s
		WHERE m.`segment` = %(cp_segment)s AND {where}""",
		params,
	)
	_record_step(segment, step, SET_TARGET, changed_count=changed)
	label = _("targets") if target else _("not targets")
	count = _refresh_header(segment, _("Step {0}: {1} members marked {2}").format(step, changed, label))
	return {"step": step, "changed": changed, "member_count": count}


def go_back(segment: str) -> dict:
	"""Undo the last step exactly."""
	lock(segment)
	last = _next_step(segment) - 1
	if not last:
		with translated_rule_errors():
			Segment().go_back()  # the engine's own message: nothing to go back to
	params = _params(segment, last)
	frappe.db.sql(
		f"DELETE FROM `{MEMBER}` WHERE `segment` = %(cp_segment)s AND `added_by_step` = %(cp_step)s", params
	)
	frappe.db.sql(
		f"""INSERT IGNORE INTO `{MEMBER}` (`name`, `creation`, `modified`, `owner`, `modified_by`,
			`docstatus`, `idx`, `segment`, `party_type`, `party`, `party_name`, `email`,
			`campaign_target`, `customer`, `added_by_step`)
		SELECT MD5(CONCAT(c.`segment`, '|', c.`party_type`, '|', c.`party`)), %(cp_now)s, %(cp_now)s,
			%(cp_user)s, %(cp_user)s, 0, 0, c.`segment`, c.`party_type`, c.`party`, c.`party_name`,
			c.`email`, c.`campaign_target`, NULLIF(c.`customer`, ''), c.`added_by_step`
		FROM `{CHANGE}` c
		WHERE c.`segment` = %(cp_segment)s AND c.`step` = %(cp_step)s AND c.`change_type` = 'Removed'""",
		params,
	)
	frappe.db.sql(
		f"""UPDATE `{MEMBER}` m JOIN `{CHANGE}` c ON c.`segment` = m.`segment`
			AND c.`party_type` = m.`party_type` AND c.`party` = m.`party`
		SET m.`campaign_target` = c.`campaign_target`
		WHERE c.`segment` = %(cp_segment)s AND c.`step` = %(cp_step)s AND c.`change_type` = 'Flag'""",
		params,
	)
	frappe.db.sql(f"DELETE FROM `{CHANGE}` WHERE `segment` = %(cp_segment)s AND `step` = %(cp_step)s", params)
	frappe.db.sql(
		"DELETE FROM `tabCampaign Segment Step` WHERE `segment` = %(cp_segment)s AND `step` = %(cp_step)s",
		params,
	)
	count = _refresh_header(segment, _("Went back from step {0}").format(last))
	return {"undone_step": last, "member_count": count}
