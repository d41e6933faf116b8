# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A mail server on 127.0.0.1 for the delivery tests and benchmark: aiosmtpd requiring STARTTLS
(a throwaway self-signed certificate) and AUTH, recording what it accepts.

Run it as a process (``python tests/smtp_server.py --port P --log FILE …``, it prints ``ready``)
so that a test can take it down and bring it back; or use :class:`MailServer` to do that. Each
accepted message is a JSON line of ``--log`` (time, envelope, Message-ID) and, with ``--store``,
its bytes as received in ``DIR/<number>.eml``.

Addresses steer it: a sender ``refused-sender…@`` gets 553 at MAIL; ``reject…@`` gets 550 at RCPT, ``blocked…@`` Gmail's 550 5.7.26 (the
sender unauthenticated), ``tempfail…@`` 451 at RCPT (for the first
``--tempfail-times`` tries of each address), ``throttle…@`` a rate limit (``450 4.7.1 … too much
mail``) at RCPT for the first ``--tempfail-times`` tries, ``hangup…@`` has its data taken in and
the connection closed without an answer (the first ``--hangup-times`` tries of each address,
default every time). While the file ``--refuse-when FILE`` exists, every recipient gets 550 5.1.1
at RCPT (a server that starts refusing, then stops: :meth:`MailServer.refuse`).

