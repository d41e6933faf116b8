# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A campaign's event rules: when a recipient clicks, replies or places an order, act — once per
recipient and rule.

Events arrive from the tracking endpoint (an individually tracked click, through the flush of
buffered hits), from a matched reply (both through the ``campaign_plus_on_engagements`` hook), from
a submitted Sales Order carrying the campaign, and from lead scores crossing a rule's threshold
upward (the ``campaign_plus_on_score_change`` hook: each crossing acts once). The hook handlers
cost one indexed query and enqueue a job only when the campaign
has a rule for that event; the job claims (rule, recipient) with a row in Campaign Interaction —
a unique key makes a second claim impossible, however many clicks — and acts in the same
transaction: a failing action gives the claim back and is logged. Rules act as Administrator,
like scheduled jobs (only users who may edit the campaign can write them).
"""

import hashlib
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import now_datetime, today

from campaign_plus.engine.automation import (
	ADD_TO_SEGMENT,
	ASSIGN_ACTIVITY,
	CLICK,
	CREATE_OPPORTUNITY,
	NOTIFY_SALES_PERSON,
	ORDER,
	REPLY,
	SCORE_REACHED,
	STOP_SEQUENCE,
	Rule,
	check_rule,
	crossed_rules,
	rules_for,
)
from campaign_plus.engine.schedule import DEFERRED, LEFT, PLANNED, QUEUED, SENT, SEQUENCE_STOPPED, SKIPPED
from campaign_plus.errors import translated_rule_errors
from campaign_plus.links import CAMPAIGN_SOURCE, campaign_link_value, get_campaign_link
from campaign_plus.segments.parties import customers_of
from campaign_plus.utils.db import STANDARD_COLUMNS
from campaign_plus.utils.runtime import in_test

LEDGER = "Campaign Send Log"
ROWS_PER_JOB = 500  # recipients per rules job after a burst
RULE = "Campaign Event Rule"
INTERACTION = "Campaign Interaction"
EVENTS = {"click": CLICK, "reply": REPLY}
# The recipients each action can act on (a Customer has no assignment target of its own, an
# Email Group member is only an address).
PARTY_TYPES = {
	ASSIGN_ACTIVITY: ("Lead", "Contact"),
	CREATE_OPPORTUNITY: ("Lead", "Contact", "Customer"),
	ADD_TO_SEGMENT: ("Lead", "Contact", "Customer"),
	STOP_SEQUENCE: None,  # any
	NOTIFY_SALES_PERSON: None,
}


# --- events -------------------------------------------------------------------------------------


def on_engagement(row: str, kind: str) -> None:
	"""A ledger row's recipient clicked (or replied): :func:`on_engagements` for one."""
	on_engagements([(row, kind)])


def on_engagements(engagements: list) -> None:
	"""Hook ``campaign_plus_on_engagements``: recipients clicked or replied ((row, kind, …) each).

	One query for them all: the rows whose campaign has a rule for that event; one job per
	campaign and event for up to :data:`ROWS_PER_JOB` of them (a burst of clicks is a few jobs,
	not one per clicker)."""
	by_event: dict[str, list[str]] = {}
	for engagement in engagements:
		event = EVENTS.get(engagement[1])
		if event:
			by_event.setdefault(event, []).append(engagement[0])
	for event, rows in by_event.items():
		found = frappe.db.sql(
			f"""SELECT l.`name`, l.`campaign`, l.`party_type`, l.`party` FROM `tab{LEDGER}` l
			WHERE l.`name` IN %(rows)s AND EXISTS (
				SELECT 1 FROM `tab{RULE}` r
				WHERE r.`parent` = l.`campaign` AND r.`parenttype` = 'Campaign' AND r.`event` = %(event)s)""",
			{"rows": sorted(set(rows)), "event": event},
		)
		by_row = {row: (campaign, party_type, party) for row, campaign, party_type, party in found}
		by_campaign: dict[str, list[tuple[tuple[str, str], str]]] = {}
		for row in dict.fromkeys(rows):  # each row once, in the order of the engagements
			if row in by_row:
				campaign, party_type, party = by_row[row]
				by_campaign.setdefault(campaign, []).append(((party_type, party), row))
		for campaign, items in by_campaign.items():
			for start in range(0, len(items), ROWS_PER_JOB):
				chunk = items[start : start + ROWS_PER_JOB]
				enqueue(
					campaign, event, [party for party, _row in chunk], LEDGER, chunk[0][1],
					references=[row for _party, row in chunk],
				)  # fmt: skip


