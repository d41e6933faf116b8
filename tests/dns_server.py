# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A DNS server on 127.0.0.1 for the tests (dnslib), answering TXT queries from a dict.

``DnsServer({"example.com": ["v=spf1 mx ~all"]})`` listens on a free UDP and TCP port; change
``records`` while it runs. Names it does not know answer NXDOMAIN. :meth:`resolver` gives a
dnspython resolver that asks it, :meth:`dnsfunc` a lookup in dkimpy's shape (``dnsfunc(name)``),
and :meth:`site_config` the ``campaign_plus_nameservers`` value for the site."""

import socket

import dns.resolver
from dnslib import QTYPE, RCODE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer


def _free_port() -> int:
	with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, socket.socket() as tcp:
		tcp.bind(("127.0.0.1", 0))
		port = tcp.getsockname()[1]
		udp.bind(("127.0.0.1", port))
		return port


def _chunks(text: str) -> list[bytes]:
	data = text.encode()
	return [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]


class _Records(BaseResolver):
	def __init__(self, records: dict[str, list[str]]):
		self.records = records

	def resolve(self, request, handler):
		reply = request.reply()
		name = str(request.q.qname).rstrip(".").lower()
		found = {key.rstrip(".").lower(): value for key, value in self.records.items()}
		if name not in found:
			reply.header.rcode = RCODE.NXDOMAIN
			return reply
		if request.q.qtype in (QTYPE.TXT, QTYPE.ANY):
			for text in found[name]:
				reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(_chunks(text)), ttl=60))
		return reply


class DnsServer:
	def __init__(self, records: dict[str, list[str]] | None = None):
		self.records = records if records is not None else {}
		self.port = _free_port()
		self.resolver_ = _Records(self.records)
		logger = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
		self.servers = [
			DNSServer(self.resolver_, address="127.0.0.1", port=self.port, logger=logger),
			DNSServer(self.resolver_, address="127.0.0.1", port=self.port, tcp=True, logger=logger),
		]

	def start(self) -> "DnsServer":
		for server in self.servers:
			server.start_thread()
		return self

	def stop(self) -> None:
		for server in self.servers:
			server.stop()
			server.server.server_close()

	def __enter__(self) -> "DnsServer":
		return self.start()

	def __exit__(self, *exc) -> None:
		self.stop()

	def site_config(self) -> list[str]:
		return [f"127.0.0.1:{self.port}"]

	def resolver(self) -> dns.resolver.Resolver:
		result = dns.resolver.Resolver(configure=False)
		result.nameservers = ["127.0.0.1"]
		result.port = self.port
		result.timeout = result.lifetime = 3
		return result

	def dnsfunc(self):
		"""A TXT lookup for ``dkim.verify(message, dnsfunc=…)`` that asks this server over DNS."""
		resolver = self.resolver()

		def lookup(name, timeout=5):
			name = name.decode() if isinstance(name, bytes) else name
			try:
				answer = resolver.resolve(name.rstrip("."), "TXT")
			except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
				return None
			return b"".join(b"".join(record.strings) for record in answer)

		return lookup
