# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""TXT records read from DNS (dnspython), for Check Deliverability.

The resolver is the machine's, unless the site configuration names others
(``campaign_plus_nameservers``: ``["192.0.2.53"]`` or ``["127.0.0.1:5353"]``).
"""

import dns.exception
import dns.resolver
import frappe

TIMEOUT = 4.0


def resolver() -> dns.resolver.Resolver:
	servers = frappe.conf.get("campaign_plus_nameservers")
	if not servers:
		result = dns.resolver.Resolver()
	else:
		result = dns.resolver.Resolver(configure=False)
		result.nameservers, ports = [], {}
		for server in servers:
			host, _sep, port = str(server).partition(":") if str(server).count(":") == 1 else (server, "", "")
			result.nameservers.append(host)
			if port:
				ports[host] = int(port)
		if ports:
			result.nameserver_ports = ports
			result.port = next(iter(ports.values()))
	result.timeout = result.lifetime = TIMEOUT
	return result


def txt(name: str, using: dns.resolver.Resolver | None = None) -> list[str] | None:
	"""The TXT records of ``name`` (strings joined); [] when there are none; None when DNS did not
	answer (timeout, server failure)."""
	try:
		answer = (using or resolver()).resolve(name, "TXT")
	except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
		return []
	except (dns.exception.DNSException, OSError):
		return None
	return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]
