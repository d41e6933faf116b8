# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""One SMTP session for a whole delivery job, through Frappe's own SMTPServer.

Frappe's ``SMTPServer.session`` connects, does STARTTLS / SSL, AUTH or OAuth, and revives a
dropped connection (it sends a NOOP before every message to find out). This subclass keeps all
of that, with two changes:

- a session that answered less than :data:`FRESH` seconds ago is used without the NOOP (a
  connection that did drop shows on the next command, and the job reconnects);
- the session tells the job just before it writes the final ``.`` of a message's data (from
  then on the server may have the message, whatever happens to this process), and when the
  server accepted it (see the journal in :mod:`campaign_plus.delivery.work`);
- between the final dot and reading the server's answer, it runs the job's work meanwhile (the
  next message's build: see :mod:`campaign_plus.delivery.sendmail`).
"""

import smtplib
import socket
import time
from collections.abc import Callable
from contextlib import suppress

import frappe
from frappe.email.smtp import SMTPServer

FRESH = 1.0


class ServerUnreachable(OSError):
	"""The mail server could not be reached, or refused the account's login."""


class _Journaling:
	"""``smtplib.SMTP.data`` with a hook before the final dot (and no Nagle delay before it)."""

	delivery: "DeliverySMTPServer"

	def data(self, msg):
		self.putcmd("data")
		code, reply = self.getreply()
		if code != 354:
			raise smtplib.SMTPDataError(code, reply)
		if isinstance(msg, str):
			msg = smtplib._fix_eols(msg).encode("ascii")
		data = smtplib._quote_periods(msg)
		if data[-2:] != smtplib.bCRLF:
			data += smtplib.bCRLF
		self.send(data)
		try:
			self.delivery.before_final_dot()
		except Exception:
			self.close()  # without its final dot the server drops the message
			raise
		self.send(b"." + smtplib.bCRLF)
		self.delivery.answering()
		code, reply = self.getreply()
		self.delivery.answered()
		if 200 <= code < 300:
			self.delivery.after_acceptance()
		return code, reply


_subclasses: dict[type, type] = {}


def _journaling_class(cls: type) -> type:
	if cls not in _subclasses:
		_subclasses[cls] = type(f"Journaling{cls.__name__}", (_Journaling, cls), {})
	return _subclasses[cls]


class DeliverySMTPServer(SMTPServer):
	def __init__(
		self,
		before_final_dot: Callable[[], None] | None = None,
		accepted: Callable[[], None] | None = None,
		**config,
	):
		super().__init__(**config)
		self.on_final_dot, self.on_accepted = before_final_dot, accepted
		self.final_dot_written = False  # for the message being sent
		self.message_accepted = False  # the server answered 2xx to its final dot
		self.last_answer = 0.0
		self.while_answering: Callable[[], None] | None = None

	def new_message(self) -> None:
		self.final_dot_written = self.message_accepted = False

	@property
	def session(self):
		if self._session is not None and time.monotonic() - self.last_answer < FRESH:
			return self._session
		try:
			session = SMTPServer.session.fget(self)  # Frappe's: NOOP, reconnect, TLS, AUTH
		except frappe.ValidationError as error:
			# Frappe turns "cannot connect" into a validation error (bad input in a form): here it
			# is the server being away, never a fault of the message being sent
			frappe.local.message_log = []
			raise ServerUnreachable(str(error)) from error
		if session is not None and not isinstance(session, _Journaling):
			session.__class__ = _journaling_class(type(session))
			session.delivery = self
			with suppress(OSError, AttributeError):
				session.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
		self.answered()
		return session

	def answered(self) -> None:
		self.last_answer = time.monotonic()

	def answering(self) -> None:
		"""The final dot is written, the server checks the message: the caller's work meanwhile
		(``while_answering``: it must not raise, nor use this session)."""
		if self.while_answering:
			self.while_answering()

	def before_final_dot(self) -> None:
		self.final_dot_written = True
		if self.on_final_dot:
			self.on_final_dot()

	def after_acceptance(self) -> None:
		self.message_accepted = True
		if self.on_accepted:
			self.on_accepted()

	def connected(self) -> bool:
		return self._session is not None

	def drop(self) -> None:
		"""Forget a broken session (no QUIT: the connection is gone or unusable)."""
		session, self._session = self._session, None
		if session is not None:
			with suppress(Exception):
				session.close()

	def quit(self):
		with suppress(Exception):
			super().quit()
		self._session = None
