# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A bench site served on 127.0.0.1 with this checkout's code (``tests/e2e/serve.py``), for the
tests that speak HTTP to it (the browser tier, the integration tests of guest links)."""

import os
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

CHECKOUT = pathlib.Path(__file__).resolve().parents[1]


def checkout_env() -> dict:
	"""The bench's Python imports campaign_plus (and tests/) from this checkout, as pytest does."""
	path = os.environ.get("PYTHONPATH")
	return {**os.environ, "PYTHONPATH": f"{CHECKOUT}{os.pathsep}{path}" if path else str(CHECKOUT)}


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@contextmanager
def served_site(
	bench: pathlib.Path, site: str, wait_seconds: int = 120, env: dict | None = None
) -> Iterator[str]:
	"""The site's base URL while a server runs it; the server is stopped afterwards. ``env``: more
	environment variables for the server."""
	port = free_port()
	server = subprocess.Popen(
		[
			str(bench / "env" / "bin" / "python"),
			str(CHECKOUT / "tests" / "e2e" / "serve.py"),
			site,
			str(port),
		],
		cwd=bench / "sites",
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
		env={**checkout_env(), **(env or {})},
	)
	url = f"http://127.0.0.1:{port}"
	try:
		for _ in range(wait_seconds * 2):
			try:
				urllib.request.urlopen(url + "/login", timeout=2)
				break
			except OSError:
				time.sleep(0.5)
		else:
			raise RuntimeError(f"the site {site} did not come up on {url}")
		yield url
	finally:
		server.terminate()
		server.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
	def redirect_request(self, *args, **kwargs):
		return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, method: str = "GET", headers: dict | None = None):
	"""(status, headers, body) of one request, as a mail reader's client sends it: a redirect is
	answered, not followed; an error status is an answer too."""
	request = urllib.request.Request(url, headers=headers or {}, method=method)
	try:
		response = _OPENER.open(request, timeout=30)
		return response.status, response.headers, response.read()
	except urllib.error.HTTPError as error:
		return error.code, error.headers, error.read()
