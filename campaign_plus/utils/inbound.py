# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The email Frappe's receiver is turning into a Communication, for the hooks that read reports.

Frappe (15 and 16) turns every incoming email into a received **Communication** without the
machine-readable parts of reports (a DSN's ``message/delivery-status``, an ARF's
``message/feedback-report``, the returned original). Frappe hands document hooks the
Communication only, but its receiver (``InboundMail.process`` in ``frappe/email/receive.py``) is
on the call stack with the parsed email: :func:`inbound_message` finds it there.
"""

import sys


def inbound_message(doc, skip: int = 1):
	"""The parsed email (``email.message.Message``) Frappe's receiver is making ``doc`` from, or
	None when ``doc`` was made some other way."""
	try:
		from frappe.email.receive import InboundMail
	except ImportError:  # pragma: no cover
		return None
	frame = sys._getframe(skip)
	for _depth in range(40):
		frame = frame.f_back
		if frame is None:
			return None
		candidate = frame.f_locals.get("self")
		if isinstance(candidate, InboundMail) and (getattr(candidate, "message_id", None) or None) == (
			doc.message_id or None
		):
			return candidate.mail
	return None
