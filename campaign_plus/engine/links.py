# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Which field links a document to a campaign, chosen from the document type's fields.

ERPNext v15 links Lead through ``campaign_name`` and Opportunity / Quotation / Sales Order /
Sales Invoice through ``campaign`` (Link → Campaign); v16 uses ``utm_campaign`` (Link → UTM
Campaign) everywhere. The Frappe edge (:mod:`campaign_plus.links`) feeds the meta's fields in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CAMPAIGN = "Campaign"
UTM_CAMPAIGN = "UTM Campaign"
SOURCE_DOCTYPES = ("Lead Source", "UTM Source")
# Per target, the fieldnames to prefer (ERPNext 16 keeps ``utm_campaign`` visible; campaign_plus
# adds a hidden ``campaign`` there for pricing).
PREFERRED_FIELDNAMES = {CAMPAIGN: ("campaign", "campaign_name"), UTM_CAMPAIGN: ("utm_campaign", "campaign")}
PREFERRED_SOURCE_FIELDNAMES = ("source", "utm_source")


@dataclass(frozen=True)
class FieldInfo:
	fieldname: str
	fieldtype: str
	options: str | None = None


@dataclass(frozen=True)
class CampaignLink:
	"""``fieldname`` links to ``target`` (Campaign or UTM Campaign); ``source_fieldname``, when
	present, is the document's lead-source field (Lead Source / UTM Source)."""

	fieldname: str
	target: str
	source_fieldname: str | None = None


def _pick(fields: list[FieldInfo], preferred: tuple[str, ...]) -> FieldInfo | None:
	for name in preferred:
		for field in fields:
			if field.fieldname == name:
				return field
	return fields[0] if fields else None


def choose_campaign_link(fields: Iterable[FieldInfo]) -> CampaignLink | None:
	"""A direct Link → Campaign wins over a Link → UTM Campaign; None when neither exists."""
	links = [f for f in fields if f.fieldtype == "Link"]
	for target in (CAMPAIGN, UTM_CAMPAIGN):
		field = _pick([f for f in links if f.options == target], PREFERRED_FIELDNAMES[target])
		if field:
			source = _pick([f for f in links if f.options in SOURCE_DOCTYPES], PREFERRED_SOURCE_FIELDNAMES)
			return CampaignLink(field.fieldname, target, source.fieldname if source else None)
	return None