It offers PIPELINING (RFC 2920) as Postfix, Gmail and Microsoft 365 do (``--no-pipelining``: it
does not), and logs whether a message's DATA command had come with its RCPT (``pipelined``).
"""

import argparse
import datetime as dt
import json
import os
import pathlib
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

USER, PASSWORD = "campaign-plus", "s3cret-for-tests"


def make_certificate(directory: pathlib.Path) -> tuple[str, str]:
	"""A self-signed certificate for 127.0.0.1, made now and thrown away with ``directory``."""
	from cryptography import x509
	from cryptography.hazmat.primitives import hashes, serialization
	from cryptography.hazmat.primitives.asymmetric import rsa
	from cryptography.x509.oid import NameOID

	key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
	name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
	now = dt.datetime.now(dt.timezone.utc)
	import ipaddress

	certificate = (
		x509.CertificateBuilder()
		.subject_name(name)
		.issuer_name(name)
		.public_key(key.public_key())
		.serial_number(x509.random_serial_number())
		.not_valid_before(now - dt.timedelta(minutes=5))
		.not_valid_after(now + dt.timedelta(days=1))
		.add_extension(
			x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
		)
		.sign(key, hashes.SHA256())
	)
	cert_path, key_path = directory / "cert.pem", directory / "key.pem"
	cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
	key_path.write_bytes(
		key.private_bytes(
			serialization.Encoding.PEM,
			serialization.PrivateFormat.TraditionalOpenSSL,
			serialization.NoEncryption(),
		)
	)
	return str(cert_path), str(key_path)


def serve(args) -> None:
	from aiosmtpd.controller import Controller
	from aiosmtpd.smtp import AuthResult

	context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
	context.load_cert_chain(args.cert, args.key)
	log = open(args.log, "a", buffering=1)  # open for the server's life
	store = pathlib.Path(args.store) if args.store else None
	lock = threading.Lock()
	counter = {"n": 0}
	tempfails: dict[str, int] = {}
	hung: dict[str, int] = {}

	sessions = open(f"{args.log}.sessions", "a", buffering=1)  # one line per AUTH

	def authenticator(server, session, envelope, mechanism, auth_data):
		ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
		sessions.write(f"{time.time()} {int(ok)}\n")
		return AuthResult(success=ok)

	class Handler:
		async def handle_EHLO(self, server, session, envelope, hostname, responses):
			session.host_name = hostname
			if args.pipelining:
				responses.insert(-1, "250-PIPELINING")
			return responses

		async def handle_MAIL(self, server, session, envelope, address, mail_options):
			if address.split("@")[0].lower().startswith("refused-sender"):
				return "553 5.7.1 Sender address rejected: not owned by user"
			envelope.mail_from = address
			envelope.mail_options.extend(mail_options)
			return "250 OK"

		async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
			# the client's next command already here, unanswered: it pipelines
			envelope.pipelined = b"DATA" in bytes(getattr(server._reader, "_buffer", b"")).upper()
			local = address.split("@")[0].lower()
			if args.refuse_when and os.path.exists(args.refuse_when):
				return "550 5.1.1 Recipient address rejected: user unknown"
			if local.startswith("reject"):
				return "550 5.1.1 No such user here"
			if local.startswith("blocked"):
				return "550 5.7.26 Unauthenticated email from example.com is not accepted"
			if local.startswith("tempfail"):
				tempfails[address] = tempfails.get(address, 0) + 1
				if tempfails[address] <= args.tempfail_times:
					return "451 4.7.1 Greylisted, try again later"
			if local.startswith("throttle"):
				tempfails[address] = tempfails.get(address, 0) + 1
				if tempfails[address] <= args.tempfail_times:
					return "450 4.7.1 Error: too much mail from 127.0.0.1"
			envelope.rcpt_tos.append(address)
			return "250 OK"

		async def handle_DATA(self, server, session, envelope):
			raw = envelope.original_content or envelope.content
			message_id = ""
			for line in raw.split(b"\r\n"):
				if not line:
					break
				if line.lower().startswith(b"message-id:"):
					message_id = line.split(b":", 1)[1].strip().decode(errors="replace")
			hangups = [a for a in envelope.rcpt_tos if a.split("@")[0].lower().startswith("hangup")]
			for address in hangups:
				hung[address] = hung.get(address, 0) + 1
			if hangups and (args.hangup_times < 0 or any(hung[a] <= args.hangup_times for a in hangups)):
				server.transport.close()  # took the data, never answers
				return "250 OK (never seen)"
			with lock:
				counter["n"] += 1
				number = counter["n"]
				if store:
					(store / f"{number:06d}.eml").write_bytes(raw)
				log.write(
					json.dumps(
						{
							"n": number,
							"t": time.time(),
							"from": envelope.mail_from,
							"to": envelope.rcpt_tos,
							"message_id": message_id,
							"pipelined": getattr(envelope, "pipelined", False),
						}
					)
					+ "\n"
				)
			return "250 2.0.0 OK queued"

	controller = Controller(
		Handler(),
		hostname="127.0.0.1",
		port=args.port,
		tls_context=context,
		require_starttls=True,
		auth_required=True,
		auth_require_tls=True,
		authenticator=authenticator,
		server_hostname="127.0.0.1",
		ready_timeout=10,
	)
	controller.start()
	print("ready", flush=True)
	stopped = threading.Event()
	signal.signal(signal.SIGTERM, lambda *_: stopped.set())
	signal.signal(signal.SIGINT, lambda *_: stopped.set())
	stopped.wait()
	controller.stop()


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class MailServer:
	"""The server above as a child process (``python`` must have aiosmtpd and cryptography)."""

	def __init__(
		self,
		python: str = sys.executable,
		store: bool = False,
		tempfail_times: int = 1,
		hangup_times: int = -1,
		pipelining: bool = True,
	):
		self.python, self.tempfail_times, self.hangup_times = python, tempfail_times, hangup_times
		self.pipelining = pipelining
		self.directory = pathlib.Path(tempfile.mkdtemp(prefix="campaign_plus_smtp_"))
		self.cert, self.key = make_certificate(self.directory)
		self.log = self.directory / "accepted.jsonl"
		self.log.touch()
		self.store = self.directory / "messages" if store else None
		if self.store:
			self.store.mkdir()
		self.port = free_port()
		self.process: subprocess.Popen | None = None
		self.refuse_when = self.directory / "refuse"

	def start(self) -> "MailServer":
		command = [
			self.python,
			__file__,
			"--port",
			str(self.port),
			"--log",
			str(self.log),
			"--cert",
			self.cert,
			"--key",
			self.key,
			"--tempfail-times",
			str(self.tempfail_times),
			"--refuse-when",
			str(self.refuse_when),
			"--hangup-times",
			str(self.hangup_times),
		]
		if self.store:
			command += ["--store", str(self.store)]
		if not self.pipelining:
			command.append("--no-pipelining")
		self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
		line = self.process.stdout.readline()
		if line.strip() != "ready":
			self.stop()
			raise RuntimeError(f"the test mail server did not start: {line!r}")
		return self

	def stop(self) -> None:
		if self.process and self.process.poll() is None:
			self.process.terminate()
			try:
				self.process.wait(10)
			except subprocess.TimeoutExpired:
				self.process.kill()
				self.process.wait()
		self.process = None

	def refuse(self, refusing: bool = True) -> None:
		"""From now on refuse every recipient (550 5.1.1), or stop refusing."""
		if refusing:
			self.refuse_when.touch()
		else:
			self.refuse_when.unlink(missing_ok=True)

	def accepted(self) -> list[dict]:
		return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

	def sessions(self) -> int:
		"""How many sessions authenticated (one per connection)."""
		path = pathlib.Path(f"{self.log}.sessions")
		return sum(line.endswith(" 1") for line in path.read_text().splitlines()) if path.exists() else 0

	def messages(self) -> list[bytes]:
		return [p.read_bytes() for p in sorted(self.store.glob("*.eml"))] if self.store else []

	def cleanup(self) -> None:
		self.stop()
		import shutil

		shutil.rmtree(self.directory, ignore_errors=True)

	def account_values(self) -> dict:
		"""Fields of an outgoing Email Account that sends through this server."""
		return {
			"smtp_server": "127.0.0.1",
			"smtp_port": self.port,
			"use_tls": 1,
			"use_ssl_for_outgoing": 0,
			"no_smtp_authentication": 0,
			"login_id_is_different": 1,
			"login_id": USER,
			"password": PASSWORD,
		}


if __name__ == "__main__":
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--port", type=int, required=True)
	parser.add_argument("--log", required=True)
	parser.add_argument("--store")
	parser.add_argument("--cert", required=True)
	parser.add_argument("--key", required=True)
	parser.add_argument("--tempfail-times", type=int, default=1)
	parser.add_argument("--refuse-when")
	parser.add_argument("--hangup-times", type=int, default=-1, help="-1: every time")
	parser.add_argument(
		"--no-pipelining", dest="pipelining", action="store_false", help="PIPELINING not offered"
	)
	os.environ.setdefault("PYTHONUNBUFFERED", "1")
	serve(parser.parse_args())
