# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Lead scores, set-based: one UPDATE per doctype and slice of rows, valued from the stores.

The rules are :mod:`campaign_plus.engine.scoring`'s; here they are SQL over what the app
records: the Send Log's first open / click and reply of each email, Campaign Form Submissions,
the latest unsubscribe of each address (Email Unsubscribe, Withdrawn consent records) and the
fit rules (Frappe's own query of each rule's validated filters, whoever runs it). Each UPDATE
joins the engagement points, the fit points and the rows' previous score (kept in
``cp_score_checked``, so the thresholds crossed are read from the rows just written), and sets
the score, its parts and the moment it was computed. Slices are ranges of names (the whole
table in slices of 20,000, each in its own transaction) or a list of names (a person's events).

The nightly recompute leaves alone rows scored after it started (an event meanwhile: their
score is newer than the one it would write).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import frappe
from frappe.utils import create_batch, now_datetime

from campaign_plus.engine import scoring
from campaign_plus.scoring.settings import PARTY_DOCTYPES, Scoring, load, thresholds
from campaign_plus.segments.criteria import names_query
from campaign_plus.utils.runtime import in_test
from campaign_plus.utils.scores import ScoreChange, notify_score_changes

SCORE, FIT, ENGAGEMENT, ON, CHECKED = (
	"cp_lead_score",
	"cp_score_fit",
	"cp_score_engagement",
	"cp_score_on",
	"cp_score_checked",
)
SLICE = 20000
# (party_type, party) of the Send Log and the form submissions (their on_doctype_update): a slice's
# events are read through its range — left to itself, MariaDB reads every row of the doctype
PARTY_INDEX = "`party_type_party_index`"
NAMES_CHUNK = 1000
_PARAM = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Rows:
	"""Which rows a statement scores: a list of names, or the names from ``low`` (included) to
	``high`` (excluded); no bound where None."""

	names: tuple[str, ...] = ()
	low: str | None = None
	high: str | None = None

	def sql(self, column: str) -> str:
		if self.names:
			return f"{column} IN %(cp_names)s"
		bounds = [
			f"{column} >= %(cp_low)s" if self.low is not None else "",
			f"{column} < %(cp_high)s" if self.high is not None else "",
		]
		return " AND ".join(b for b in bounds if b) or "1 = 1"

	def filters(self, doctype: str) -> list[list]:
		if self.names:
			return [[doctype, "name", "in", list(self.names)]]
		filters = []
		if self.low is not None:
			filters.append([doctype, "name", ">=", self.low])
		if self.high is not None:
			filters.append([doctype, "name", "<", self.high])
		return filters

	def params(self) -> dict:
		return {"cp_names": self.names} if self.names else {"cp_low": self.low, "cp_high": self.high}


def _decay(column: str, half_life_days: float) -> str:
	if half_life_days <= 0:
		return "1"
	return (
		f"POW(0.5, GREATEST(TIMESTAMPDIFF(MICROSECOND, {column}, %(cp_now)s), 0) / 1000000 "
		"/ %(cp_half_life_seconds)s)"
	)


def _party_type(alias: str) -> str:
	"""``party_type = doctype`` written as a closed interval: the same rows, read through a range
	of the (party_type, party) index bounded by the slice's names too. Written with ``=``, MariaDB
	looks the index up by party_type alone, and inside an UPDATE it cannot filter the slice in the
	index: every row of the doctype was read for every slice (the whole Send Log each time)."""
	return f"{alias}.`party_type` >= %(cp_doctype)s AND {alias}.`party_type` <= %(cp_doctype)s"


def engagement_sql(doctype: str, settings: scoring.ScoreSettings, rows: Rows) -> str | None:
	"""One row (party, points) per event, valued at ``cp_now`` — or None when nothing earns points."""
	points = settings.points_for
	hl = settings.half_life_days
	parts = []
	terms = []
	if points(scoring.OPEN):
		opened = "LEAST(COALESCE(l.`first_opened_on`, l.`first_clicked_on`), COALESCE(l.`first_clicked_on`, l.`first_opened_on`))"
		terms.append(f"IF({opened} IS NULL, 0, %(cp_p_open)s * {_decay(opened, hl)})")
	if points(scoring.CLICK):
		terms.append(
			f"IF(l.`first_clicked_on` IS NULL, 0, %(cp_p_click)s * {_decay('l.`first_clicked_on`', hl)})"
		)
	if points(scoring.REPLY):
		terms.append(f"IF(l.`replied_on` IS NULL, 0, %(cp_p_reply)s * {_decay('l.`replied_on`', hl)})")
	if terms:
		parts.append(
			f"""SELECT l.`party` AS party, {" + ".join(terms)} AS points
			FROM `tabCampaign Send Log` l FORCE INDEX ({PARTY_INDEX})
			WHERE {_party_type("l")} AND {rows.sql("l.`party`")}
				AND (l.`first_opened_on` IS NOT NULL OR l.`first_clicked_on` IS NOT NULL
					OR l.`replied_on` IS NOT NULL)"""
		)
	if points(scoring.FORM):
		parts.append(
			f"""SELECT s.`party` AS party, %(cp_p_form)s * {_decay("s.`submitted_on`", hl)} AS points
			FROM `tabCampaign Form Submission` s FORCE INDEX ({PARTY_INDEX})
			WHERE {_party_type("s")} AND {rows.sql("s.`party`")}"""
		)
	if points(scoring.UNSUBSCRIBE):
		# driven by the slice's own rows (a range of the primary key), each looked up by address
		parts.append(
			f"""SELECT u.party, %(cp_p_unsubscribe)s * {_decay("MAX(u.moment)", hl)} AS points FROM (
				SELECT t.`name` AS party, x.`creation` AS moment
				FROM `tab{doctype}` t STRAIGHT_JOIN `tabEmail Unsubscribe` x ON x.`email` = t.`email_id`
				WHERE {rows.sql("t.`name`")}
				UNION ALL SELECT t.`name`, c.`consent_date`
				FROM `tab{doctype}` t STRAIGHT_JOIN `tabCampaign Consent` c
					ON c.`purpose` = 'Campaign Email' AND c.`email` = t.`email_id` AND c.`status` = 'Withdrawn'
				WHERE {rows.sql("t.`name`")}
			) u GROUP BY u.party"""
		)
	return " UNION ALL ".join(parts) or None


def fit_sql(doctype: str, rules, rows: Rows) -> tuple[str | None, dict]:
	"""One row (party, points) per fit rule a row of ``rows`` meets."""
	parts, params = [], {}
	for i, rule in enumerate(rules):
		query, query_params = names_query(doctype, [*rule.filters, *rows.filters(doctype)])
		prefix = f"cp_r{i}_"
		if query_params:  # Frappe 16: placeholders renamed per rule (15 has none: values inlined)
			query = _PARAM.sub(lambda m, prefix=prefix: f"%({prefix}{m.group(1)})s", query)
		params.update({prefix + key: value for key, value in query_params.items()})
		params[f"cp_points_{i}"] = rule.points
		parts.append(f"SELECT r{i}.`name` AS party, %(cp_points_{i})s AS points FROM ({query}) r{i}")
	return (" UNION ALL ".join(parts) or None), params


def score_rows(
	doctype: str, config: Scoring, rows: Rows, now, only_older: bool, levels: list[float]
) -> tuple[int, list[ScoreChange]]:
	"""Score ``rows`` of ``doctype`` at ``now`` (one UPDATE): how many, and those that moved
	across a level."""
	settings = config.settings
	params = {
		"cp_now": now,
		"cp_doctype": doctype,
		"cp_half_life_seconds": settings.half_life_days * scoring.DAY_SECONDS,
		"cp_p_open": settings.points_for(scoring.OPEN),
		"cp_p_click": settings.points_for(scoring.CLICK),
		"cp_p_reply": settings.points_for(scoring.REPLY),
		"cp_p_form": settings.points_for(scoring.FORM),
		"cp_p_unsubscribe": settings.points_for(scoring.UNSUBSCRIBE),
		**rows.params(),
	}
	engagement = engagement_sql(doctype, settings, rows)
	fit, fit_params = fit_sql(doctype, config.rules_for(doctype), rows)
	params.update(fit_params)
	# one derived table: per person with events or fit, their engagement and fit points
	parts = []
	if engagement:
		parts.append(f"SELECT e.party, e.points AS engagement, 0 AS fit FROM ({engagement}) e")
	if fit:
		parts.append(f"SELECT f.party, 0 AS engagement, f.points AS fit FROM ({fit}) f")
	points = (
		f"""LEFT JOIN (
			SELECT s.party, SUM(s.engagement) AS engagement, SUM(s.fit) AS fit
			FROM ({" UNION ALL ".join(parts)}) s GROUP BY s.party
		) v ON v.party = t.`name`"""
		if parts
		else "LEFT JOIN (SELECT NULL AS party, 0 AS engagement, 0 AS fit) v ON 1 = 0"
	)
	older = f" AND (t.`{ON}` IS NULL OR t.`{ON}` <= %(cp_now)s)" if only_older else ""
	# MariaDB's SIMULTANEOUS_ASSIGNMENT: every assignment reads the row as it was, so the previous
	# score is kept in the same statement that replaces it
	frappe.db.sql(
		f"""SET STATEMENT sql_mode = CONCAT(@@sql_mode, ',SIMULTANEOUS_ASSIGNMENT') FOR
		UPDATE `tab{doctype}` t {points}
		SET t.`{CHECKED}` = t.`{SCORE}`,
			t.`{ENGAGEMENT}` = ROUND(COALESCE(v.engagement, 0), 4),
			t.`{FIT}` = COALESCE(v.fit, 0),
			t.`{SCORE}` = ROUND(COALESCE(v.fit, 0) + COALESCE(v.engagement, 0), {scoring.PRECISION}),
			t.`{ON}` = %(cp_now)s
		WHERE {rows.sql("t.`name`")}{older}""",
		params,
	)
	scored = frappe.db._cursor.rowcount if frappe.db._cursor else 0
	if not levels:
		return scored, []
	moved = " OR ".join(
		f"((IFNULL(`{CHECKED}`, 0) >= {float(level)!r}) <> (IFNULL(`{SCORE}`, 0) >= {float(level)!r}))"
		for level in levels
	)
	return scored, [
		ScoreChange(doctype, name, previous, score, now)
		for name, previous, score in frappe.db.sql(
			f"""SELECT `name`, `{CHECKED}`, `{SCORE}` FROM `tab{doctype}`
			WHERE {rows.sql("`name`")} AND `{ON}` = %(cp_now)s AND ({moved})""",
			params,
		)
	]


def slices(doctype: str, size: int = SLICE) -> list[Rows]:
	"""The whole table as ranges of about ``size`` names (one query); the first and the last are
	open-ended, so rows added meanwhile are scored too."""
	starts = [
		row[0]
		for row in frappe.db.sql(
			f"""SELECT `name` FROM (
				SELECT `name`, ROW_NUMBER() OVER (ORDER BY `name`) AS n FROM `tab{doctype}`
			) numbered WHERE MOD(n - 1, %(size)s) = 0 ORDER BY `name`""",
			{"size": size},
		)
	]
	if not starts:
		return []
	bounds = [None, *starts[1:], None]
	return [Rows(low=bounds[i], high=bounds[i + 1]) for i in range(len(bounds) - 1)]


def recompute_all(now=None, only: dict[str, list[str]] | None = None) -> dict[str, int]:
	"""Score every Lead and Contact (the nightly job): one transaction per slice. ``only``: the
	same statements for these names only (``{"Lead": [...]}``), so that tests score their own."""
	config = load()
	if not config.enabled:
		return {}
	now = now or now_datetime()
	levels = thresholds()
	counts = {}
	for doctype in PARTY_DOCTYPES:
		scored = 0
		if only is None:
			parts = slices(doctype)
		else:
			parts = [Rows(names=tuple(only[doctype]))] if only.get(doctype) else []
		for rows in parts:
			count, changes = score_rows(doctype, config, rows, now, only_older=True, levels=levels)
			notify_score_changes(changes)
			scored += count
			if not in_test():
				frappe.db.commit()
		counts[doctype] = scored
	return counts


def refresh(parties: Iterable[tuple[str, str]], now=None) -> list[ScoreChange]:
	"""Score these Leads / Contacts now (their events just changed): a few statements per 1,000."""
	by_type: dict[str, set[str]] = {}
	for party_type, party in parties:
		if party_type in PARTY_DOCTYPES and party:
			by_type.setdefault(party_type, set()).add(party)
	if not by_type:
		return []
	config = load()
	if not config.enabled:
		return []
	now = now or now_datetime()
	levels = thresholds()
	changes = []
	for doctype, names in by_type.items():
		for chunk in create_batch(sorted(names), NAMES_CHUNK):
			changes += score_rows(doctype, config, Rows(names=tuple(chunk)), now, False, levels)[1]
	notify_score_changes(changes)
	return changes
