# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""DKIM settings of an outgoing Email Account: checked on save, a key made when none is given,
and the DNS record to publish shown on the account."""

import frappe
from frappe import _
from frappe.utils.password import get_decrypted_password

from campaign_plus.deliverability import dkim
from campaign_plus.engine.deliverability import valid_domain, valid_selector

MIN_BITS = 1024


def _is_dummy(value: str | None) -> bool:
	return bool(value) and set(value) == {"*"}


def current_key(doc) -> str | None:
	"""The private key being saved (typed in), else the stored one."""
	value = doc.get(dkim.PRIVATE_KEY_FIELD)
	if value and not _is_dummy(value):
		return value.strip()
	if doc.is_new():
		return None
	return get_decrypted_password(doc.doctype, doc.name, dkim.PRIVATE_KEY_FIELD, raise_exception=False)


def validate_dkim(doc, method=None) -> None:
	"""Email Account ``validate``."""
	if not doc.get("cp_dkim_enabled"):
		return
	doc.cp_dkim_domain = (doc.get("cp_dkim_domain") or "").strip().lower().rstrip(".")
	doc.cp_dkim_selector = (doc.get("cp_dkim_selector") or "").strip()
	if not valid_domain(doc.cp_dkim_domain):
		frappe.throw(_("Enter the domain that signs (DKIM), such as example.com."), title=_("DKIM Domain"))
	if not valid_selector(doc.cp_dkim_selector):
		frappe.throw(
			_("Enter a DKIM selector: letters, digits and hyphens, such as campaign2026."),
			title=_("DKIM Selector"),
		)
	key = current_key(doc)
	if not key:
		key = dkim.generate_private_key()
		doc.set(dkim.PRIVATE_KEY_FIELD, key)
	try:
		bits = dkim.key_bits(key)
	except dkim.DkimError:
		frappe.throw(_("The DKIM private key must be an RSA private key in PEM form."), title=_("DKIM Key"))
	if bits < MIN_BITS:
		frappe.throw(
			_("The DKIM key has {0} bits: mailbox providers need at least 1024 (2048 recommended).").format(
				bits
			),
			title=_("DKIM Key"),
		)
	doc.cp_dkim_dns_record = f'{dkim.dns_record_name(doc.cp_dkim_selector, doc.cp_dkim_domain)}. TXT "{dkim.dns_record_value(key)}"'