def on_order(doc, method=None) -> None:
	"""Sales Order ``on_submit``: the campaign's recipients who are (or belong to) its customer ordered."""
	link = get_campaign_link(doc.doctype)
	value = doc.get(link.fieldname) if link else None
	if not value:
		return
	campaign = value if link.target == "Campaign" else frappe.db.get_value(link.target, value, "crm_campaign")
	if not campaign or not frappe.db.exists(
		RULE, {"parent": campaign, "parenttype": "Campaign", "event": ORDER}
	):
		return
	parties = recipients_of_customer(campaign, doc.customer)
	if parties:
		enqueue(campaign, ORDER, parties, doc.doctype, doc.name)


def recipients_of_customer(campaign: str, customer: str) -> list[tuple[str, str]]:
	"""The campaign's recipients (emailed) that are, or belong to, ``customer`` (one query)."""
	return [
		tuple(row)
		for row in frappe.db.sql(
			f"""SELECT DISTINCT l.`party_type`, l.`party` FROM `tab{LEDGER}` l
			WHERE l.`campaign` = %(campaign)s AND l.`status` IN %(delivered)s AND (
				(l.`party_type` = 'Customer' AND l.`party` = %(customer)s)
				OR (l.`party_type` = 'Lead' AND l.`party` IN (
					SELECT `name` FROM `tabLead` WHERE `customer` = %(customer)s
					UNION SELECT `lead_name` FROM `tabCustomer` WHERE `name` = %(customer)s))
				OR (l.`party_type` = 'Contact' AND l.`party` IN (
					SELECT `parent` FROM `tabDynamic Link` WHERE `parenttype` = 'Contact'
						AND `link_doctype` = 'Customer' AND `link_name` = %(customer)s)))
			ORDER BY l.`party_type`, l.`party`""",
			{"campaign": campaign, "customer": customer, "delivered": LEFT},
		)
	]


def enqueue(
	campaign: str,
	event: str,
	parties: list,
	reference_doctype: str,
	reference_name: str,
	references: list[str] | None = None,
) -> None:
	"""``references``: each party's own document of ``reference_doctype`` (else ``reference_name``)."""
	job = f"{reference_doctype}:{reference_name}"
	if references and len(references) > 1:
		job = f"{reference_doctype}:{hashlib.sha1(chr(0).join(references).encode()).hexdigest()[:16]}"
	frappe.enqueue(
		"campaign_plus.automation.rules.run_rules",
		queue="short",
		job_id=f"campaign_plus:rules:{campaign}:{event}:{job}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=in_test(),
		campaign=campaign,
		rule_event=event,  # not `event`: frappe.enqueue has a parameter of that name
		parties=[list(party) for party in parties],
		reference_doctype=reference_doctype,
		reference_name=reference_name,
		references=references,
	)


def validate_rules(doc, method=None) -> None:
	"""Campaign ``validate``: each event rule names what its action needs."""
	with translated_rule_errors():
		for row in doc.get("cp_event_rules") or []:
			check_rule(row.idx, _rule(row), doc.get("cp_sales_person"))


def on_score_changes(changes) -> None:
	"""Hook ``campaign_plus_on_score_change``: scores moved across thresholds. For each campaign
	with a Score Reached rule, its people (segment members, recipients, Leads carrying it) whose
	score crossed a rule's threshold upward get that rule, once per crossing (the claim names the
	moment the crossing was computed). One query for the rules, one or two per campaign."""
	rows = frappe.get_all(
		RULE, filters={"parenttype": "Campaign", "event": SCORE_REACHED}, fields=["parent", *RULE_FIELDS]
	)
	by_campaign: dict[str, list[Rule]] = {}
	for row in rows:
		by_campaign.setdefault(row.parent, []).append(_rule(row))
	for campaign, rules in sorted(by_campaign.items()):
		crossing = [(change, crossed_rules(rules, change.previous, change.score)) for change in changes]
		crossing = [(change, crossed) for change, crossed in crossing if crossed]
		if not crossing:
			continue
		members = campaign_parties(campaign, {(c.party_type, c.party) for c, _rules in crossing})
		items = [
			[c.party_type, c.party, [rule.key for rule in crossed], c.on.strftime("%Y%m%d%H%M%S%f")]
			for c, crossed in crossing
			if (c.party_type, c.party) in members
		]
		if items:
			frappe.enqueue(
				"campaign_plus.automation.rules.run_threshold_rules",
				queue="short",
				job_id=f"campaign_plus:score-rules:{campaign}:{frappe.generate_hash(length=10)}",
				enqueue_after_commit=True,
				now=in_test(),
				campaign=campaign,
				crossings=items,
			)


