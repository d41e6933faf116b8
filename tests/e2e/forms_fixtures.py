# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Data of the browser test of campaign forms, committed on the site (bench's Python, in sites/).

``forms_fixtures.py SITE create TAG PARTNER OTHER`` makes a campaign (one step, consent needed),
its segment, a form embeddable on PARTNER only (and the same form needing a minute to fill), a sent message whose tracked links go to PARTNER's
landing page (an own domain) and to OTHER, and prints the names and click URLs as JSON;
``state TAG`` prints what the site holds for the tag's addresses; ``plan TAG`` plans the tag's
campaign only; ``clear-rate-limit TAG`` forgets this minute's submissions; ``delete TAG`` removes
everything made under the tag and puts the settings back.
"""

import json
import re
import sys
from urllib.parse import quote

import frappe

from tests.site_setup import mark_as_test

STEP_TEMPLATE = "E2E form {tag}"


def _campaign(tag: str) -> str:
	return frappe.db.get_value("Campaign", {"campaign_name": f"E2E form {tag}"}, "name")


def create(tag: str, partner: str, other: str) -> dict:
	from campaign_plus.tracking import messages
	from campaign_plus.utils.db import standard_values
	from campaign_plus.utils.signing import signer

	mark_as_test()
	values = frappe.db.get_singles_dict("Campaign Plus Settings")
	settings = {key: values.get(key) for key in ("own_domains", "utm_source", "form_submissions_per_minute")}
	frappe.cache.set_value(f"cp-e2e-forms-{tag}", json.dumps(settings, default=str))
	frappe.db.set_single_value(
		"Campaign Plus Settings",
		{"own_domains": "127.0.0.1", "utm_source": "news", "form_submissions_per_minute": 5},
	)
	if not frappe.db.get_value("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"E2E form {tag}",
				"email_id": f"e2e-form-{tag}@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"no_smtp_authentication": 1,
			}
		).insert()
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": STEP_TEMPLATE.format(tag=tag),
			"subject": "Welcome",
			"response": "<p>Welcome</p>",
		}
	).insert()
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"E2E form {tag}",
			"cp_start_date": frappe.utils.add_days(frappe.utils.today(), -1),
			"cp_end_date": frappe.utils.add_days(frappe.utils.today(), 30),
			"cp_opt_in_rule": "All Recipients",
			"campaign_schedules": [{"email_template": template.name, "send_after_days": 0}],
		}
	).insert()
	segment = frappe.get_doc(
		{"doctype": "Campaign Segment", "segment_name": f"E2E form {tag}", "campaign": campaign.name}
	).insert()
	form = frappe.get_doc(
		{
			"doctype": "Campaign Form",
			"form_title": f"E2E newsletter {tag}",
			"route": f"e2e-newsletter-{tag}",
			"campaign": campaign.name,
			"segment": segment.name,
			"consent_checkbox": "Required",
			"consent_text": "I agree to receive the newsletter.",
			"double_opt_in": 1,
			"min_fill_seconds": 4,
			"allowed_domains": partner,
			"thank_you_message": "Thank you, check your mailbox.",
			"form_fields": [
				{"fieldname": "email_id", "required": 1},
				{"fieldname": "first_name", "required": 1},
				{"fieldname": "company_name"},
			],
		}
	).insert()
	# the same form, but a person needs a minute to fill it: a submission after seconds is too fast
	quick = frappe.copy_doc(form)
	quick.update({"form_title": f"E2E quick {tag}", "route": f"e2e-quick-{tag}", "min_fill_seconds": 60})
	quick.insert()
	# a campaign email already sent, its links tracked: one to the partner's page, one elsewhere
	now = frappe.utils.now_datetime()
	row = frappe.get_doc(
		{
			"doctype": "Campaign Send Log",
			"campaign": campaign.name,
			"step_idx": 1,
			"schedule_row": campaign.campaign_schedules[0].name,
			"party_type": "Lead",
			"party": f"e2e-nobody-{tag}",
			"email": f"e2e-nobody-{tag}@example.com",
			"status": "Sent",
			"tracking": "Individual",
		}
	)
	row.db_insert()
	links = [f"{partner}/landing.html", f"{other}/elsewhere.html"]
	link_set = messages.link_set_name(campaign.name, links)
	frappe.db.bulk_insert(
		"Campaign Link Set",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
			"campaign",
			"link_count",
			"links",
		],
		[(*standard_values(link_set, now), campaign.name, len(links), json.dumps(links))],
	)
	sign = signer(messages.CLICK_PURPOSE)
	clicks = [
		f"{messages.CLICK_METHOD}?t={quote(sign(messages.ROW, row.name, link_set, str(i)))}" for i in range(2)
	]
	frappe.db.commit()
	return {
		"campaign": campaign.name,
		"segment": segment.name,
		"form": form.name,
		"route": form.route,
		"quick_route": quick.route,
		"clicks": clicks,
	}


def state(tag: str) -> dict:
	from campaign_plus.links import campaign_link_value, get_campaign_link

	campaign = _campaign(tag)
	link = get_campaign_link("Lead")
	pattern = f"%-{tag}@example.com"
	leads = frappe.get_all(
		"Lead",
		filters={"email_id": ("like", pattern)},
		fields=["name", "email_id", "first_name", link.fieldname, "cp_marketing_consent", "cp_lead_score"]
		+ [f for f in ("utm_source", "utm_medium", "utm_content") if frappe.get_meta("Lead").has_field(f)],
	)
	for lead in leads:
		lead["campaign_ok"] = lead.get(link.fieldname) == campaign_link_value(link, campaign)
	submissions = frappe.get_all(
		"Campaign Form Submission",
		filters={"email": ("like", pattern)},
		fields=[
			"email",
			"utm_source",
			"utm_medium",
			"utm_campaign",
			"utm_content",
			"embedded_on",
			"campaign",
			"party",
		],
		order_by="creation asc",
	)
	consents = frappe.get_all(
		"Campaign Consent",
		filters={"email": ("like", pattern)},
		fields=["name", "email", "status", "source", "consent_text"],
		order_by="creation asc",
	)
	confirmation = None
	for consent in consents:
		if consent.status == "Pending Confirmation":
			message = frappe.db.get_value(
				"Email Queue",
				{"reference_doctype": "Campaign Consent", "reference_name": consent.name},
				"message",
			)
			found = re.search(
				r"(/api/method/campaign_plus\.consent\.api\.confirm\?token=[A-Za-z0-9_.%-]+)",
				_decoded(message),
			)
			confirmation = found.group(1) if found else confirmation
	members = frappe.get_all(
		"Campaign Segment Member", filters={"segment": _segment(tag)}, fields=["party_type", "party"]
	)
	sends = frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign, "party": ("not like", "e2e-nobody-%")},
		fields=["party", "step_idx", "status", "reason"],
	)
	return {
		"leads": leads,
		"submissions": submissions,
		"consents": consents,
		"confirmation": confirmation,
		"members": members,
		"sends": sends,
	}


def _decoded(message: str | None) -> str:
	"""The text of every part of a queued email (quoted-printable and base64 undone)."""
	import email

	if not message:
		return ""
	texts = []
	for part in email.message_from_string(message).walk():
		payload = part.get_payload(decode=True)
		if payload:
			texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
	return "\n".join(texts)


def _segment(tag: str) -> str:
	return frappe.db.get_value("Campaign Segment", {"segment_name": f"E2E form {tag}"}, "name")


def plan(tag: str) -> dict:
	from campaign_plus.sending import planner

	result = planner.plan_campaign(_campaign(tag), enqueue=False)
	frappe.db.commit()
	return {"planned": result.planned, "skipped": result.skipped}


def clear_rate_limit(tag: str) -> dict:
	frappe.cache.delete_keys("rl:campaign_plus.forms.api")
	return {}


def delete(tag: str) -> dict:
	from campaign_plus.tracking import buffer

	mark_as_test()
	buffer.flush()  # the tracked clicks the server buffered written (deleted below with the campaign)
	campaign = _campaign(tag)
	segment = _segment(tag)
	pattern = f"%-{tag}@example.com"
	consents = frappe.get_all("Campaign Consent", filters={"email": ("like", pattern)}, pluck="name")
	if consents:
		queue = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Campaign Consent", "reference_name": ("in", consents)},
			pluck="name",
		)
		if queue:
			frappe.db.delete("Email Queue Recipient", {"parent": ("in", queue)})
			frappe.db.delete("Email Queue", {"name": ("in", queue)})
		frappe.db.delete("Campaign Consent", {"name": ("in", consents)})
	forms = frappe.get_all(
		"Campaign Form",
		filters={"route": ("in", [f"e2e-newsletter-{tag}", f"e2e-quick-{tag}"])},
		pluck="name",
	)
	for form in forms:
		frappe.db.delete("Campaign Form Submission", {"form": form})
		frappe.db.delete("Campaign Form View", {"form": form})
		frappe.delete_doc("Campaign Form", form, force=True)
	for lead in frappe.get_all("Lead", filters={"email_id": ("like", pattern)}, pluck="name"):
		frappe.db.delete("Campaign Interaction", {"party": lead})
		frappe.delete_doc("Lead", lead, force=True)
	if segment:
		for doctype in ("Campaign Segment Member", "Campaign Segment Step", "Campaign Segment Change"):
			frappe.db.delete(doctype, {"segment": segment})
		frappe.delete_doc("Campaign Segment", segment, force=True)
	if campaign:
		for doctype in (
			"Campaign Engagement Event",
			"Campaign Link Set",
			"Campaign Send Log",
			"Campaign Interaction",
		):
			frappe.db.delete(doctype, {"campaign": campaign})
		frappe.delete_doc("Campaign", campaign, force=True)
	if frappe.db.exists("Email Template", STEP_TEMPLATE.format(tag=tag)):
		frappe.delete_doc("Email Template", STEP_TEMPLATE.format(tag=tag), force=True)
	if frappe.db.exists("Email Account", f"E2E form {tag}"):
		frappe.delete_doc("Email Account", f"E2E form {tag}", force=True)
	previous = frappe.cache.get_value(f"cp-e2e-forms-{tag}")
	if previous:
		frappe.db.set_single_value("Campaign Plus Settings", json.loads(previous))
		frappe.cache.delete_value(f"cp-e2e-forms-{tag}")
	frappe.cache.delete_keys("rl:campaign_plus.forms.api")
	frappe.db.commit()
	return {}


if __name__ == "__main__":
	site, action, tag, *rest = sys.argv[1:]
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		actions = {
			"create": create,
			"state": state,
			"plan": plan,
			"clear-rate-limit": clear_rate_limit,
			"delete": delete,
		}
		print(json.dumps(actions[action](tag, *rest), default=str))
	finally:
		frappe.destroy()
