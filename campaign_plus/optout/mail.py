# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""An email to the ``mailto:`` of ``List-Unsubscribe`` (subject ``unsubscribe <token>``),
received by the sending account's incoming mailbox: the same unsubscribe as a one-click POST."""

import re

from campaign_plus.optout import actions

SUBJECT = re.compile(r"^\s*unsubscribe\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$", re.IGNORECASE)


def on_received_email(doc, method=None) -> None:
	"""Communication ``after_insert``."""
	if doc.get("communication_medium") != "Email" or doc.get("sent_or_received") != "Received":
		return
	match = SUBJECT.match(doc.get("subject") or "")
	if match:
		actions.by_email(match.group(1))
