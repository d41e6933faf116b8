# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The form's page (``/campaign-form/<address>``) and its embedding script (``….js``).

A page renderer (Frappe's ``page_renderer`` hook): it answers only those two paths. The page is
served with ``Content-Security-Policy: frame-ancestors 'self' <listed domains>`` so browsers
show it in a frame only on the form's domains; a framed request (``Sec-Fetch-Dest: iframe``, or
the script's ``embed=1``) from a page of another origin is refused outright unless its
``Referer`` origin is listed. Each page carries a form token signed with the site's secret:
the form, the moment it was shown (minimum fill time), the embedding origin and the language of
the text shown. A GET writes nothing: the view is counted by the page's own POST.
"""

import json
import re
import time

import frappe
from frappe import _
from frappe.utils import escape_html
from frappe.website.page_renderers.base_renderer import BaseRenderer
from werkzeug.wrappers import Response

from campaign_plus.engine import forms, utm
from campaign_plus.forms import definition
from campaign_plus.utils.signing import make_token

TOKEN_PURPOSE = "campaign_plus:form"
SUBMIT_METHOD = "/api/method/campaign_plus.forms.api.submit"
VIEW_METHOD = "/api/method/campaign_plus.forms.api.view"
HONEYPOT = "cp_hp"
CONSENT = "cp_consent"
TOKEN = "cp_token"
PAGE = "cp_page"
_PATH = re.compile(rf"^{definition.PAGE_PREFIX}/([a-z0-9][a-z0-9-]{{0,99}})(\.js)?$")
NO_STORE = {
	"Cache-Control": "no-store, max-age=0, private",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy": "strict-origin-when-cross-origin",
	"X-Robots-Tag": "noindex",
}


class CampaignFormPage(BaseRenderer):
	def can_render(self) -> bool:
		return bool(_PATH.match(self.path))

	def render(self) -> Response:
		route, script = _PATH.match(self.path).groups()
		form = definition.load_by_route(route)
		if not form or not form.enabled:
			return _plain(_("This form does not exist or is closed."), 404)
		if script:
			return embed_script(form)
		return form_page(form)


def _plain(message: str, status: int, headers: dict | None = None) -> Response:
	title = escape_html(_("Campaign Form"))
	html = (
		f'<!DOCTYPE html><html lang="{escape_html(frappe.local.lang or "en")}"><head><meta charset="utf-8">'
		f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
		f'<body style="font-family:system-ui,sans-serif;padding:1rem"><p class="cp-refused">{escape_html(message)}</p></body></html>'
	)
	return Response(html, status=status, mimetype="text/html", headers={**NO_STORE, **(headers or {})})


def _own_origin() -> str | None:
	request = frappe.local.request
	return forms.origin_of(request.host_url)


def embedding_origin(form: definition.LoadedForm) -> tuple[bool, str]:
	"""(may show, origin of the page showing it — "" for this site itself)."""
	request = frappe.local.request
	framed = request.headers.get("Sec-Fetch-Dest") == "iframe" or request.args.get("embed") == "1"
	if not framed:
		return True, ""
	origin = forms.origin_of(request.headers.get("Referer"))
	if origin and origin == _own_origin():
		return True, ""
	return bool(origin) and forms.embedding_allowed(form.sources, origin), origin or ""


def form_page(form: definition.LoadedForm) -> Response:
	csp = {"Content-Security-Policy": forms.frame_ancestors(form.sources)}
	allowed, origin = embedding_origin(form)
	if not allowed:
		return _plain(_("This form cannot be shown on this website."), 403, csp)
	request = frappe.local.request
	page = request.args.get("page") or ""
	if page and forms.origin_of(page) != (origin or _own_origin()):
		page = ""  # the page claimed is not the one showing the form
	page = page or (request.url if not origin else "")
	lang = frappe.local.lang or "en"
	token = make_token(
		TOKEN_PURPOSE,
		form.name,
		str(int(time.time() * 1000)),
		origin,
		lang,
		valid_for_seconds=forms.TOKEN_VALID_SECONDS,
	)
	context = {
		"form": form,
		"lang": lang,
		"fields": [_field_context(f) for f in form.fields],
		"consent_text": definition.consent_text_shown(form),
		"consent_required": form.consent_mode == forms.CONSENT_REQUIRED,
		"show_consent": form.consent_mode != forms.CONSENT_OFF,
		"token": token,
		"submit_label": _(form.submit_label) if form.submit_label else _("Send"),
		"honeypot_label": _("Leave this field empty"),
		"utm": utm.page_utm(page, request.url),
		"page": page[:1000],
		"names": {"honeypot": HONEYPOT, "consent": CONSENT, "token": TOKEN, "page": PAGE},
		"submit_url": SUBMIT_METHOD,
		"view_url": VIEW_METHOD,
		"config": json.dumps(
			{
				"route": form.route,
				"submit": SUBMIT_METHOD,
				"view": VIEW_METHOD,
				"form": form.name,
				"messages": {
					"error": _("The form could not be sent. Please try again later."),
					"fix": _("Please correct the fields below."),
					"busy": _("Sending…"),
					"rate": _("Too many submissions from your connection. Please try again in a minute."),
				},
			}
		).replace("</", "<\\/"),
	}
	html = frappe.render_template("campaign_plus/templates/campaign_form.html", context)
	return Response(html, status=200, mimetype="text/html", headers={**NO_STORE, **csp})


def _field_context(form_field: forms.FormField) -> dict:
	kind = form_field.kind
	choices = []
	if kind == "Select":
		choices = list(form_field.options)
	elif kind == "Link":
		choices = definition.link_choices(form_field.link_doctype)
	input_type = {
		"Email": "email",
		"Phone": "tel",
		"Int": "number",
		"Float": "text",
		"Date": "date",
		"Check": "checkbox",
	}.get(kind, "text")
	return {
		"name": form_field.fieldname,
		"label": _(form_field.label),
		"kind": kind,
		"required": form_field.required,
		"choices": choices,
		"input_type": input_type,
		"multiline": kind in ("Small Text", "Text", "Long Text"),
	}


def embed_script(form: definition.LoadedForm) -> Response:
	"""A script that puts the form in an iframe where the script tag is, passing the page's
	address (and so its UTM parameters) and following the form's height."""
	url = definition.page_url(form.route)
	script = f"""(function () {{
	var me = document.currentScript;
	var src = {json.dumps(url)};
	var frame = document.createElement("iframe");
	frame.src = src + "?embed=1&page=" + encodeURIComponent(window.location.href);
	frame.title = {json.dumps(form.title)};
	frame.style.width = "100%";
	frame.style.border = "0";
	frame.style.minHeight = "480px";
	frame.setAttribute("data-cp-form", {json.dumps(form.route)});
	(me && me.parentNode ? me.parentNode.insertBefore(frame, me.nextSibling) : document.body.appendChild(frame));
	window.addEventListener("message", function (event) {{
		if (event.source !== frame.contentWindow || !event.data || event.data.cpForm !== {json.dumps(form.route)}) return;
		if (event.data.height) frame.style.height = Math.min(event.data.height + 8, 5000) + "px";
	}});
}})();
"""
	return Response(
		script,
		status=200,
		mimetype="application/javascript",
		headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
	)
