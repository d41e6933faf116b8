# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A real MTA for the tests and benchmarks: a private instance of Debian's Postfix on 127.0.0.1.

Each :class:`Postfix` has its own configuration, queue and mail folders in a temporary directory
and its own port, so that several tests (and the machine's own Postfix, if any) never meet. It
accepts mail for every domain and delivers every message to one Maildir
(``<mail>/inbox/``), each copy naming its recipient in ``Delivered-To``; addresses matching ``refuse`` are answered
``550 5.1.1``; ``rate_limit`` turns on Postfix's own per-client message rate limit for localhost
(``smtpd_client_message_rate_limit``, with the exceptions list emptied), so that it answers
``450 4.7.1 … too much mail`` past it. ``slow_end_of_data=(pattern, seconds[, times])`` holds the
answer to a message's final dot for recipients matching ``pattern`` (the first ``times`` messages
of each; a policy service of the test's own, ``smtpd_end_of_data_restrictions``): a test stops
Postfix, or kills the sender, while a final dot waits for its answer (:attr:`Postfix.at_final_dot` is set then). Postfix must be installed
(``apt-get install postfix``); the machine's own instance need not run. Run as root (Postfix's
master starts as root).
"""

import contextlib
import email
import email.policy
import os
import pathlib
import pwd
import re
import shutil
import socket
import socketserver
import subprocess
import tempfile
import threading
import time

POSTFIX = "/usr/sbin/postfix"


def available() -> str | None:
	"""Why no private Postfix can run here, or None."""
	if not os.path.exists(POSTFIX):
		return "Postfix is not installed (apt-get install postfix)"
	if os.geteuid() != 0:
		return "a private Postfix instance needs root"
	return None


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


MASTER_CF = """\
{port}    inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
	"""A private Postfix listening on ``127.0.0.1:port``; ``start()`` / ``stop()``, or ``with``."""

	def __init__(
		self,
		*,
		refuse: str | None = r"^refused[-.+]",
		rate_limit: int | None = None,
		rate_unit_seconds: int = 60,
		hostname: str = "mx.campaign-plus.test",
		message_size_limit: int = 20 * 1024 * 1024,
		slow_end_of_data: tuple[str, float] | tuple[str, float, int] | None = None,
	):
		self.root = pathlib.Path(tempfile.mkdtemp(prefix="campaign_plus_postfix_"))
		self.config = self.root / "etc"
		self.mail = self.root / "mail"
		self.log = self.root / "maillog"
		self.port = _free_port()
		self.host = "127.0.0.1"
		self.refuse, self.rate_limit, self.rate_unit = refuse, rate_limit, rate_unit_seconds
		self.hostname, self.message_size_limit = hostname, message_size_limit
		self.running = False
		self.at_final_dot = threading.Event()  # a held message's final dot waits for its answer
		self.held: list[str] = []  # recipients whose final dot was held, in order
		self._policy = _SlowDots(self, *slow_end_of_data) if slow_end_of_data else None
		self._configure()

	# ------------------------------------------------------------------ configuration
	def _configure(self) -> None:
		self.root.chmod(0o755)  # Postfix's daemons (user postfix) go through it
		self.config.mkdir()
		for folder in ("spool", "data", "mail"):
			(self.root / folder).mkdir()
		owner = pwd.getpwnam("postfix")
		os.chown(self.root / "data", owner.pw_uid, owner.pw_gid)
		os.chown(self.mail, owner.pw_uid, owner.pw_gid)
		self.uid, self.gid = owner.pw_uid, owner.pw_gid
		(self.config / "domains").write_text("/./ OK\n")
		# virtual(8) forbids $1 substitutions: one Maildir, each message naming its recipient
		(self.config / "mailboxes").write_text("/./ inbox/\n")
		refuse = f"/{self.refuse}/ 550 5.1.1 no such user\n" if self.refuse else ""
		(self.config / "refused").write_text(refuse or "/^$/ DUNNO\n")
		settings = {
			"compatibility_level": "3.6",
			"queue_directory": str(self.root / "spool"),
			"data_directory": str(self.root / "data"),
			"mail_owner": "postfix",
			"setgid_group": "postdrop",
			"myhostname": self.hostname,
			"mydomain": "campaign-plus.test",
			"mydestination": "",
			"relay_domains": "",
			"relayhost": "",
			"inet_interfaces": "127.0.0.1",
			"inet_protocols": "ipv4",
			"mynetworks": "127.0.0.0/8",
			"smtpd_banner": "$myhostname ESMTP",
			"alias_maps": "",
			"alias_database": "",
			"local_recipient_maps": "",
			"biff": "no",
			"maillog_file": str(self.log),
			"maillog_file_prefixes": str(self.root),
			"virtual_mailbox_domains": f"regexp:{self.config / 'domains'}",
			"virtual_mailbox_maps": f"regexp:{self.config / 'mailboxes'}",
			"virtual_mailbox_base": str(self.mail),
			"virtual_uid_maps": f"static:{self.uid}",
			"virtual_gid_maps": f"static:{self.gid}",
			"virtual_minimum_uid": str(min(self.uid, 100)),
			"smtpd_recipient_restrictions": f"check_recipient_access regexp:{self.config / 'refused'}, "
			"permit_mynetworks, reject_unauth_destination",
			"smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
			"message_size_limit": str(self.message_size_limit),
			"smtputf8_enable": "yes",
			# deliver at once; never wait on DNS
			"disable_dns_lookups": "yes",
			"smtp_dns_support_level": "disabled",
			"queue_run_delay": "1s",
			"minimal_backoff_time": "1s",
			"maximal_backoff_time": "2s",
			"in_flow_delay": "0s",
			"smtpd_error_sleep_time": "0s",
			"smtpd_soft_error_limit": "100000",
			"smtpd_hard_error_limit": "100000",
			"smtpd_client_connection_count_limit": "100",
			"smtpd_client_connection_rate_limit": "0",
		}
		if self._policy:
			settings["smtpd_end_of_data_restrictions"] = (
				f"check_policy_service inet:127.0.0.1:{self._policy.port}"
			)
			settings["smtpd_policy_service_timeout"] = "300s"
		if self.rate_limit:
			settings.update(
				smtpd_client_message_rate_limit=str(self.rate_limit),
				anvil_rate_time_unit=f"{self.rate_unit}s",
				smtpd_client_event_limit_exceptions="",
			)
		(self.config / "main.cf").write_text("".join(f"{key} = {value}\n" for key, value in settings.items()))
		(self.config / "master.cf").write_text(MASTER_CF.format(port=f"127.0.0.1:{self.port}"))

	def _postfix(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
		return subprocess.run(
			[POSTFIX, "-c", str(self.config), *arguments],
			capture_output=True,
			text=True,
			check=check,
			env={**os.environ, "MAIL_CONFIG": str(self.config)},
		)

	# ------------------------------------------------------------------ life
	def start(self, wait_seconds: float = 30) -> "Postfix":
		result = self._postfix("start", check=False)
		if result.returncode:
			raise RuntimeError(f"Postfix did not start: {result.stdout}{result.stderr}{self.maillog()}")
		deadline = time.monotonic() + wait_seconds
		while time.monotonic() < deadline:
			with (
				contextlib.suppress(OSError),
				socket.create_connection((self.host, self.port), timeout=1) as s,
			):
				if s.recv(512).startswith(b"220"):
					self.running = True
					return self
			time.sleep(0.1)
		raise RuntimeError(f"Postfix did not answer on {self.host}:{self.port}\n{self.maillog()}")

	def stop(self) -> None:
		"""``postfix stop``: the master and its daemons go (a transaction under way loses its reply)."""
		if self.running:
			self._postfix("stop", check=False)
			deadline = time.monotonic() + 20
			while time.monotonic() < deadline and self._listening():
				time.sleep(0.1)
			self.running = False

	def abort(self) -> None:
		"""``postfix abort``: stop at once, without waiting for the daemons."""
		if self.running:
			self._postfix("abort", check=False)
			self.running = False

	def remove(self) -> None:
		self.stop()
		if self._policy:
			self._policy.close()
		shutil.rmtree(self.root, ignore_errors=True)

	def _listening(self) -> bool:
		try:
			with socket.create_connection((self.host, self.port), timeout=0.5):
				return True
		except OSError:
			return False

	def __enter__(self) -> "Postfix":
		return self.start()

	def __exit__(self, *exc) -> None:
		self.remove()

	# ------------------------------------------------------------------ what arrived
	def maillog(self) -> str:
		return self.log.read_text(errors="replace") if self.log.exists() else ""

	def flush(self, timeout: float = 60) -> None:
		"""Wait until the queue is empty (everything accepted is in a Maildir)."""
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			queues = [self.root / "spool" / queue for queue in ("maildrop", "incoming", "active", "deferred")]
			if not any(p.is_file() for queue in queues for p in queue.rglob("*")):
				return
			time.sleep(0.2)
		raise TimeoutError(f"Postfix's queue did not empty in {timeout} s")

	def files(self) -> list[pathlib.Path]:
		inbox = self.mail / "inbox"
		return sorted(p for sub in ("new", "cur") for p in (inbox / sub).glob("*") if p.is_file())

	def maildirs(self) -> dict[str, list[pathlib.Path]]:
		"""{address: [message files]} for every recipient that received mail (by ``Delivered-To``,
		which Postfix's delivery agent writes first)."""
		found: dict[str, list[pathlib.Path]] = {}
		for path in self.files():
			with path.open("rb") as f:
				for line in f:
					if line.lower().startswith(b"delivered-to:"):
						address = line.split(b":", 1)[1].strip().decode().lower()
						found.setdefault(address, []).append(path)
						break
		return found

	def counts(self) -> dict[str, int]:
		return {address: len(files) for address, files in self.maildirs().items()}

	def messages(self, address: str | None = None) -> list[email.message.EmailMessage]:
		boxes = self.maildirs()
		files = boxes.get(address, []) if address else [f for fs in boxes.values() for f in fs]
		return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]

	def account_values(self) -> dict:
		"""Fields of an outgoing Email Account that sends through this Postfix (no TLS, no login)."""
		return {
			"smtp_server": self.host,
			"smtp_port": self.port,
			"use_tls": 0,
			"use_ssl_for_outgoing": 0,
			"no_smtp_authentication": 1,
		}

	def refusals(self, text: str = "rate limit exceeded") -> int:
		"""How many lines of Postfix's log contain ``text`` (by default: its rate limit refusing a
		message, answered ``450 4.7.1 Error: too much mail``)."""
		return self.maillog().count(text)

	def accepted_times(self) -> list[float]:
		"""When Postfix accepted each message (its cleanup daemon's log lines, to the second)."""
		return self._times(lambda line: "postfix/cleanup" in line and "message-id=" in line)

	def refusal_times(self, text: str = "rate limit exceeded") -> list[float]:
		"""When Postfix's log says ``text`` (by default: its rate limit refusing a message)."""
		return self._times(lambda line: text in line)

	def _times(self, matches) -> list[float]:
		import datetime as dt

		year = dt.date.today().year
		times = []
		for line in self.maillog().splitlines():
			if matches(line):
				stamp = dt.datetime.strptime(f"{year} {line[:15]}", "%Y %b %d %H:%M:%S")
				times.append(stamp.timestamp())
		return sorted(times)

	def raw(self, address: str) -> list[bytes]:
		return [f.read_bytes() for f in self.maildirs().get(address, [])]


