# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The brand kit (Campaign Plus Settings → Email Design): what every design starts from."""

import frappe
from frappe.utils import get_url

from campaign_plus.engine import design as engine

FIELDS = {
	"logo": "brand_logo",
	"font": "brand_font",
	"website": "brand_website",
	"primary_color": "brand_primary_color",
	"text_color": "brand_text_color",
	"link_color": "brand_link_color",
	"background_color": "brand_background_color",
	"content_background": "brand_content_background",
	"footer_html": "brand_footer",
	"legal_lines": "brand_legal_lines",
}


def absolute_url(url: str | None) -> str:
	"""A site file (``/files/logo.png``) as an absolute URL, as a reader's mail client needs it."""
	url = (url or "").strip()
	if url.startswith("/"):
		return get_url(url)
	return url


def brand_kit() -> dict:
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	brand = {key: (values.get(field) or "") for key, field in FIELDS.items()}
	brand["logo"] = absolute_url(brand["logo"])
	for key in ("primary_color", "text_color", "link_color", "background_color", "content_background"):
		try:
			brand[key] = engine.check_color(brand[key], key)
		except engine.RuleError:
			brand[key] = ""
	if brand["font"] not in engine.FONTS:
		brand["font"] = "Arial"
	# the footer text is plain text: its lines kept, nothing else
	footer = frappe.utils.escape_html(brand["footer_html"]).strip()
	brand["footer_html"] = footer.replace("\n", "<br>")
	return brand