def campaign_parties(campaign: str, parties: set[tuple[str, str]]) -> set[tuple[str, str]]:
	"""Which of ``parties`` belong to the campaign: members of its segments, recipients of its
	emails, or (Leads) carrying it."""
	found: set[tuple[str, str]] = set()
	by_type: dict[str, list[str]] = {}
	for party_type, party in parties:
		by_type.setdefault(party_type, []).append(party)
	for party_type, names in by_type.items():
		values = {"campaign": campaign, "party_type": party_type, "names": tuple(names)}
		sql = [
			"""SELECT m.`party` FROM `tabCampaign Segment Member` m
			JOIN `tabCampaign Segment` s ON s.`name` = m.`segment`
			WHERE s.`campaign` = %(campaign)s AND m.`party_type` = %(party_type)s AND m.`party` IN %(names)s""",
			f"""SELECT `party` FROM `tab{LEDGER}` WHERE `campaign` = %(campaign)s
			AND `party_type` = %(party_type)s AND `party` IN %(names)s""",
		]
		link = get_campaign_link(party_type) if party_type == "Lead" else None
		if link:
			values["link_value"] = campaign_link_value(link, campaign)
			sql.append(
				f"""SELECT `name` FROM `tab{party_type}` WHERE `{link.fieldname}` = %(link_value)s
				AND `name` IN %(names)s"""
			)
		found |= {(party_type, name) for (name,) in frappe.db.sql(" UNION ".join(sql), values)}
	return found


def run_threshold_rules(campaign: str, crossings: list) -> dict[str, int]:
	"""Apply the Score Reached rules each person crossed, once per (rule, person, crossing)."""
	applied = 0
	with _as_administrator():
		rules = {rule.key: rule for rule in rules_for(campaign_rules(campaign), SCORE_REACHED)}
		for party_type, party, keys, moment in crossings:
			for key in keys:
				if key in rules:
					rule = rules[key].once_per_crossing(moment)
					applied += apply_once(campaign, rule, party_type, party, (party_type, party))
	if not in_test():
		frappe.db.commit()
	return {"applied": applied}


# --- the job ------------------------------------------------------------------------------------


RULE_FIELDS = ["name", "event", "action", "activity", "sales_person", "segment", "score_threshold"]


def _rule(row) -> Rule:
	threshold = row.get("score_threshold")
	return Rule(
		row.name,
		row.event,
		row.action,
		row.activity,
		row.sales_person,
		row.segment,
		float(threshold) if threshold not in (None, "") else None,
	)


def campaign_rules(campaign: str) -> list[Rule]:
	return [
		_rule(row)
		for row in frappe.get_all(
			RULE,
			filters={"parent": campaign, "parenttype": "Campaign"},
			fields=RULE_FIELDS,
			order_by="idx asc",
		)
	]


@contextmanager
def _as_administrator():
	user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		yield
	finally:
		frappe.set_user(user)


def run_rules(
	campaign: str,
	rule_event: str,
	parties: list,
	reference_doctype: str,
	reference_name: str,
	references: list[str] | None = None,
) -> dict[str, int]:
	"""Apply the campaign's rules for ``rule_event`` to each recipient, once per (rule, recipient);
	``references``: what each recipient did (a document of ``reference_doctype`` each)."""
	applied = 0
	with _as_administrator():
		rules = rules_for(campaign_rules(campaign), rule_event)
		for number, (party_type, party) in enumerate(parties):
			trigger = (reference_doctype, references[number] if references else reference_name)
			for rule in rules:
				applied += apply_once(campaign, rule, party_type, party, trigger)
	if not in_test():
		frappe.db.commit()
	return {"applied": applied}


def apply_once(campaign: str, rule: Rule, party_type: str, party: str, trigger: tuple[str, str]) -> bool:
	"""Claim (rule, recipient) and act; False when claimed before, not applicable or failed."""
	allowed = PARTY_TYPES[rule.action]
	if allowed is not None and party_type not in allowed:
		return False
	savepoint = "campaign_plus_rule"
	frappe.db.savepoint(savepoint)
	if not _claim(campaign, rule, party_type, party, trigger):
		return False
	try:
		reference = ACTIONS[rule.action](campaign, rule, party_type, party)
	except Exception:
		frappe.db.rollback(save_point=savepoint)
		frappe.log_error(title=f"Campaign Plus: rule {rule.action} of {campaign} for {party}")
		return False
	if reference:
		interaction = DocType(INTERACTION)
		(
			frappe.qb.update(interaction)
			.set(interaction.reference_doctype, reference[0])
			.set(interaction.reference_name, reference[1])
			.where(interaction.rule == rule.key)
			.where(interaction.party_type == party_type)
			.where(interaction.party == party)
			.run()
		)
	return True


