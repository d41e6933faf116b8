# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The bench's WSGI application with its assets (``gunicorn served:application`` from ``sites``):
what nginx and gunicorn serve together in production, for a benchmark's browser (the site named
by ``CAMPAIGN_PLUS_SITE``)."""

import os

import frappe.app
from werkzeug.middleware.shared_data import SharedDataMiddleware

frappe.app._site = os.environ.get("CAMPAIGN_PLUS_SITE") or None  # the site, whatever the Host
application = SharedDataMiddleware(frappe.app.application, {"/assets": "assets"}, cache_timeout=3600)
