# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What a delivery job is handing to the mail server, kept where it survives: MariaDB.

Two journals work together:

- **In MariaDB** (*Campaign Delivery Journal*): before a job sends a chunk of rows, it records
  them with its name (``holder``) and the queue Redis's *epoch*, and commits. A row leaves with
  its message's outcome, in the transaction that writes it. A row still here whose job is dead
  was being handed over when the job (or its transaction) was lost.
- **In the queue Redis** (:mod:`campaign_plus.delivery.work`): per message, "handed" just before
  its final dot, "accepted" after the server's 2xx. Precise, but gone when Redis restarts without
  persistence.

Which job lives: each job holds a MariaDB named lock for its life (the server releases it when
the process dies and its connection closes), so a job is judged alive or dead without Redis.

What a dead job's rows became (:func:`resolve`, the engine's
:func:`~campaign_plus.engine.pacing.dead_job_row`): with the Redis journal of the same epoch, it
says it — accepted: sent; handed without an answer: kept as sent, flagged *may not have
arrived*; not handed: sent again. With the Redis journal lost (another epoch: Redis restarted
empty), nothing says which of the chunk's rows the server accepted: they are sent again,
flagged *may have arrived twice* — none is lost, and none is doubled without a flag.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from frappe.query_builder import DocType
from frappe.utils import create_batch, now_datetime

from campaign_plus.engine import pacing
from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, standard_values
from campaign_plus.utils.locks import lock_name, named_lock
from campaign_plus.utils.runtime import in_test

DOCTYPE = "Campaign Delivery Journal"
FIELDS = (*STANDARD_COLUMNS, "holder", "epoch", "campaign", "email_account")


def _table():
	return DocType(DOCTYPE)


def alive_lock(holder: str):
	"""Held by a delivery job for its life (a context manager yielding whether it got it)."""
	return named_lock(f"delivery:{holder}", 0)


def alive(holders) -> set[str]:
	"""The holders among ``holders`` whose job still lives (its lock is held by a connection)."""
	living = set()
	for holder in set(holders):
		if frappe.db.sql("SELECT IS_USED_LOCK(%s)", (lock_name(f"delivery:{holder}"),))[0][0]:
			living.add(holder)
	return living


def intend(names: list[str], holder: str, epoch: str, campaign: str | None, account: str) -> None:
	"""Record the rows a job is about to hand over, and commit (nothing else is open then)."""
	if not names:
		return
	now = now_datetime()
	rows = [
		(*standard_values(name, now, "Administrator"), holder, epoch, campaign, account) for name in names
	]
	frappe.db.sql(
		f"DELETE FROM `tab{DOCTYPE}` WHERE `name` IN %(names)s", {"names": tuple(names)}
	)  # left by a dead job and resolved: this job takes them over
	insert_many(DOCTYPE, FIELDS, rows)
	if not in_test():
		frappe.db.commit()


def done(names: list[str], holder: str) -> None:
	"""The rows' outcomes are written in this transaction: their entries go with it."""
	table = _table()
	for chunk in create_batch(list(names), 1000):
		frappe.qb.from_(table).delete().where(table.name.isin(list(chunk))).where(
			table.holder == holder
		).run()


@dataclass
class Entry:
	name: str
	holder: str
	epoch: str
	campaign: str | None
	account: str


def entries(names: list[str] | None = None) -> list[Entry]:
	"""Journal entries (of these rows, or all)."""
	table = _table()
	query = frappe.qb.from_(table).select(
		table.name, table.holder, table.epoch, table.campaign, table.email_account
	)
	if names is None:
		return [Entry(*row) for row in query.run()]
	found = []
	for chunk in create_batch(list(names), 1000):
		found += [Entry(*row) for row in query.where(table.name.isin(list(chunk))).run()]
	return found


@dataclass
class Resolution:
	"""What became of a dead job's rows."""

	accepted: list[str] = field(default_factory=list)  # the server said 2xx: sent
	uncertain: list[str] = field(default_factory=list)  # handed, no answer read: may not have arrived
	again: list[str] = field(default_factory=list)  # never handed: sent again
	doubtful: list[str] = field(default_factory=list)  # journal lost: sent again, may arrive twice
	living: list[str] = field(default_factory=list)  # their job lives: left to it
	by_place: dict[tuple[str | None, str], list[str]] = field(default_factory=lambda: defaultdict(list))

	@property
	def settled(self) -> list[str]:
		return [*self.accepted, *self.uncertain, *self.again, *self.doubtful]


def resolve(
	found: list[Entry], redis_journal: dict[str, str], epoch: str, handed: str, accepted: str
) -> Resolution:
	"""Sort the entries of dead jobs by what the Redis journal of ``epoch`` says (see the module).
	``redis_journal``: {row: "handed:…" / "accepted:…"} for the rows; ``handed`` / ``accepted``:
	its prefixes."""
	resolution = Resolution()
	living = alive(entry.holder for entry in found)
	for entry in found:
		if entry.holder in living:
			resolution.living.append(entry.name)
			continue
		resolution.by_place[(entry.campaign, entry.account)].append(entry.name)
		raw = redis_journal.get(entry.name, "")
		mark = "accepted" if raw.startswith(accepted) else "handed" if raw.startswith(handed) else None
		outcome = pacing.dead_job_row(entry.epoch, epoch, mark)
		{
			pacing.DEAD_ACCEPTED: resolution.accepted,
			pacing.DEAD_HANDED: resolution.uncertain,
			pacing.DEAD_NOT_HANDED: resolution.again,
			pacing.DEAD_UNKNOWN: resolution.doubtful,
		}[outcome].append(entry.name)
	return resolution


def forget(names: list[str]) -> None:
	table = _table()
	for chunk in create_batch(list(names), 1000):
		frappe.qb.from_(table).delete().where(table.name.isin(list(chunk))).run()
