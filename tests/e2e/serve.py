# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Serve a bench site on loopback for the browser tests (run with the bench's Python, in sites/).

With ``CAMPAIGN_PLUS_E2E_ASSETS`` set (a directory made by ``tests/e2e/build_assets.sh``), the
desk gets this checkout's own bundles from there instead of the bench's built ones: nothing of
the bench (its assets, assets.json, Redis) is touched for it."""

import json
import os
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


def use_checkout_assets(directory: str) -> dict:
	"""Bundles built from this checkout (``directory``): their names in the boot's assets_json, and
	the URL path their files are served from."""
	import frappe.sessions
	import frappe.utils
	import frappe.website.utils

	names = {}
	for file in ("assets.json", "assets-rtl.json"):
		path = pathlib.Path(directory) / file
		if path.exists():
			names.update(json.loads(path.read_text()))
	original = frappe.utils.get_assets_json

	def get_assets_json():
		return {**original(), **names}

	for module in (frappe.utils, frappe.sessions, frappe.website.utils):
		module.get_assets_json = get_assets_json
	return {"/assets/campaign_plus/dist": str(pathlib.Path(directory) / "campaign_plus" / "dist")}


site, port = sys.argv[1], int(sys.argv[2])
use_checkout_translations(site)
frappe.app._site = site
frappe.app._sites_path = "."
exports = {}
if os.environ.get("CAMPAIGN_PLUS_E2E_ASSETS"):
	exports.update(use_checkout_assets(os.environ["CAMPAIGN_PLUS_E2E_ASSETS"]))
exports.update({"/assets": "assets", "/files": f"{site}/public/files"})
application = SharedDataMiddleware(frappe.app.application, exports)
run_simple("127.0.0.1", port, application, use_reloader=False, threaded=True)
