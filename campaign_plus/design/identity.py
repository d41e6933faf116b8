# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What a designed email's footer says of the sender, where its unsubscribe link goes, and the
language of its own words — from the functions every campaign email uses
(:mod:`campaign_plus.utils.footer`, :mod:`campaign_plus.utils.unsubscribe_links`,
:mod:`campaign_plus.utils.language`)."""

import frappe
from frappe.utils import get_url

from campaign_plus.design.settings import brand_kit
from campaign_plus.utils import unsubscribe_links
from campaign_plus.utils.footer import FOOTER_MARKER, sender_identity
from campaign_plus.utils.language import recipient_language as party_language
from campaign_plus.utils.language import recipient_languages, site_language

# A body that carries this attribute has its own footer: the sender's footer is not added.
assert FOOTER_MARKER == "data-cp-footer"  # written by campaign_plus.engine.design_mjml


def legal_identity(campaign: str | None) -> dict:
	"""The sender's name and postal address (the campaign's company), and the brand kit's legal
	mentions."""
	identity = sender_identity(campaign)
	legal = [line.strip() for line in (brand_kit().get("legal_lines") or "").splitlines() if line.strip()]
	return {
		"company_name": identity.name,
		"address_lines": [identity.address] if identity.address else [],
		"other_lines": legal,
	}


class UnsubscribeLinks:
	"""The unsubscribe page URL of each Send Log row (the secret derived once per batch)."""

	def __init__(self):
		self.sign = unsubscribe_links.token_signer()
		self.base = get_url()

	def url(self, row_name: str) -> str:
		return unsubscribe_links.page_url(self.sign(row_name), self.base)


def languages(rows) -> dict[tuple[str, str], str]:
	"""Each recipient's language (Lead's, customer's, else the site's)."""
	return recipient_languages((row.get("party_type"), row.get("party")) for row in rows)


def recipient_language(party_type: str | None = None, party: str | None = None) -> str:
	"""One recipient's language; without one, the user's (a preview, a test)."""
	if party_type and party:
		return party_language(party_type, party)
	return frappe.local.lang or site_language()
