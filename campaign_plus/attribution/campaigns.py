# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Which campaign a visitor's page credits, and how a Lead / Contact keeps it with its UTM values.

A page reached from a campaign email carries ``utm_campaign`` = the campaign's name (the links
of campaign emails get it, :mod:`campaign_plus.attribution.utm`): that campaign is credited.
Otherwise the form's own campaign is. On the Lead the campaign goes into the one link field
:mod:`campaign_plus.links` names (``campaign_name`` on ERPNext 15, ``utm_campaign`` on 16) and
its source field; on ERPNext 16 the page's ``utm_source`` / ``utm_medium`` / ``utm_content`` go
into the Lead's own UTM fields. First touch wins: a value already recorded on the document is
never replaced (each submission keeps its own values in Campaign Form Submission).
"""

import frappe
from frappe.utils import cstr

from campaign_plus.engine import utm
from campaign_plus.links import CAMPAIGN_SOURCE, campaign_link_value, get_campaign_link

UTM_CAMPAIGN = "UTM Campaign"
# UTM values and the doctype ERPNext 16 links them to (Frappe's own UTM masters).
UTM_LINKS = {utm.SOURCE: "UTM Source", utm.MEDIUM: "UTM Medium"}


def _utm_doctype_exists(doctype: str) -> bool:
	return bool(frappe.db.exists("DocType", doctype))


def campaign_named(value: str | None) -> str | None:
	"""The Campaign a ``utm_campaign`` value names: the campaign itself, else (ERPNext 16) the
	Campaign of the UTM Campaign with that name or slug; None when none does."""
	value = utm.clean_value(value)
	if not value:
		return None
	if frappe.db.exists("Campaign", value):
		return value
	if _utm_doctype_exists(UTM_CAMPAIGN) and frappe.get_meta(UTM_CAMPAIGN).has_field("crm_campaign"):
		for filters in ({"name": value}, {"slug": frappe.scrub(value).replace("_", "-")}):
			campaign = frappe.db.get_value(UTM_CAMPAIGN, filters, "crm_campaign")
			if campaign:
				return campaign
	return None


def credited_campaign(form_campaign: str | None, utm_values: dict[str, str]) -> str | None:
	return campaign_named(utm_values.get(utm.CAMPAIGN)) or form_campaign or None


def _utm_record(doctype: str, value: str) -> str | None:
	"""The UTM Source / Medium a value names (by name or slug), made when missing, as Frappe's
	own ``map_trackers(create=True)`` does for web pages."""
	if frappe.db.exists(doctype, value):
		return value
	found = frappe.db.get_value(doctype, {"slug": frappe.scrub(value).replace("_", "-")}, "name")
	if found:
		return found
	doc = frappe.new_doc(doctype)
	doc.name = value
	doc.description = frappe._("Recorded from a campaign form")
	doc.insert(ignore_permissions=True, ignore_if_duplicate=True)
	return value


def apply_to_party(doc, campaign: str | None, utm_values: dict[str, str]) -> None:
	"""Set the campaign and the UTM values on an (unsaved) Lead / Contact where they are empty."""
	meta = frappe.get_meta(doc.doctype)
	link = get_campaign_link(doc.doctype)
	if link and campaign and not doc.get(link.fieldname):
		doc.set(link.fieldname, campaign_link_value(link, campaign))
	for key in (utm.SOURCE, utm.MEDIUM, utm.CONTENT):
		value = utm_values.get(key)
		if not value or not meta.has_field(key) or doc.get(key):
			continue
		df = meta.get_field(key)
		if df.fieldtype == "Link":
			if not _utm_doctype_exists(df.options):
				continue
			value = _utm_record(df.options, value)
		doc.set(key, cstr(value)[: utm.MAX_VALUE])
	source = link.source_fieldname if link else None
	if source and campaign and not doc.get(source):
		options = meta.get_options(source)
		if options and frappe.db.exists(options, CAMPAIGN_SOURCE):
			doc.set(source, CAMPAIGN_SOURCE)
