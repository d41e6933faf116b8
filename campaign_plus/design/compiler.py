# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A design compiled once per version (and per brand kit, legal identity, ERP data, language).

The compile input — the normalised design, the brand kit, the company's legal identity, the
items' names, descriptions and images, the coupons, the translated labels — is hashed; the
compiled HTML and text are kept under the design's name, version and that hash, in this
process and in the site's cache (Redis), so that each send batch and each worker compiles a
design at most once. Prices and the personal parts are not part of it: slots, filled per
recipient (:mod:`campaign_plus.engine.design_render`).
"""

import json

import frappe
from frappe import _
from frappe.utils import get_url

from campaign_plus.design import catalogue, identity, model
from campaign_plus.design.settings import brand_kit
from campaign_plus.engine import design as engine
from campaign_plus.engine.design_mjml import Inputs, Slot
from campaign_plus.engine.design_render import Compiled, compile_design, nonce_for

CACHE_PREFIX = "campaign_plus:design:"
CACHE_SECONDS = 24 * 3600
_local: dict[str, Compiled] = {}
_LOCAL_MAX = 64


def labels(lang: str) -> dict:
	return {
		"unsubscribe": _("Unsubscribe", lang=lang),
		"see_product": _("See the product", lang=lang),
		"coupon_title": _("Your discount code", lang=lang),
		"code": _("Code", lang=lang),
		"valid_until": _("Valid until {0}", lang=lang),
		"why": _("You receive this email because you are in contact with us.", lang=lang),
	}


def inputs_for(design: dict, campaign: str | None, lang: str) -> Inputs:
	return Inputs(
		brand=brand_kit(),
		identity=identity.legal_identity(campaign),
		items=catalogue.items(engine.item_codes(design)),
		coupons={
			name: {k: v for k, v in coupon.items() if k in ("code", "description", "valid_upto")}
			for name, coupon in catalogue.coupons(engine.coupon_codes(design)).items()
		},
		labels=labels(lang),
		lang=lang,
		site_url=get_url(),
	)


def compiled(name: str, campaign: str | None = None, lang: str | None = None) -> tuple[dict, dict, Compiled]:
	"""(the design's row, the design, its compiled email) for ``campaign`` (default: the design's own)."""
	row, design = model.load(name)
	lang = lang or identity.recipient_language()
	inputs = inputs_for(design, campaign or row.campaign, lang)
	return row, design, compile_cached(name, row.version, design, inputs)


def compile_cached(name: str, version: int, design: dict, inputs: Inputs) -> Compiled:
	key = f"{CACHE_PREFIX}{frappe.local.site}:{name}:{version}:{nonce_for(design, inputs)}"
	if key in _local:
		return _local[key]
	stored = frappe.cache.get_value(key, expires=True)
	if stored:
		result = load_compiled(json.loads(stored))
	else:
		result = compile_design(design, inputs)
		frappe.cache.set_value(key, json.dumps(dump_compiled(result)), expires_in_sec=CACHE_SECONDS)
	if len(_local) >= _LOCAL_MAX:
		_local.pop(next(iter(_local)))
	_local[key] = result
	return result


def dump_compiled(compiled: Compiled) -> dict:
	return {
		"html": compiled.html,
		"text": compiled.text,
		"slots": [[s.kind, s.key, s.fallback] for s in compiled.slots],
		"nonce": compiled.nonce,
	}


def load_compiled(data: dict) -> Compiled:
	return Compiled(data["html"], data["text"], [Slot(*slot) for slot in data["slots"]], data["nonce"])
