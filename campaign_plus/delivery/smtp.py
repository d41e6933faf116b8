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
  next message's build: see :mod:`campaign_plus.delivery.sendmail`);
- with a server that offers PIPELINING (RFC 2920: Postfix, Exim, Gmail, Microsoft 365 do), a
  message's MAIL, RCPT and DATA go in one write and their answers are read together: two round
  trips a message instead of four (on a relay 30 ms away, 60 ms a message less). The next
  message is still built after the final dot: the server's longest turn is reading the data.
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
	"""``smtplib.SMTP`` with a hook before the final dot (and no Nagle delay before it), and
	MAIL, RCPT and DATA pipelined when the server offers it."""

	delivery: "DeliverySMTPServer"

	def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
		"""``smtplib.SMTP.sendmail``, its commands pipelined (RFC 2920) when the server offers
		PIPELINING and there is one recipient (a campaign message): same errors, same answers."""
		self.ehlo_or_helo_if_needed()
		recipients = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
		if not (self.does_esmtp and self.has_extn("pipelining") and len(recipients) == 1):
			return super().sendmail(from_addr, to_addrs, msg, mail_options, rcpt_options)
		if isinstance(msg, str):
			msg = smtplib._fix_eols(msg).encode("ascii")
		options = [f"size={len(msg)}"] if self.has_extn("size") else []
		options += list(mail_options)
		if any(option.lower() == "smtputf8" for option in options):
			if not self.has_extn("smtputf8"):
				raise smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server")
			self.command_encoding = "utf-8"
		self._put_commands(
			"mail FROM:" + smtplib.quoteaddr(from_addr) + "".join(" " + o for o in options),
			"rcpt TO:" + smtplib.quoteaddr(recipients[0]) + "".join(" " + o for o in rcpt_options),
			"data",
		)
		mail = self.getreply()
		if mail[0] == 421:  # the server closes the connection: no more answers come
			self.close()
			raise smtplib.SMTPSenderRefused(*mail, from_addr)
		rcpt = self.getreply()
		if rcpt[0] == 421:
			self.close()
			raise smtplib.SMTPRecipientsRefused({recipients[0]: rcpt})
		data = self.getreply()
		if mail[0] != 250 or rcpt[0] not in (250, 251):
			if data[0] == 354:  # a server that took DATA without a recipient: an empty message ends it
				self.send(b"." + smtplib.bCRLF)
				self.getreply()
			if data[0] == 421:
				self.close()
			else:
				self._rset()
			if mail[0] != 250:
				raise smtplib.SMTPSenderRefused(*mail, from_addr)
			raise smtplib.SMTPRecipientsRefused({recipients[0]: rcpt})
		if data[0] != 354:
			if data[0] == 421:
				self.close()
			else:
				self._rset()  # the server holds the sender and recipient: the next MAIL starts afresh
			raise smtplib.SMTPDataError(*data)
		code, reply = self._content(msg)
		if code != 250:
			if code == 421:
				self.close()
			else:
				self._rset()
			raise smtplib.SMTPDataError(code, reply)
		return {}

	def _put_commands(self, *commands: str) -> None:
		"""Commands in one write (``putcmd``'s checks and encoding)."""
		if any("\r" in command or "\n" in command for command in commands):
			raise ValueError("command and arguments contain prohibited newline characters")
		text = "".join(f"{command}{smtplib.CRLF}" for command in commands)
		if self.debuglevel > 0:
			self._print_debug("send:", repr(text))
		self.send(text.encode(self.command_encoding))

	def data(self, msg):
		self.putcmd("data")
		code, reply = self.getreply()
		if code != 354:
			raise smtplib.SMTPDataError(code, reply)
		return self._content(msg)

	def _content(self, msg):
		"""The message after the server's 354, its final dot, and the server's answer."""
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
