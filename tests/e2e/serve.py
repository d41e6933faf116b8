# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Serve a bench site on loopback for the browser tests (run with the bench's Python, in sites/)."""

import pathlib
import sys

import frappe
import frappe.app
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import run_simple

import campaign_plus

LOCALE = pathlib.Path(campaign_plus.__file__).resolve().parent / "locale"


def use_checkout_translations(site: str) -> None:
	"""campaign_plus's translations from this checkout's .po files, not from the bench's .mo files:
	those are shared by every site of the bench, and the last migrate of any site wrote them."""
	import frappe.gettext.translate as gettext_translate
	from babel.messages.pofile import read_po

	original = gettext_translate.get_translations_from_mo

	def translations(lang, app):
		path = LOCALE / f"{(lang or '').replace('-', '_')}.po"
		if app == "campaign_plus" and path.exists():
			with path.open("rb") as handle:
				return {m.id: m.string for m in read_po(handle) if m.id and m.string}
		return original(lang, app)

	gettext_translate.get_translations_from_mo = translations
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		frappe.translate.clear_cache()  # what was cached from the .mo files
	finally:
		frappe.destroy()


site, port = sys.argv[1], int(sys.argv[2])
use_checkout_translations(site)
frappe.app._site = site
frappe.app._sites_path = "."
application = SharedDataMiddleware(
	frappe.app.application, {"/assets": "assets", "/files": f"{site}/public/files"}
)
run_simple("127.0.0.1", port, application, use_reloader=False, threaded=True)