def _claim(campaign: str, rule: Rule, party_type: str, party: str, trigger: tuple[str, str]) -> bool:
	"""One Automation interaction per (rule, recipient): INSERT IGNORE on its unique key."""
	now, user = now_datetime(), frappe.session.user
	columns = (*STANDARD_COLUMNS, "campaign", "interaction_type", "interaction_date", "party_type", "party",
		"cost", "duration", "canceled", "rule", "rule_event", "rule_action", "reference_doctype", "reference_name")  # fmt: skip
	values = (frappe.generate_hash(length=12), now, now, user, user, 0, campaign, "Automation", today(),
		party_type, party, 0, 0, 0, rule.key, rule.event, rule.action, trigger[0], trigger[1])  # fmt: skip
	frappe.db.sql(
		f"""INSERT IGNORE INTO `tab{INTERACTION}` ({", ".join(f"`{c}`" for c in columns)})
		VALUES ({", ".join(["%s"] * len(columns))})""",
		values,
	)
	return bool(frappe.db._cursor.rowcount)


# --- the actions: each returns the document it made (doctype, name) or None ---------------------


def assign_activity(campaign: str, rule: Rule, party_type: str, party: str):
	from campaign_plus.activities.assign import assign

	result = assign(rule.activity, party_type, party, rule.sales_person, today(), campaign=campaign)
	return ("Campaign Activity Assignment", result["assignment"])


def create_opportunity(campaign: str, rule: Rule, party_type: str, party: str):
	if party_type == "Lead":
		from erpnext.crm.doctype.lead.lead import make_opportunity

		opportunity = make_opportunity(party)
	else:
		customer = (
			party
			if party_type == "Customer"
			else customers_of([(party_type, party)]).get((party_type, party))
		)
		if not customer:
			return None
		opportunity = frappe.get_doc(
			{"doctype": "Opportunity", "opportunity_from": "Customer", "party_name": customer}
		)
		if party_type == "Contact":
			opportunity.contact_person = party
	link = get_campaign_link("Opportunity")
	if link:
		opportunity.set(link.fieldname, campaign_link_value(link, campaign))
		source = link.source_fieldname
		if source and not opportunity.get(source):
			if frappe.db.exists(frappe.get_meta("Opportunity").get_options(source), CAMPAIGN_SOURCE):
				opportunity.set(source, CAMPAIGN_SOURCE)
	if not opportunity.get("company"):
		from erpnext import get_default_company

		opportunity.company = get_default_company()
	opportunity.insert(ignore_permissions=True)
	return ("Opportunity", opportunity.name)


def add_to_segment(campaign: str, rule: Rule, party_type: str, party: str):
	from campaign_plus.segments.actions import ADD, apply_criteria

	apply_criteria(rule.segment, ADD, party_type, [["name", "=", party]])
	return ("Campaign Segment", rule.segment)


def stop_sequence(campaign: str, rule: Rule, party_type: str, party: str):
	"""The recipient's steps not sent yet are skipped; later steps are (see the conditions' plan rule)."""
	log = DocType(LEDGER)
	(
		frappe.qb.update(log)
		.set(log.status, SKIPPED)
		.set(log.reason, SEQUENCE_STOPPED)
		.set(log.send_at, None)
		.set(log.modified, now_datetime())
		.where(log.campaign == campaign)
		.where(log.party_type == party_type)
		.where(log.party == party)
		.where(log.status.isin([PLANNED, DEFERRED]))
		.run()
	)
	return None


def notify_sales_person(campaign: str, rule: Rule, party_type: str, party: str):
	"""A bell notification (and Frappe's email of it, per the user's settings) to the rule's sales
	person — else the campaign's — about the recipient."""
	from campaign_plus.activities.people import resolve_users

	sales_person = rule.sales_person or frappe.db.get_value("Campaign", campaign, "cp_sales_person")
	if not sales_person:
		return None
	title = frappe.db.get_value(party_type, party, frappe.get_meta(party_type).get_title_field()) or party
	if rule.event == SCORE_REACHED:
		subject = _("{0} reached a lead score of {1} (campaign {2})").format(
			title, frappe.format(rule.score_threshold, {"fieldtype": "Float"}), campaign
		)
	else:
		subject = _("{0}: {1} (campaign {2})").format(title, _(rule.event), campaign)
	first = None
	for user in resolve_users(sales_person):
		log = frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": party_type,
				"document_name": party,
				"subject": subject,
				"from_user": "Administrator",
			}
		).insert(ignore_permissions=True)
		first = first or log.name
	return ("Notification Log", first) if first else None


ACTIONS = {
	ASSIGN_ACTIVITY: assign_activity,
	CREATE_OPPORTUNITY: create_opportunity,
	ADD_TO_SEGMENT: add_to_segment,
	STOP_SEQUENCE: stop_sequence,
	NOTIFY_SALES_PERSON: notify_sales_person,
}
