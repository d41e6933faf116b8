# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Buffered tracking hits, as plain rules: a hit as the endpoint saw it (encoded to a short text
for the buffer, read back strictly), and what a batch of hits writes — the same as writing each
hit at once would, in a handful of set-based statements.

Writing one hit at once (the path before the buffer) means, for a message tracked individually:
an engagement event when the message's ledger row exists and is tracked individually, then — the
hit counting (no bot) — one more open or click on the row, its first open / click moment set
if empty; a counting click tells the engagement listeners. For a message tracked in aggregate:
the step's counter of that kind (and link) one hit higher, its last hit moment the hit's; bots
are not recorded there. :func:`plan_batch` gives exactly that for many hits at once, in the
order they came.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from campaign_plus.engine.tracking import CLICK, KINDS, OPEN, USER_AGENT_CLASSES, counts

# The first field of a token says what the others name.
ROW, STEP = "r", "s"
VERSION = 1
MAX_URL = 2000


@dataclass(frozen=True)
class Hit:
	kind: str  # OPEN or CLICK
	subject: tuple[str, ...]  # (ROW, ledger row) or (STEP, campaign, schedule row, step number)
	agent: str  # the reader's user agent class
	moment: str  # when the hit came, "YYYY-MM-DD HH:MM:SS.ffffff" (UTC in the buffer, then the site's time)
	index: int = 0  # a click's link number
	url: str | None = None  # a click's link

	@property
	def row(self) -> str | None:
		return self.subject[1] if self.subject[0] == ROW else None


def make_hit(
	kind: str, fields: tuple[str, ...], agent: str, moment: str, url: str | None = None
) -> Hit | None:
	"""The hit a verified token's ``fields`` make (open: ``("r", row)`` / ``("s", campaign,
	schedule row, step)``; click: the same followed by the link set and the link's number);
	None when the fields name nothing this endpoint knows."""
	if kind == OPEN and len(fields) in (2, 4):
		subject, index = tuple(fields), 0
	elif kind == CLICK and len(fields) in (4, 6):
		subject, index = tuple(fields[:-2]), fields[-1]
		if not url or not str(index).isdigit():
			return None
	else:
		return None
	if subject[0] not in (ROW, STEP) or len(subject) != (2 if subject[0] == ROW else 4):
		return None
	return Hit(kind, subject, agent, moment, int(index), url if kind == CLICK else None)


def encode(hit: Hit) -> str:
	return json.dumps(
		[VERSION, hit.kind, list(hit.subject), hit.agent, hit.moment, hit.index, hit.url],
		separators=(",", ":"),
		ensure_ascii=False,
	)


def decode(text: str | bytes) -> Hit | None:
	"""The hit written by :func:`encode`; None for anything else (never an exception)."""
	try:
		version, kind, subject, agent, moment, index, url = json.loads(text)
	except (ValueError, TypeError):
		return None
	valid = (
		version == VERSION
		and kind in KINDS
		and isinstance(subject, list)
		and all(isinstance(part, str) for part in subject)
		and subject[:1] in (["r"], ["s"])
		and len(subject) == (2 if subject[0] == ROW else 4)
		and agent in USER_AGENT_CLASSES
		and isinstance(moment, str)
		and len(moment) == 26
		and isinstance(index, int)
		and index >= 0
		and (url is None if kind == OPEN else isinstance(url, str) and 0 < len(url) <= MAX_URL)
	)
	return Hit(kind, tuple(subject), agent, moment, index, url) if valid else None


def link_key(url: str | None) -> str:
	"""A step counter's key for a link (empty for opens)."""
	return hashlib.sha256(url.encode()).hexdigest()[:32] if url else ""


@dataclass
class RowDelta:
	"""What a batch adds to one ledger row's summary."""

	opens: int = 0
	first_opened_on: str | None = None
	clicks: int = 0
	first_clicked_on: str | None = None


@dataclass
class StepCounter:
	"""What a batch adds to one step counter (its key: campaign, schedule row, kind, link key)."""

	step_idx: int
	url: str | None
	hits: int = 0
	last_hit_on: str = ""


@dataclass
class Batch:
	events: list[Hit] = field(default_factory=list)  # recorded, in order (bots included)
	rows: dict[str, RowDelta] = field(default_factory=dict)  # counting hits per row
	counters: dict[tuple[str, str, str, str], StepCounter] = field(default_factory=dict)
	engagements: list[Hit] = field(default_factory=list)  # counting opens and clicks, for the listeners
	ignored: int = 0  # hits naming a row that is gone or not tracked individually


def plan_batch(hits: Iterable[Hit], individual_rows: set[str]) -> Batch:
	"""What ``hits`` write, in order: ``individual_rows`` are the hits' ledger rows that exist and
	are tracked individually (the others' hits are ignored, as the direct path ignores them)."""
	batch = Batch()
	for hit in hits:
		if hit.subject[0] == ROW:
			if hit.row not in individual_rows:
				batch.ignored += 1
				continue
			batch.events.append(hit)
			if not counts(hit.agent):
				continue
			delta = batch.rows.setdefault(hit.row, RowDelta())
			if hit.kind == OPEN:
				delta.opens += 1
				delta.first_opened_on = min(delta.first_opened_on or hit.moment, hit.moment)
			else:
				delta.clicks += 1
				delta.first_clicked_on = min(delta.first_clicked_on or hit.moment, hit.moment)
			batch.engagements.append(hit)
		elif counts(hit.agent):
			campaign, schedule_row, step = hit.subject[1:]
			key = (campaign, schedule_row, hit.kind, link_key(hit.url))
			counter = batch.counters.get(key)
			if counter is None:
				counter = batch.counters[key] = StepCounter(int(step) if step.isdigit() else 0, hit.url)
			counter.hits += 1
			counter.last_hit_on = max(counter.last_hit_on, hit.moment)
		else:
			batch.ignored += 1
	return batch