class _SlowDots:
	"""A Postfix policy service (the ``name=value`` protocol) that answers DUNNO to every question,
	after ``seconds`` for the end of data of a recipient matching ``pattern``."""

	def __init__(self, postfix: Postfix, pattern: str, seconds: float, times: int = 0):
		owner, rule = postfix, re.compile(pattern, re.IGNORECASE)
		held: dict[str, int] = {}

		class Handler(socketserver.StreamRequestHandler):
			def handle(self):
				request: dict[str, str] = {}
				for raw in self.rfile:
					line = raw.decode(errors="replace").rstrip("\r\n")
					if line:
						name, _sep, value = line.partition("=")
						request[name] = value
						continue
					recipient = request.get("recipient", "")
					hold = request.get("protocol_state") == "END-OF-MESSAGE" and rule.search(recipient)
					if hold and times:  # only the first ``times`` messages of each recipient
						held[recipient.lower()] = held.get(recipient.lower(), 0) + 1
						hold = held[recipient.lower()] <= times
					if hold:
						owner.held.append(recipient.lower())
						owner.at_final_dot.set()
						time.sleep(seconds)
					self.wfile.write(b"action=DUNNO\n\n")
					self.wfile.flush()
					request = {}

		class Server(socketserver.ThreadingTCPServer):
			allow_reuse_address = True
			daemon_threads = True

		self.server = Server(("127.0.0.1", 0), Handler)
		self.port = self.server.server_address[1]
		threading.Thread(target=self.server.serve_forever, daemon=True).start()

	def close(self) -> None:
		self.server.shutdown()
		self.server.server_close()
