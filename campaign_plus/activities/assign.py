# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Assign an activity: one assignment record, then its tasks created set-based.

The assignment's key (activity, target, sales person, start date) is unique: assigning the same
again returns the existing assignment and creates nothing. Tasks are bulk-inserted to-dos
(events for meetings) carrying the campaign and the assignment; above a threshold they are
created by a background job on the long queue, with progress. Canceling closes the open tasks.
As with Frappe's "Assign To", each referenced document's ``_assign`` lists the users of its open
to-dos (the list view's "Assigned To" column and filter read it): new to-dos add their users
(:func:`show_assignees`), canceling recomputes it from the open to-dos left (:func:`update_assigned_to`).
"""

import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils import add_to_date, create_batch, escape_html, get_datetime, getdate, now_datetime

from campaign_plus.activities.people import resolve_users
from campaign_plus.campaign_plus.doctype.campaign_activity.campaign_activity import as_steps
from campaign_plus.engine.activities import merge_assignees, plan_tasks
from campaign_plus.links import get_campaign_link
from campaign_plus.utils.db import STANDARD_COLUMNS
from campaign_plus.utils.runtime import in_test

ASSIGNMENT = "Campaign Activity Assignment"
TARGET_DOCTYPES = ("Campaign", "Campaign Segment", "Lead", "Contact", "Opportunity")
BACKGROUND_THRESHOLD = 500  # tasks
CHUNK = 5000


def assignment_key(
	activity: str, target_doctype: str, target_name: str, sales_person: str, start_date
) -> str:
	raw = "\x00".join([activity, target_doctype, target_name, sales_person, str(getdate(start_date))])
	return hashlib.sha1(raw.encode()).hexdigest()


def campaign_of(target_doctype: str, target_name: str, campaign: str | None = None) -> str | None:
	if target_doctype == "Campaign":
		return target_name
	if target_doctype == "Campaign Segment":
		return frappe.db.get_value("Campaign Segment", target_name, "campaign")
	if campaign:
		return campaign
	link = get_campaign_link(target_doctype) if target_doctype in ("Lead", "Opportunity") else None
	if not link:
		return None
	value = frappe.db.get_value(target_doctype, target_name, link.fieldname)
	if value and link.target != "Campaign":
		return frappe.db.get_value(link.target, value, "crm_campaign") or None
	return value or None


def task_targets(target_doctype: str, target_name: str) -> list[tuple[str, str]]:
	"""What the tasks are about: the document itself, or each target member of a segment."""
	if target_doctype != "Campaign Segment":
		return [(target_doctype, target_name)]
	rows = frappe.db.sql(
		"""SELECT m.`party_type`, m.`party` FROM `tabCampaign Segment Member` m
		JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
		WHERE m.`segment` = %(segment)s AND m.`campaign_target` = 1 AND s.`campaign_target` = 1
		ORDER BY m.`party_type`, m.`party`""",
		{"segment": target_name},
	)
	if not rows:
		frappe.throw(
			_("Segment {0} has no campaign-target members to plan tasks for.").format(
				frappe.bold(target_name)
			),
			title=_("No Targets"),
		)
	return [tuple(row) for row in rows]


def assign(
	activity: str, target_doctype: str, target_name: str, sales_person: str, start_date, campaign=None
) -> dict:
	if target_doctype not in TARGET_DOCTYPES:
		frappe.throw(
			_("Activities are assigned to {0}, not to {1}.").format(
				", ".join(TARGET_DOCTYPES), target_doctype
			),
			title=_("Invalid Target"),
		)
	users = resolve_users(sales_person)
	key = assignment_key(activity, target_doctype, target_name, sales_person, start_date)
	existing = frappe.db.get_value(
		ASSIGNMENT, {"assignment_key": key}, ["name", "status", "task_count"], as_dict=True
	)
	if existing and existing.status != "Canceled":
		return {"assignment": existing.name, "created": False, "tasks": existing.task_count, "queued": False}
	targets = task_targets(target_doctype, target_name)
	steps = as_steps(frappe.get_doc("Campaign Activity", activity))
	if existing:
		doc = frappe.get_doc(ASSIGNMENT, existing.name)
		doc.db_set({"status": "Pending", "task_count": 0})
	else:
		doc = frappe.get_doc(
			{
				"doctype": ASSIGNMENT,
				"activity": activity,
				"campaign": campaign_of(target_doctype, target_name, campaign),
				"target_doctype": target_doctype,
				"target_name": target_name,
				"sales_person": sales_person,
				"start_date": getdate(start_date),
				"status": "Pending",
				"assignment_key": key,
			}
		).insert(ignore_permissions=True)
	count = len(targets) * len(users) * len(steps)
	queued = count > BACKGROUND_THRESHOLD and not in_test()
	if queued:
		frappe.enqueue(
			"campaign_plus.activities.assign.create_tasks",
			queue="long",
			timeout=3600,
			job_id=f"campaign_plus:activity:{doc.name}",
			deduplicate=True,
			enqueue_after_commit=True,
			assignment=doc.name,
		)
	else:
		create_tasks(doc.name)
	return {"assignment": doc.name, "created": True, "tasks": count, "queued": queued}


def create_tasks(assignment: str) -> int:
	"""Create the assignment's to-dos and events (once: only while it is Pending)."""
	doc = frappe.db.sql(
		f"SELECT * FROM `tab{ASSIGNMENT}` WHERE `name` = %(name)s FOR UPDATE",
		{"name": assignment},
		as_dict=True,
	)[0]
	if doc.status != "Pending":
		return 0
	activity = frappe.get_doc("Campaign Activity", doc.activity)
	tasks = plan_tasks(
		as_steps(activity),
		task_targets(doc.target_doctype, doc.target_name),
		resolve_users(doc.sales_person),
		getdate(doc.start_date),
	)
	now, user = now_datetime(), frappe.session.user
	batches = list(create_batch(tasks, CHUNK))
	describe = _describer(activity, doc.campaign)
	for number, batch in enumerate(batches, start=1):
		_insert_todos(doc, describe, [t for t in batch if not t.step.is_event], now, user)
		_insert_events(doc, describe, [t for t in batch if t.step.is_event], now)
		frappe.publish_progress(
			number * 100 / len(batches),
			title=_("Creating tasks"),
			doctype=ASSIGNMENT,
			docname=assignment,
			description=_("{0} of {1} tasks").format(min(number * CHUNK, len(tasks)), len(tasks)),
		)
	show_assignees(tasks)
	frappe.db.set_value(ASSIGNMENT, assignment, {"status": "Open", "task_count": len(tasks)})
	if not in_test():
		frappe.db.commit()
	return len(tasks)


def _describer(activity, campaign):
	"""``describe(task)``: the task's HTML description. Labels are translated once per batch, not
	once per task (thousands of tasks share a handful of steps and doctypes)."""

	@functools.cache
	def step_parts(step) -> tuple[str, str]:
		prefix = " · ".join(filter(None, [_(step.activity_type), activity.activity_name, campaign]))
		return f"<p>{escape_html(step.description)}</p>", prefix

	@functools.cache
	def label(doctype: str) -> str:
		return _(doctype)

	def describe(task) -> str:
		paragraph, prefix = step_parts(task.step)
		return f"{paragraph}<p>{escape_html(f'{prefix} · {label(task.target[0])} {task.target[1]}')}</p>"

	return describe


COST_COLUMNS = ("cp_cost", "cp_duration")


def _costs(tasks) -> tuple[list[str], Callable]:
	"""The cost columns and each task's values for them: none when no step has a cost or a
	duration (the columns default to 0, and every column costs time in a bulk insert)."""
	if any(t.step.cost or t.step.duration for t in tasks):
		return list(COST_COLUMNS), lambda t: (t.step.cost, t.step.duration)
	return [], lambda t: ()


def _insert_todos(doc, describe, tasks, now, user) -> None:
	if not tasks:
		return
	cost_fields, costs = _costs(tasks)
	fields = [*STANDARD_COLUMNS, "status", "priority", "date", "description", "reference_type", "reference_name",
		"allocated_to", "assigned_by", "cp_campaign", "cp_activity_assignment", *cost_fields]  # fmt: skip
	frappe.db.bulk_insert(
		"ToDo",
		fields,
		[
			(
				frappe.generate_hash(length=12),
				now,
				now,
				user,
				user,
				0,
				"Open",
				t.step.priority,
				t.date,
				describe(t),
				t.target[0],
				t.target[1],
				t.user,
				user,
				doc.campaign,
				doc.name,
				*costs(t),
			)
			for t in tasks
		],
	)


def _insert_events(doc, describe, tasks, now) -> None:
	if not tasks:
		return
	names = [frappe.generate_hash(length=12) for _t in tasks]
	cost_fields, costs = _costs(tasks)
	fields = [*STANDARD_COLUMNS, "subject", "event_category", "event_type", "starts_on", "ends_on", "status",
		"description", "cp_campaign", "cp_activity_assignment", *cost_fields]  # fmt: skip
	rows = []
	for name, t in zip(names, tasks, strict=True):
		starts = get_datetime(f"{t.date} 09:00:00")
		rows.append(
			(name, now, now, t.user, t.user, 0, t.step.description[:140], "Meeting", "Private", starts,
			 add_to_date(starts, hours=1), "Open", describe(t), doc.campaign, doc.name, *costs(t))
		)  # fmt: skip
	frappe.db.bulk_insert("Event", fields, rows)
	frappe.db.bulk_insert(
		"Event Participants",
		[
			*STANDARD_COLUMNS,
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"reference_doctype",
			"reference_docname",
		],
		[
			(
				frappe.generate_hash(length=12),
				now,
				now,
				t.user,
				t.user,
				0,
				name,
				"Event",
				"event_participants",
				1,
				t.target[0],
				t.target[1],
			)
			for name, t in zip(names, tasks, strict=True)
		],
	)


def cancel(assignment: str) -> dict:
	"""Close the assignment's open tasks."""
	todo, event = frappe.qb.DocType("ToDo"), frappe.qb.DocType("Event")
	closed = 0
	for table in (todo, event):
		closed += frappe.db.count(
			table._table_name[3:], {"cp_activity_assignment": assignment, "status": "Open"}
		)
		(
			frappe.qb.update(table)
			.set(table.status, "Cancelled")
			.set(table.modified, now_datetime())
			.where(table.cp_activity_assignment == assignment)
			.where(table.status == "Open")
			.run()
		)
	update_assigned_to(assignment)
	frappe.db.set_value(ASSIGNMENT, assignment, "status", "Canceled")
	return {"assignment": assignment, "closed": closed}


def show_assignees(tasks) -> None:
	"""Add the users of new to-dos to the ``_assign`` of the documents they are about. Documents
	nobody was assigned to get one UPDATE per doctype; those already assigned are read once and
	updated grouped by their new value."""
	added: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
	for task in tasks:
		if not task.step.is_event:  # meetings are events, which Frappe's Assign To does not list
			added[task.target[0]][task.target[1]].add(task.user)
	for doctype, documents in added.items():
		if frappe.get_meta(doctype).issingle:
			continue
		table = f"`tab{doctype}`"
		names = list(documents)
		assigned = {}
		for batch in create_batch(names, CHUNK):
			assigned.update(
				frappe.db.sql(
					f"""SELECT `name`, `_assign` FROM {table}
					WHERE `name` IN %(names)s AND IFNULL(`_assign`, '') NOT IN ('', '[]')""",
					{"names": batch},
				)
			)
		groups = defaultdict(list)
		for name, users in documents.items():
			groups[json.dumps(merge_assignees(_assignees(assigned.get(name)), users))].append(name)
		for value, group in groups.items():
			for batch in create_batch(group, CHUNK):
				frappe.db.sql(
					f"UPDATE {table} SET `_assign` = %(value)s WHERE `name` IN %(names)s",
					{"value": value, "names": batch},
				)


def _assignees(value: str | None) -> list[str]:
	try:
		users = json.loads(value or "[]")
	except ValueError:
		return []
	return [user for user in users if isinstance(user, str)] if isinstance(users, list) else []


def update_assigned_to(assignment: str) -> None:
	"""Recompute ``_assign`` of the documents the assignment's to-dos reference: the distinct users
	of their open to-dos (any origin), as a JSON list; empty when none is left. One UPDATE per
	referenced doctype (Frappe's ToDo does the same per document on every save)."""
	doctypes = frappe.db.sql_list(
		"SELECT DISTINCT `reference_type` FROM `tabToDo` WHERE `cp_activity_assignment` = %(assignment)s",
		{"assignment": assignment},
	)
	for doctype in doctypes:
		if not doctype or frappe.get_meta(doctype).issingle:
			continue
		frappe.db.sql(
			f"""UPDATE `tab{doctype}` d
			LEFT JOIN (
				SELECT t.`reference_name`,
					CONCAT('[', GROUP_CONCAT(DISTINCT JSON_QUOTE(t.`allocated_to`)
						ORDER BY t.`allocated_to` SEPARATOR ', '), ']') AS assigned
				FROM `tabToDo` t
				WHERE t.`reference_type` = %(doctype)s
					AND t.`status` NOT IN ('Cancelled', 'Closed')
					AND IFNULL(t.`allocated_to`, '') != ''
					AND t.`reference_name` IN (
						SELECT `reference_name` FROM `tabToDo`
						WHERE `cp_activity_assignment` = %(assignment)s AND `reference_type` = %(doctype)s)
				GROUP BY t.`reference_name`
			) a ON a.`reference_name` = d.`name`
			SET d.`_assign` = IFNULL(a.`assigned`, '')
			WHERE d.`name` IN (
				SELECT `reference_name` FROM `tabToDo`
				WHERE `cp_activity_assignment` = %(assignment)s AND `reference_type` = %(doctype)s)""",
			{"doctype": doctype, "assignment": assignment},
		)
