# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The unsubscribe links of campaign emails: a token signed under the site's secret that names
the Send Log row, expiring after the days set in Campaign Plus Settings.

- ``one_click_url``: the ``List-Unsubscribe`` URL; a POST with ``List-Unsubscribe=One-Click``
  (RFC 8058) unsubscribes, a GET only shows the unsubscribe page
  (:mod:`campaign_plus.optout.api`);
- ``page_url``: the link in the body and footer: a page where only a person's click acts.

Any capability that writes a campaign email (the email designer's footer block, …) gets the
page URL of a Send Log row from :func:`unsubscribe_page_url`; a test email or a preview, which
names no Send Log row, gets :func:`test_page_url`: a page that says so, where nothing happens.
"""

from collections.abc import Callable
from urllib.parse import quote

import frappe
from frappe.utils import cint, get_url

from campaign_plus.utils import signing

PURPOSE = "campaign_plus:unsubscribe"
ONE_CLICK_METHOD = "/api/method/campaign_plus.optout.api.one_click"
PAGE_METHOD = "/api/method/campaign_plus.optout.api.page"
ROW, TEST = "r", "t"
DEFAULT_VALID_DAYS = 730


def valid_days() -> int:
	"""How long an unsubscribe link works (Campaign Plus Settings; 0: never expires)."""
	value = frappe.db.get_singles_dict("Campaign Plus Settings").get("unsubscribe_link_valid_days")
	return DEFAULT_VALID_DAYS if value in (None, "") else max(cint(value), 0)


def token_signer() -> Callable[[str], str]:
	"""A function Send Log row name -> token, for a whole send batch (the secret derived once)."""
	days = valid_days()
	sign = signing.signer(PURPOSE, days * 86400 if days else None)
	return lambda row_name: sign(ROW, row_name)


def one_click_url(token: str, base: str | None = None) -> str:
	return f"{base or get_url()}{ONE_CLICK_METHOD}?t={quote(token)}"


def page_url(token: str, base: str | None = None) -> str:
	return f"{base or get_url()}{PAGE_METHOD}?t={quote(token)}"


def unsubscribe_page_url(send_log_name: str) -> str:
	"""The unsubscribe page of one Send Log row (the link to put in a campaign email's body)."""
	return page_url(token_signer()(send_log_name))


def read_token(token: object) -> str | None:
	"""The Send Log row a good, unexpired token names; None for anything else."""
	fields = signing.read_token(PURPOSE, token)
	if not fields or len(fields) != 2 or fields[0] != ROW or not fields[1]:
		return None
	return fields[1]


def test_page_url(campaign: str | None = None, base: str | None = None) -> str:
	"""The unsubscribe link of a test email (or a preview): its page says it is a test."""
	return page_url(signing.make_token(PURPOSE, TEST, campaign or ""), base)


def is_test_token(token: object) -> bool:
	"""A good token of a test email's unsubscribe link (:func:`test_page_url`)."""
	fields = signing.read_token(PURPOSE, token)
	return bool(fields) and len(fields) == 2 and fields[0] == TEST
