# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""One batch of reported events, from any source, applied once: matched to their Send Log rows,
logged (the second copy of an event stops here), then applied set-based."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from campaign_plus.feedback import apply, log, resolve
from campaign_plus.feedback.apply import db_moment


@dataclass
class Result:
	received: int = 0
	applied: int = 0
	duplicates: int = 0
	unmatched: int = 0
	rows: dict[str, list[str]] = field(default_factory=dict)  # kind: Send Log rows touched

	def as_dict(self) -> dict:
		return {
			"received": self.received,
			"applied": self.applied,
			"duplicates": self.duplicates,
			"unmatched": self.unmatched,
		}


def process(
	provider: str,
	events: Sequence,
	*,
	source: str,
	email_account: str | None = None,
	communication: str | None = None,
	request: str | None = None,
) -> Result:
	"""Apply ``events`` (engine ``Event``s) reported by ``provider``; each event key once."""
	result = Result(received=len(events))
	if not events:
		return result
	rows = resolve.rows_for(events)
	result.unmatched = sum(row is None for row in rows)
	logged = [
		log.Logged(
			provider,
			event.key,
			event.kind,
			row.email if row else event.email,
			email_account,
			row.campaign if row else None,
			row.name if row else None,
			db_moment(event.occurred_at, None),
			event.status,
			event.detail,
			communication,
		)
		for event, row in zip(events, rows, strict=True)
	]
	new_keys = log.record(logged, request)
	fresh, seen = [], set()
	for event, row in zip(events, rows, strict=True):
		if event.key in new_keys and event.key not in seen:
			seen.add(event.key)
			fresh.append((event, row))
	result.applied = len(fresh)
	result.duplicates = len(events) - len(fresh)
	result.rows = apply.apply(fresh, source=source, provider=provider, communication=communication)
	return result
