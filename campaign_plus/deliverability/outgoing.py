# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The last step before a campaign email goes to the mail server, in both send paths.

:func:`finish` takes the message as Frappe built it for the recipient (placeholders filled in)
and returns the bytes to send: the header block kept as queued — Frappe 15 refolds every header
line over 78 characters when it builds a message, which turns a long ``List-Unsubscribe`` URL
into RFC 2047 encoded words — then, when the sending Email Account signs with DKIM, the
signature on top, once every header is final.

- The delivery job's fast path (:mod:`campaign_plus.delivery.sendmail`) calls it itself.
- Frappe's ``EmailQueue.send`` (rows the fast path leaves to Frappe, and Frappe's flush, the
  safety net once a lease runs out) calls the ``override_email_send`` hook with the built
  message: :func:`send` finishes it and sends it as Frappe would have — over the SMTP server
  the caller's delivery job holds (:func:`smtp_server_for_hook`), else the account's own
  (Frappe's per-account server), or Frappe Mail's API on Frappe 16; DSN options as Frappe 16
  asks; nothing under tests unless Frappe's ``testing_email`` flag is set.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import frappe
from frappe.utils import get_hook_method

from campaign_plus.deliverability import dkim
from campaign_plus.engine import mailheaders
from campaign_plus.utils import send_id
from campaign_plus.utils.runtime import in_test

THIS_HOOK = "campaign_plus.deliverability.outgoing.send"
_server = ContextVar("campaign_plus_smtp_server", default=None)


def is_campaign_message(queue_doc) -> bool:
	"""An Email Queue row of a campaign email (it carries the send id header as queued)."""
	message = queue_doc.get("message") or ""
	return queue_doc.get("reference_doctype") == "Campaign" and f"{send_id.HEADER}:" in message


def finish(queue_doc, message: bytes, account=None) -> bytes:
	"""The bytes to send for ``message`` (built from ``queue_doc`` for one recipient)."""
	if not message or not is_campaign_message(queue_doc):
		return message
	text = mailheaders.keep_queued_header_block(queue_doc.message, message.decode("utf-8"))
	data = text.encode("utf-8")
	signer = dkim.signer_for(account or queue_doc.get_email_account(raise_error=True))
	return signer.sign(data) if signer else data


def foreign_send_hook():
	"""The ``override_email_send`` method Frappe calls, when it is another app's."""
	hooks = frappe.get_hooks("override_email_send")
	if not hooks or hooks[0] == THIS_HOOK:
		return None
	return get_hook_method("override_email_send")


@contextmanager
def smtp_server_for_hook(server) -> Iterator[None]:
	"""Inside the block, :func:`send` sends over ``server`` (a delivery job's session)."""
	token = _server.set(server)
	try:
		yield
	finally:
		_server.reset(token)


def send(queue_doc, sender: str, recipient: str, message: bytes) -> None:
	"""Frappe's ``override_email_send`` hook: finish the message and send it as Frappe would."""
	account = queue_doc.get_email_account(raise_error=True)
	message = finish(queue_doc, message, account)
	if in_test() and not frappe.flags.testing_email:
		frappe.flags.campaign_plus_sent_mail = message
		return
	if account.get("service") == "Frappe Mail":  # Frappe 16
		account.get_frappe_mail_client().send_raw(
			sender=sender,
			recipients=recipient,
			message=message,
			is_newsletter=queue_doc.reference_doctype == "Newsletter",
		)
		return
	server = _server.get() or account.get_smtp_server()
	session = server.session
	session.sendmail(
		from_addr=sender,
		to_addrs=recipient,
		msg=message.decode("utf-8").encode(),
		**dsn_options(account, session, queue_doc),
	)


def dsn_options(account, session, queue_doc) -> dict:
	"""Delivery status notification options, as Frappe 16 asks for them (Frappe 15: none)."""
	notify = account.get("dsn_notify_type")
	if not notify or not session.has_extn("DSN"):
		return {}
	return {"mail_options": ["RET=FULL", f"ENVID={queue_doc.name}"], "rcpt_options": [f"NOTIFY={notify}"]}
