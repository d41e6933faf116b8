# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Small factories for integration tests (everything is rolled back after each test)."""

import datetime as dt
from contextlib import contextmanager

import frappe


def make_campaign(name: str | None = None, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": name or f"_Test CP {frappe.generate_hash(length=8)}",
			**values,
		}
	)
	doc.insert()
	return doc


def make_user(roles: list[str]) -> str:
	email = f"cp-{frappe.generate_hash(length=8)}@example.com"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Campaign Plus Test",
			"send_welcome_email": 0,
			"roles": [{"role": role} for role in roles],
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)
	return email


def is_v15_erpnext() -> bool:
	return frappe.get_meta("Lead").has_field("campaign_name")


@contextmanager
def freeze_time(moment):
	"""Freeze the clock at ``moment`` in the site's time zone (as Frappe's own test helper does)."""
	from zoneinfo import ZoneInfo

	from frappe.utils import get_datetime, get_system_timezone
	from freezegun import freeze_time as freezegun_freeze_time

	aware = get_datetime(moment).replace(tzinfo=ZoneInfo(get_system_timezone())).astimezone(dt.timezone.utc)
	with freezegun_freeze_time(aware):
		yield


def use_outgoing_account():
	"""Make the site's test Email Account the default outgoing one (rolled back with the test)."""
	account = frappe.get_all("Email Account", filters={"enable_outgoing": 1}, pluck="name", limit=1)
	if account:
		frappe.db.set_value("Email Account", account[0], "default_outgoing", 1)
	else:
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test Campaign Plus Outgoing",
				"email_id": "campaign-plus@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
	frappe.local.outgoing_email_account = {}


def make_template(
	subject="Hello {{ doc.first_name }}",
	body="<p>Hi {{ doc.first_name }}, from {{ campaign.campaign_name }}</p>",
):
	return frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_Test CP {frappe.generate_hash(length=8)}",
			"subject": subject,
			"response": body,
		}
	).insert(ignore_permissions=True)


def make_lead(first_name="Cp", email=None):
	tag = frappe.generate_hash(length=8)
	return frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": f"{first_name} {tag}" if first_name == "Cp" else first_name,
			"email_id": email if email is not None else f"cp-{tag}@example.com",
		}
	).insert(ignore_permissions=True)


def enroll(campaign: str, parties, start, for_doctype="Lead"):
	"""ERPNext Email Campaigns for ``parties`` starting on ``start`` (created on that day)."""
	with freeze_time(f"{start} 09:00:00"):
		return [
			frappe.get_doc(
				{
					"doctype": "Email Campaign",
					"campaign_name": campaign,
					"email_campaign_for": for_doctype,
					"recipient": party,
					"start_date": start,
					"sender": "Administrator",
				}
			).insert(ignore_permissions=True)
			for party in parties
		]


def fiscal_year_for(day: dt.date, company: str) -> None:
	"""Makes sure a Fiscal Year covers `day` for `company` (tests date documents in later years)."""
	from erpnext.accounts.utils import get_fiscal_year

	# ERPNext caches the fiscal years in Redis, which a rollback does not undo: forget them now
	# (a year left there by an earlier rolled-back test) and after this test's rollback.
	frappe.cache.delete_value("fiscal_years")
	if get_fiscal_year(day, company=company, boolean=True):
		return
	frappe.db.after_rollback.add(lambda: frappe.cache.delete_value("fiscal_years"))
	frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": f"_CP {day.year}",
			"year_start_date": dt.date(day.year, 1, 1),
			"year_end_date": dt.date(day.year, 12, 31),
			"companies": [{"company": company}],
		}
	).insert(ignore_permissions=True)
	frappe.cache.delete_value("fiscal_years")


def linked_counts(doctype: str, name: str) -> dict[str, int]:
	"""The desk's Connections counts of a document (Frappe's ``get_open_count``), per doctype.

	``get_open_count`` limits every statement of its database session to one second and leaves
	the limit set (a request's connection ends with the request; the tests' does not): put back,
	or a later statement of the run that waits on a lock longer is interrupted."""
	from frappe.desk.notifications import get_open_count

	try:
		counts = get_open_count(doctype, name)["count"]["external_links_found"]
	finally:
		frappe.db.set_execution_timeout(0)
	return {row["doctype"]: row["count"] for row in counts}
