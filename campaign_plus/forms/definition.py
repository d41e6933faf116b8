# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A Campaign Form as the page and the submission need it, read from its document and from the
Lead / Contact meta (the engine, :mod:`campaign_plus.engine.forms`, decides what is valid)."""

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields
from frappe.utils import cint, escape_html, get_url

from campaign_plus.engine import forms
from campaign_plus.errors import translated_rule_errors

FORM = "Campaign Form"
PAGE_PREFIX = "campaign-form"
LINK_CHOICES_LIMIT = 1000


@dataclass(frozen=True)
class LoadedForm:
	name: str
	route: str
	title: str
	enabled: bool
	document_type: str
	campaign: str | None
	segment: str | None
	fields: tuple[forms.FormField, ...]
	consent_mode: str
	consent_text: str | None
	double_opt_in: bool
	min_fill_seconds: int
	sources: tuple[forms.Source, ...]
	introduction: str | None
	submit_label: str | None
	thank_you_message: str | None
	thank_you_url: str | None


def doctype_fields(document_type: str) -> dict[str, forms.FieldMeta]:
	meta = frappe.get_meta(document_type)
	return {
		df.fieldname: forms.FieldMeta(df.fieldtype, df.options, df.label, bool(df.read_only))
		for df in meta.fields
		if df.fieldtype not in no_value_fields and df.fieldtype not in table_fields
	}


def fieldname_choices(document_type: str) -> list[dict]:
	"""The fields a form of ``document_type`` may fill (for the desk's field picker)."""
	choices = []
	for fieldname, meta in doctype_fields(document_type).items():
		if fieldname in forms.FORBIDDEN_FIELDS or fieldname.startswith("cp_"):
			continue
		if meta.read_only and fieldname != forms.EMAIL_FIELD:
			continue
		kind = forms.field_kind(fieldname, meta)
		if kind not in forms.FIELD_TYPES or (kind == "Link" and meta.options not in forms.PUBLIC_LINKS):
			continue
		choices.append({"value": fieldname, "label": f"{_(meta.label or fieldname)} ({fieldname})"})
	return choices


def _form_fields(document_type: str, rows) -> tuple[forms.FormField, ...]:
	metas = doctype_fields(document_type)
	result = []
	for row in rows:
		meta = metas.get(row.fieldname)
		if not meta:
			continue
		kind = forms.field_kind(row.fieldname, meta)
		options = ()
		if kind == "Select":
			options = tuple(o for o in (meta.options or "").split("\n") if o)
		result.append(
			forms.FormField(
				row.fieldname,
				row.label or meta.label or row.fieldname,
				kind,
				bool(cint(row.required)),
				options,
				meta.options if kind == "Link" else None,
			)
		)
	return tuple(result)


def validate(doc) -> None:
	"""Campaign Form ``validate``: the route, the fields against the meta, consent, domains."""
	if not doc.route:
		doc.route = forms.slug(doc.form_title)
		if frappe.db.exists(FORM, {"route": doc.route, "name": ("!=", doc.name)}):
			doc.route = f"{doc.route}-{frappe.generate_hash(length=4).lower()}"
	doc.route = (doc.route or "").strip().lower()
	metas = doctype_fields(doc.document_type)
	for row in doc.form_fields:
		if not row.label and row.fieldname in metas:
			row.label = metas[row.fieldname].label
	with translated_rule_errors():
		forms.check_route(doc.route)
		forms.check_definition(
			doc.document_type,
			[(row.idx, row.fieldname, bool(cint(row.required))) for row in doc.form_fields],
			metas,
			doc.consent_checkbox,
			doc.consent_text,
			cint(doc.min_fill_seconds),
			doc.thank_you_url,
		)
		forms.parse_sources(doc.allowed_domains)
	if doc.segment and doc.campaign:
		segment_campaign = frappe.db.get_value("Campaign Segment", doc.segment, "campaign")
		if segment_campaign and segment_campaign != doc.campaign:
			frappe.throw(
				_("Segment {0} belongs to campaign {1}, not to {2}.").format(
					frappe.bold(doc.segment), frappe.bold(segment_campaign), frappe.bold(doc.campaign)
				),
				title=_("Campaign Form"),
			)
	if doc.consent_checkbox != forms.CONSENT_OFF and cint(doc.double_opt_in):
		from campaign_plus.consent.settings import get_consent_settings
		from campaign_plus.utils.email import ensure_outgoing_account

		ensure_outgoing_account(get_consent_settings().email_account)


def _load(filters: dict) -> LoadedForm | None:
	name = frappe.db.get_value(FORM, filters, "name")
	if not name:
		return None
	doc = frappe.get_cached_doc(FORM, name)
	try:
		sources = tuple(forms.parse_sources(doc.allowed_domains))
	except forms.RuleError:
		sources = ()
	return LoadedForm(
		name=doc.name,
		route=doc.route,
		title=doc.form_title,
		enabled=bool(cint(doc.enabled)),
		document_type=doc.document_type,
		campaign=doc.campaign or None,
		segment=doc.segment or None,
		fields=_form_fields(doc.document_type, doc.form_fields),
		consent_mode=doc.consent_checkbox or forms.CONSENT_OFF,
		consent_text=doc.consent_text,
		double_opt_in=bool(cint(doc.double_opt_in)),
		min_fill_seconds=max(cint(doc.min_fill_seconds), 0),
		sources=sources,
		introduction=doc.introduction,
		submit_label=doc.submit_label,
		thank_you_message=doc.thank_you_message,
		thank_you_url=doc.thank_you_url,
	)


def load_by_route(route: str) -> LoadedForm | None:
	return _load({"route": route}) if route else None


def load_by_name(name: str) -> LoadedForm | None:
	return _load({"name": name}) if name and isinstance(name, str) else None


def link_choices(doctype: str) -> list[str]:
	"""The names a visitor may pick for a Link field (a public list, see the engine)."""
	if doctype not in forms.PUBLIC_LINKS:
		return []
	filters = {}
	meta = frappe.get_meta(doctype)
	if meta.has_field("disabled"):
		filters["disabled"] = 0
	if meta.has_field("enabled"):
		filters["enabled"] = 1
	if meta.is_tree:
		filters["is_group"] = 0
	return frappe.get_all(
		doctype, filters=filters, pluck="name", order_by="name asc", limit=LINK_CHOICES_LIMIT
	)


def consent_text_shown(form: LoadedForm) -> str:
	"""The consent text exactly as the page shows it (in the current language)."""
	return _(form.consent_text or "").strip()


def page_url(route: str) -> str:
	return get_url(f"/{PAGE_PREFIX}/{route}")


def embed_code(route: str) -> str:
	"""What a marketer pastes into another website: a script tag, or an iframe."""
	url = escape_html(page_url(route))
	return (
		f'<script src="{url}.js" async></script>\n'
		f'<iframe src="{url}" style="width:100%;min-height:520px;border:0" loading="lazy"></iframe>'
	)
