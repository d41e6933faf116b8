# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The suppression list: addresses kept out of every campaign email, and why.

One entry per (address, reason): *Hard Bounce* (a message to it was refused for good),
*Spam Complaint* (its owner marked a campaign email as spam), *Unsubscribed* (from all campaign
email), *By Hand* (a person's decision, or a list imported from a previous tool). An entry is
active until lifted (Clear Bounce lifts a hard bounce); the planner skips an address with any
active entry, with the reason its entry gives (:data:`SKIP_REASON`).

:func:`read_csv` reads a list exported from another tool (Mailchimp, Brevo, Mailjet, listmonk…
or a hand-made one): the address column is found by its heading (or is the first column holding
addresses), a reason column and a date column are used when present.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from campaign_plus.engine.errors import RuleError, _
from campaign_plus.engine.schedule import (
	BOUNCED_ADDRESS,
	SUPPRESSED,
	UNSUBSCRIBED,
	is_valid_email,
	normalize_email,
)
from campaign_plus.engine.schedule import (
	SPAM_COMPLAINT as SPAM_COMPLAINT_SKIP,
)

HARD_BOUNCE = "Hard Bounce"
SPAM_COMPLAINT = "Spam Complaint"
UNSUBSCRIBE = "Unsubscribed"
BY_HAND = "By Hand"
REASONS = (HARD_BOUNCE, SPAM_COMPLAINT, UNSUBSCRIBE, BY_HAND)
REASON_LABELS = (_("Hard Bounce"), _("Spam Complaint"), _("Unsubscribed"), _("By Hand"))

# Where an entry came from.
EMAIL_REPORT = "Email Report"  # a DSN or an ARF report received by an incoming Email Account
PROVIDER = "Provider Webhook"
DELIVERY = "Delivery"  # the mail server refused it while campaign_plus delivered it
UNSUBSCRIBE_SOURCE = "Unsubscribe"
MANUAL = "By Hand"
CSV_IMPORT = "CSV Import"
MIGRATION = "Migration"
SOURCES = (EMAIL_REPORT, PROVIDER, DELIVERY, UNSUBSCRIBE_SOURCE, MANUAL, CSV_IMPORT, MIGRATION)

# The reason a planner row is skipped with, per suppression reason.
SKIP_REASON = {
	HARD_BOUNCE: BOUNCED_ADDRESS,
	SPAM_COMPLAINT: SPAM_COMPLAINT_SKIP,
	UNSUBSCRIBE: UNSUBSCRIBED,
	BY_HAND: SUPPRESSED,
}

MAX_IMPORT_ROWS = 200_000
_EMAIL_HEADINGS = re.compile(
	r"^(e-?mail|e-?mail[ _-]?address|email_address|address|adresse|adresse[ _-]e-?mail|courriel|"
	r"mail|recipient|destinataire|contact)$",
	re.I,
)
_REASON_HEADINGS = re.compile(
	r"^(reason|motif|raison|status|statut|type|cause|suppression[ _-]?reason)$", re.I
)
_DATE_HEADINGS = re.compile(
	r"^(since|date|depuis|created([ _-]?(at|on))?|timestamp|unsub(scribe)?[ _-]?(time|date|d)|"
	r"clean[ _-]?(time|date)|bounced?[ _-]?(at|on|date)|suppressed[ _-]?(at|on))$",
	re.I,
)


def reason_from_text(text: str | None) -> str:
	"""A suppression reason from another tool's words (English or French); By Hand otherwise."""
	value = (text or "").strip().lower()
	if any(word in value for word in ("complain", "spam", "abuse", "plainte", "indésirable")):
		return SPAM_COMPLAINT
	if any(word in value for word in ("bounce", "clean", "invalid", "rebond", "hard", "rejet")):
		return HARD_BOUNCE
	if any(
		word in value
		for word in ("unsub", "désabonn", "desabonn", "désinscri", "desinscri", "opt-out", "optout")
	):
		return UNSUBSCRIBE
	return BY_HAND


@dataclass(frozen=True)
class ImportedEntry:
	email: str
	reason: str
	since: dt.datetime | None = None
	note: str | None = None


@dataclass
class ImportResult:
	entries: list[ImportedEntry] = field(default_factory=list)
	invalid: list[tuple[int, str]] = field(default_factory=list)  # (line number, value)
	duplicates: int = 0


def _date(value: str) -> dt.datetime | None:
	text = (value or "").strip()
	if not text:
		return None
	for parse in (
		lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00")),
		lambda t: dt.datetime.strptime(t, "%d/%m/%Y %H:%M:%S"),
		lambda t: dt.datetime.strptime(t, "%d/%m/%Y %H:%M"),
		lambda t: dt.datetime.strptime(t, "%d/%m/%Y"),
		lambda t: dt.datetime.strptime(t, "%m/%d/%Y"),
	):
		try:
			moment = parse(text)
		except ValueError:
			continue
		return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment
	return None


def _dialect(sample: str):
	try:
		return csv.Sniffer().sniff(sample, delimiters=",;\t|")
	except csv.Error:
		return csv.excel


def read_csv(text: str, default_reason: str = BY_HAND) -> ImportResult:
	"""The entries of a CSV list (the first of several rows for one address is kept).

	Raises :class:`RuleError` when no column holds addresses or the file is too long."""
	text = text.lstrip("\ufeff")
	try:
		rows = list(csv.reader(io.StringIO(text, newline=""), _dialect(text[:8192])))
	except csv.Error as error:
		raise RuleError(_("The file is not a readable CSV file: {0}"), error) from None
	rows = [row for row in rows if any(cell.strip() for cell in row)]
	if not rows:
		raise RuleError(_("The file is empty."))
	if len(rows) > MAX_IMPORT_ROWS + 1:
		raise RuleError(_("The file has more than {0} rows: split it."), MAX_IMPORT_ROWS)
	heading = [cell.strip() for cell in rows[0]]
	email_column = next((i for i, name in enumerate(heading) if _EMAIL_HEADINGS.match(name)), None)
	has_heading = email_column is not None or not any(is_valid_email(normalize_email(c)) for c in heading)
	body = rows[1:] if has_heading else rows
	if email_column is None:
		email_column = next(
			(i for i in range(max(map(len, body), default=0)) if any(
				len(row) > i and is_valid_email(normalize_email(row[i])) for row in body[:50]
			)),
			None,
		)  # fmt: skip
	if email_column is None:
		raise RuleError(_("No column of the file holds email addresses."))
	reason_column = (
		next((i for i, n in enumerate(heading) if _REASON_HEADINGS.match(n)), None) if has_heading else None
	)
	date_column = (
		next((i for i, n in enumerate(heading) if _DATE_HEADINGS.match(n)), None) if has_heading else None
	)
	result, seen = ImportResult(), set()
	first_line = 2 if has_heading else 1
	for number, row in enumerate(body, start=first_line):
		value = row[email_column].strip() if len(row) > email_column else ""
		email = normalize_email(value.strip("<>"))
		if not is_valid_email(email):
			result.invalid.append((number, value[:200]))
			continue
		if email in seen:
			result.duplicates += 1
			continue
		seen.add(email)
		reason_text = row[reason_column] if reason_column is not None and len(row) > reason_column else ""
		reason = reason_from_text(reason_text) if reason_text.strip() else default_reason
		since = _date(row[date_column]) if date_column is not None and len(row) > date_column else None
		result.entries.append(ImportedEntry(email, reason, since, reason_text.strip()[:140] or None))
	return result


def write_csv(entries, delimiter: str = ";") -> str:
	"""The list as CSV (semicolons by default, for French spreadsheets): heading then one row per
	entry (email, reason, since, campaign, source, note)."""
	out = io.StringIO()
	writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
	writer.writerow(["email", "reason", "since", "campaign", "source", "note"])
	for entry in entries:
		writer.writerow([_csv_safe(value) for value in entry])
	return out.getvalue()


def _csv_safe(value) -> str:
	"""A cell a spreadsheet will not run as a formula."""
	text = "" if value is None else str(value)
	return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
