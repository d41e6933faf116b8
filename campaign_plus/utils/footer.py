# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Who sends a campaign email, and the footer that says so.

French and EU law (and the mailbox providers) expect a marketing email to name its sender — the
company's name and postal address — and to carry a way to unsubscribe, in the reader's
language. These functions are the one place that knows them, for the sender's footer and for
any other capability that writes a campaign email (an email designer's footer block):

- :func:`sender_identity` — the company of a campaign (its *Company*, else the default
  company): name and postal address on one line;
- :func:`campaign_plus.utils.language.recipient_languages` — each recipient's language;
- :func:`campaign_plus.utils.unsubscribe_links.unsubscribe_page_url` — the unsubscribe page of a
  Send Log row;
- :class:`FooterTemplate` — the footer (HTML and text) in one language, rendered per recipient
  with their unsubscribe URL; :class:`BatchFooters` — a send batch's. A body that carries its own
  footer block (an element with ``data-cp-footer``) gets none added.
"""

from dataclasses import dataclass
from html import escape

import frappe
from frappe import _
from frappe.utils import get_url

from campaign_plus.utils import unsubscribe_links
from campaign_plus.utils.language import in_language, recipient_languages

FOOTER_MARKER = "data-cp-footer"
URL_TOKEN = "CampaignPlusUnsubscribeUrl"
STYLE = (
	"margin-top:24px;padding-top:12px;border-top:1px solid #d1d8dd;color:#8d99a6;"
	"font-size:12px;line-height:1.5;text-align:center"
)


@dataclass(frozen=True)
class SenderIdentity:
	company: str | None
	name: str
	address: str  # one line ("" when the company has no address)


def campaign_company(campaign: str | None) -> str | None:
	company = frappe.db.get_value("Campaign", campaign, "cp_company") if campaign else None
	return company or frappe.db.get_single_value("Global Defaults", "default_company") or None


def postal_address(company: str) -> str:
	"""The company's address (its company address, else its primary one) on one line."""
	from frappe.contacts.doctype.address.address import get_default_address

	name = get_default_address("Company", company)
	if not name:
		return ""
	row = frappe.db.get_value(
		"Address",
		name,
		["address_line1", "address_line2", "pincode", "city", "state", "country"],
		as_dict=True,
	)
	if not row:
		return ""
	town = " ".join(part for part in (row.pincode, row.city) if part)
	parts = [row.address_line1, row.address_line2, town, row.state, _(row.country) if row.country else None]
	return ", ".join(part.strip() for part in parts if part and part.strip())


def sender_identity(campaign: str | None = None, company: str | None = None) -> SenderIdentity:
	"""The sender of ``campaign``'s emails (or of ``company``'s): name and postal address."""
	company = company or campaign_company(campaign)
	name = frappe.db.get_value("Company", company, "company_name") if company else None
	if name:
		return SenderIdentity(company, name, postal_address(company))
	name = frappe.db.get_single_value("Website Settings", "app_name") or frappe.local.site
	return SenderIdentity(None, name, "")


def has_footer(html: str) -> bool:
	return FOOTER_MARKER in (html or "")


class FooterTemplate:
	"""The footer of one sender in one language, made once; :meth:`render` per recipient."""

	def __init__(self, identity: SenderIdentity, language: str | None):
		with in_language(language):
			why = _("You receive this email because you are in contact with {0}.").format(identity.name)
			label = _("Unsubscribe from these emails")
		lines = [identity.name, identity.address]
		self.html = (
			f'<div {FOOTER_MARKER}="1" style="{STYLE}">'
			+ "".join(f'<p style="margin:0">{escape(line)}</p>' for line in lines if line)
			+ f'<p style="margin:8px 0 0">{escape(why)}<br>'
			f'<a href="{URL_TOKEN}" data-cp-no-track="1" style="color:#8d99a6">{escape(label)}</a></p>'
			"</div>"
		)
		self.text = "\n".join(["", "--", *(line for line in lines if line), why, f"{label}: {URL_TOKEN}", ""])

	def render(self, unsubscribe_url: str) -> tuple[str, str]:
		"""(HTML, text) of the footer with this recipient's unsubscribe URL."""
		return (
			self.html.replace(URL_TOKEN, escape(unsubscribe_url)),
			self.text.replace(URL_TOKEN, unsubscribe_url),
		)


class BatchFooters:
	"""A send batch's footers: the sender's in each recipient's language (one query per party
	type), each with the recipient's unsubscribe page, added to each body that has none."""

	def __init__(self, campaign: str, rows: list):
		self.identity = sender_identity(campaign)
		self.languages = recipient_languages((row.party_type, row.party) for row in rows)
		self.templates: dict[str | None, FooterTemplate] = {}
		self.sign = unsubscribe_links.token_signer()
		self.base = get_url()

	def add(self, row, body: str, text: str | None) -> tuple[str, str | None]:
		"""(body, text) of Send Log ``row``'s email with the footer (text None: Frappe makes it)."""
		if has_footer(body):
			return body, text
		language = self.languages.get((row.party_type, row.party))
		if language not in self.templates:
			self.templates[language] = FooterTemplate(self.identity, language)
		row["unsubscribe_token"] = token = self.sign(row.name)  # the List-Unsubscribe URL's too
		html, plain = self.templates[language].render(unsubscribe_links.page_url(token, self.base))
		return body + html, (text + plain if text is not None else None)


def footer(campaign: str | None, language: str | None, unsubscribe_url: str) -> tuple[str, str]:
	"""(HTML, text) of a campaign's footer in ``language`` with this unsubscribe URL."""
	return FooterTemplate(sender_identity(campaign), language).render(unsubscribe_url)
