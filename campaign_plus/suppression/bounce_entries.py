# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign Bounce ↔ suppression list: a hard bounce adds a *Hard Bounce* entry; clearing lifts it."""

from campaign_plus.engine import suppression as rules
from campaign_plus.suppression import records


def add_for_bounces(bounces) -> int:
	"""Entries for hard Campaign Bounces (documents or dicts with email, campaign, send_log,
	communication, status_code, diagnostic)."""
	entries = []
	for bounce in bounces:
		get = bounce.get
		note = " ".join(part for part in (get("status_code"), get("diagnostic")) if part)
		source = rules.EMAIL_REPORT if get("communication") else get("source") or rules.DELIVERY
		entries.append(
			records.Entry(
				get("email"),
				rules.HARD_BOUNCE,
				source,
				campaign=get("campaign"),
				send_log=get("send_log"),
				note=note[:1000] or None,
			)
		)
	return records.add(entries)


def lift_for_cleared(email: str) -> int:
	return records.lift([email], [rules.HARD_BOUNCE], clear_bounces=False)
