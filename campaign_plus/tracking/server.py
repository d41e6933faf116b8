# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The tracking server: the open pixel and tracked links answered apart from the desk.

    bench --site SITE campaign-plus-tracker --port 8010 --workers 2

Frappe's web workers set a whole site up for every request they serve (its configuration, its
hooks, a database connection, the session) and take it down afterwards: a few milliseconds of
CPU before any app code runs. A burst of opens — mail apps that fetch every image as the mail
arrives — then takes the very workers and cores the desk needs. This WSGI application answers
only the two tracking paths (:data:`~campaign_plus.tracking.messages.OPEN_METHOD`,
:data:`~campaign_plus.tracking.messages.CLICK_METHOD`), with the same code as the desk's
endpoints (:func:`campaign_plus.tracking.api.answer_open`, ``answer_click``: the same signed
tokens, the same Redis buffer, the same fallback to the database), but keeps its site set up
from one request to the next: a hit costs it the token check and one Redis command.

- Its sites: those it was started for (``CAMPAIGN_PLUS_TRACKER_SITES``, set by the command); with
  one, every request is that site's; with several, the site named by the proxy
  (``X-Frappe-Site-Name``, as bench's nginx sends it) or the request's host — any other: 404.
- What it keeps is taken down and set up again every :data:`REFRESH_SECONDS` (configuration
  changes, Frappe's caches) and after any failure (a lost database connection…); a database
  transaction never outlives its request (committed after a hit written at once, else ended).
- Only ``GET`` (a ``HEAD`` or a ``POST`` is refused with 405, as the desk's endpoints refuse
  them); any other path: 404; a failure: a plain 500 (the trace in the server's log, never in
  the answer).

Where its links point: Campaign Plus Settings' *Tracking URL* (its own host, e.g.
``https://track.example.com``, proxied to this server) or, empty, the site's own address (the
proxy then sends these two paths here and the rest to Frappe). README "Tracking server".
"""

import os
import sys
import time
import traceback

import frappe
from werkzeug.wrappers import Request, Response

from campaign_plus.tracking import api
from campaign_plus.tracking.messages import CLICK_METHOD, CLICK_PURPOSE, OPEN_METHOD, OPEN_PURPOSE
from campaign_plus.utils.signing import read_token

SITES_VARIABLE = "CAMPAIGN_PLUS_TRACKER_SITES"
REFRESH_SECONDS = 30
NICENESS = 10  # added to each worker's niceness (Unix): the desk's requests get the CPU first
# path: (its tokens' purpose, its answer)
ANSWERS = {OPEN_METHOD: (OPEN_PURPOSE, api.answer_open), CLICK_METHOD: (CLICK_PURPOSE, api.answer_click)}


def check_address(base: str, timeout: float = 5.0) -> str | None:
	"""What is wrong with ``base`` as the links' address, asked from this server (its open path
	without a token must answer the plain 404 the tracking server and the desk's endpoint give);
	None when it answers so."""
	import requests

	try:
		answer = requests.get(f"{base}{OPEN_METHOD}", timeout=timeout, allow_redirects=False)
	except requests.RequestException as error:
		return type(error).__name__
	if answer.status_code != 404 or not answer.headers.get("Content-Type", "").startswith("text/plain"):
		return f"HTTP {answer.status_code}"
	return None


def _plain(status: int, text: str, **headers) -> Response:
	return Response(text + "\n", status=status, mimetype="text/plain", headers={**api.NO_CACHE, **headers})


class Tracker:
	"""The WSGI application (one per worker process; a site is set up at its first request)."""

	def __init__(self, sites: list[str], sites_path: str = "."):
		self.sites = [site for site in sites if site]
		self.sites_path = sites_path
		self.site: str | None = None  # the site set up in this process
		self.since = 0.0
		self.pid = 0  # the worker process that set its priority

	@staticmethod
	def yield_cpu() -> None:
		"""Lower this worker's CPU priority by :data:`NICENESS`: when the desk's workers and this
		server want the same cores, the desk's requests go first (hits then wait a little)."""
		try:
			os.nice(NICENESS)
		except OSError:
			pass  # not allowed here: the same priority as the desk

	def __call__(self, environ, start_response):
		if self.pid != os.getpid():  # a worker's first request: it yields the CPU to the desk
			self.pid = os.getpid()
			self.yield_cpu()
		request = Request(environ)
		answer = ANSWERS.get(request.path)
		if not answer:
			response = _plain(404, "Not Found")
		elif request.method != "GET":
			response = _plain(405, "Method Not Allowed", Allow="GET")
		else:
			site = self.site_of(request)
			response = self.answer(site, answer, request) if site else _plain(404, "Not Found")
		return response(environ, start_response)

	def site_of(self, request: Request) -> str | None:
		if len(self.sites) == 1:
			return self.sites[0]
		named = request.headers.get("X-Frappe-Site-Name") or request.host.rsplit(":", 1)[0]
		return named if named in self.sites else None

	def answer(self, site: str, answer: tuple, request: Request) -> Response:
		purpose, respond = answer
		try:
			self.set_up(site)
			# Frappe's per-request memos (reset by its own request handling): each request its own
			frappe.local.cache = {}
			if isinstance(getattr(frappe.local, "request_cache", None), dict):
				frappe.local.request_cache.clear()
			db = frappe.local.db
			db.last_query = None  # Frappe's note of the last statement: did this request run one?
			agent = (request.headers.get("User-Agent") or "")[:500]
			# a guest's only permission: a token this site signed for this path's purpose
			response = respond(read_token(purpose, request.args.get("t")), agent)
			if db.last_query is not None:
				db.commit()  # what a hit wrote at once, or the end of the transaction its reads began
			return response
		except Exception:
			traceback.print_exc(file=sys.stderr)
			self.take_down()
			return _plain(500, "Internal Server Error")

	def set_up(self, site: str) -> None:
		if self.site == site and time.monotonic() - self.since < REFRESH_SECONDS:
			return
		self.take_down()
		frappe.init(site=site, sites_path=self.sites_path, force=True)
		frappe.connect(set_admin_as_user=False)
		frappe.set_user("Guest")
		self.site, self.since = site, time.monotonic()

	def take_down(self) -> None:
		if self.site is None:
			return
		try:
			db = getattr(frappe.local, "db", None)
			if db is not None and getattr(db, "_conn", None) is not None:
				db.rollback()
				db.close()
		except Exception:
			pass  # a connection already lost
		try:
			frappe.destroy()
		finally:
			self.site = None


application = Tracker(os.environ.get(SITES_VARIABLE, "").split(","), os.environ.get("SITES_PATH", "."))
