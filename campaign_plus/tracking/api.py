# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Whitelisted methods: the guest endpoints a campaign email calls (open pixel, click), and
Clear Bounce.

The guest endpoints answer a werkzeug Response themselves (Frappe passes a returned Response on
as it is, on Frappe 15 and 16): a 1x1 GIF, a 302 to the message's own link, or a plain 404 —
never a page with a trace, never a redirect to an address taken from the request.

A buffered hit (the default, :mod:`campaign_plus.tracking.buffer`) touches no database: the
request then ends without the ROLLBACK Frappe sends at the end of every GET (which would open a
connection only to end an empty transaction). A hit written at once asks Frappe to commit
(``flags.commit``: a GET does not commit otherwise).
"""

import frappe
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from campaign_plus.attribution.utm import click_destination
from campaign_plus.tracking import bounces, hits
from campaign_plus.tracking.messages import CLICK_PURPOSE, OPEN_PURPOSE
from campaign_plus.utils.signing import read_token

# The smallest transparent GIF (1x1, 43 bytes).
PIXEL = (
	b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
	b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
NO_CACHE = {
	"Cache-Control": "no-store, no-cache, must-revalidate, max-age=0, private",
	"Pragma": "no-cache",
	"Expires": "0",
	"Referrer-Policy": "no-referrer",
	"X-Robots-Tag": "noindex, nofollow",
}


def _not_found() -> Response:
	return Response("Not Found\n", status=404, mimetype="text/plain", headers=NO_CACHE)


def _end_request() -> None:
	"""Commit what the hit wrote; with nothing read or written, no transaction to end at all."""
	db = getattr(frappe.local, "db", None)
	if db is not None and getattr(db, "_conn", None) is None:
		# this request's own database object (Frappe makes one per request): never connected
		db.commit = db.rollback = _nothing
	else:
		frappe.local.flags.commit = True


def _nothing(*args, **kwargs) -> None:
	return None


def _user_agent() -> str:
	request = getattr(frappe.local, "request", None)
	return ((request.headers.get("User-Agent") if request else "") or "")[:500]


def answer_open(fields: tuple[str, ...] | None, user_agent: str) -> Response:
	"""The answer to an open pixel's request (``fields``: of its verified token; the hit
	recorded): the pixel, or a 404."""
	if not hits.record_open(fields, user_agent):
		return _not_found()
	return Response(PIXEL, status=200, mimetype="image/gif", headers=NO_CACHE)


def answer_click(fields: tuple[str, ...] | None, user_agent: str) -> Response:
	"""The answer to a tracked link's request (``fields``: of its verified token; the hit
	recorded): a 302 to the message's own link, or a 404."""
	url = hits.record_click(fields, user_agent)
	if not url:
		return _not_found()
	response = redirect(click_destination(url, fields), code=302)
	response.headers.update(NO_CACHE)
	return response


@frappe.whitelist(allow_guest=True, methods=["GET"])
def open(t: str | None = None) -> Response:
	# A guest's only permission: a token this site signed for this purpose.
	response = answer_open(read_token(OPEN_PURPOSE, t), _user_agent())
	if response.status_code != 404:
		_end_request()
	return response


@frappe.whitelist(allow_guest=True, methods=["GET"])
def click(t: str | None = None) -> Response:
	response = answer_click(read_token(CLICK_PURPOSE, t), _user_agent())
	if response.status_code != 404:
		_end_request()
	return response


@frappe.whitelist(methods=["POST"])
def clear_bounce(email: str) -> int:
	"""Clear the hard bounces of an address: later campaign sends include it again."""
	frappe.has_permission("Campaign Bounce", "write", throw=True)
	return bounces.clear(email)
