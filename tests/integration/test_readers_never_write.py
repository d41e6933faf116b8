# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Readers never write (issue 25, item 4). Every whitelisted method of the app is classified here:
read-level methods are called by a user who may only read, and the database must see no INSERT,
UPDATE or DELETE; a method added later without a class fails this test (the audit stays done).

Refresh Statistics: a reader gets the figures computed now; only a writer (and the nightly job)
stores them on the campaign."""

import importlib
import inspect
import pathlib

import frappe
import pytest

from campaign_plus.stats import api as stats
from tests.integration.helpers import make_campaign, make_lead, make_template, make_user

APP = pathlib.Path(frappe.get_app_path("campaign_plus"))

# read-level: the caller needs read permission only, and nothing is written
READERS = {
	"campaign_plus.card.api.get_campaign_context",
	"campaign_plus.sending.api.preview_schedule",
	"campaign_plus.stats.api.get_charts",
	"campaign_plus.stats.api.refresh_statistics",  # a reader: computed, not stored
	"campaign_plus.delivery.api.get_delivery_progress",
	"campaign_plus.delivery.api.get_delivery_doubts",
	"campaign_plus.experiments.api.get_results",
	"campaign_plus.windows.api.time_zones",
	"campaign_plus.pricing.api.get_price_preview",
	# the findings are remembered for an hour in the cache (the send gate), never in the database
	"campaign_plus.deliverability.api.check_deliverability",
	"campaign_plus.deliverability.api.first_send_pending",
	# the email designer's reads (a compiled preview is cached in Redis, never stored)
	"campaign_plus.design.api.editor_context",
	"campaign_plus.design.api.check_design",
	"campaign_plus.design.api.preview",
	"campaign_plus.design.api.item_cards",
	"campaign_plus.design.api.recipient_choices",
	"campaign_plus.reputation.api.status",  # the pauses holding a campaign, for its form
	# a campaign form's desk: the fields a form may fill, its embed code
	"campaign_plus.forms.api.field_choices",
	"campaign_plus.forms.api.embed_code",
}
# write-level: each checks write (or create) permission on what it changes, or is for Sales Managers
WRITERS = {
	"campaign_plus.card.api.next_step",
	"campaign_plus.delivery.api.send_again",
	"campaign_plus.sending.api.send_due_emails_now",
	"campaign_plus.sending.api.send_test_email",
	"campaign_plus.stats.api.log_segment",
	"campaign_plus.stats.api.cancel_entry",
	"campaign_plus.segments.api.add_members",
	"campaign_plus.segments.api.reduce_members",
	"campaign_plus.segments.api.refine_members",
	"campaign_plus.segments.api.apply_saved_criteria",
	"campaign_plus.segments.api.go_back",
	"campaign_plus.segments.api.set_target",
	"campaign_plus.segments.api.save_criteria",
	"campaign_plus.activities.api.assign_activity",
	"campaign_plus.activities.api.cancel_assignment",
	"campaign_plus.experiments.api.choose_winner",
	"campaign_plus.pricing.api.activate_prices",
	"campaign_plus.pricing.api.deactivate_prices",
	"campaign_plus.pricing.api.get_campaign_for",  # needs write on the sales document; writes nothing
	"campaign_plus.tracking.api.clear_bounce",
	# read on the party, create on Campaign Consent: it writes consent records (and mail) only
	"campaign_plus.consent.api.request_confirmation",
	# Sales Manager with export permission: writes Frappe's Access Log of the export, nothing else
	"campaign_plus.consent.api.export_consent",
	# write on the design (save, send a test), write on the template and create on designs
	"campaign_plus.design.api.save_design",
	"campaign_plus.design.api.send_test",
	"campaign_plus.design.api.design_for_template",
	# the reputation guard: Resume Sending is for Sales Managers (and write on the campaign)
	"campaign_plus.reputation.api.resume_sending",
	"campaign_plus.reputation.api.resume_pause",
	# the suppression list: create / write / import permission on Campaign Suppression
	"campaign_plus.suppression.api.add_address",
	"campaign_plus.suppression.api.lift",
	"campaign_plus.suppression.api.import_csv",
	# export permission on Campaign Suppression: the list as CSV, nothing written
	"campaign_plus.suppression.api.export_csv",
	# Recompute Lead Scores: Sales Managers with write on Campaign Plus Settings (enqueues a job)
	"campaign_plus.scoring.api.recompute_scores",
}
# guests: signed tokens and rate limits (their own tests); a tracking hit or a confirmation link
# records what it stands for
GUESTS = {
	"campaign_plus.tracking.api.open",
	"campaign_plus.tracking.api.click",
	"campaign_plus.consent.api.request_opt_in",
	"campaign_plus.consent.api.confirm",
	# unsubscribing: the one-click POST and the page's form act; GETs only show (test_inbox_http)
	"campaign_plus.optout.api.one_click",
	"campaign_plus.optout.api.page",
	"campaign_plus.optout.api.choose",
	"campaign_plus.optout.api.legacy_unsubscribe",
	# email services' webhooks: a provider's signature or secret (test_webhooks_http)
	"campaign_plus.webhooks.api.ses",
	"campaign_plus.webhooks.api.sendgrid",
	"campaign_plus.webhooks.api.mailgun",
	"campaign_plus.webhooks.api.postmark",
	"campaign_plus.webhooks.api.brevo",
	# campaign forms: a signed form token, honeypot, minimum fill time, per-IP limits
	# (test_forms_http); the view counter counts, a submission records the lead
	"campaign_plus.forms.api.submit",
	"campaign_plus.forms.api.view",
}


def whitelisted_methods() -> set[str]:
	found = set()
	for path in APP.rglob("*.py"):
		if "@frappe.whitelist" not in path.read_text():
			continue
		module_name = "campaign_plus." + ".".join(path.relative_to(APP).with_suffix("").parts)
		module = importlib.import_module(module_name)
		for name, function in inspect.getmembers(module, inspect.isfunction):
			if function.__module__ == module_name and function in frappe.whitelisted:
				found.add(f"{module_name}.{name}")
			elif (
				function.__module__ == module_name
				and getattr(function, "__wrapped__", None) in frappe.whitelisted
			):
				found.add(f"{module_name}.{name}")
	return found


def test_every_whitelisted_method_is_classified():
	found = whitelisted_methods()
	assert found, "no whitelisted method found"
	unclassified = found - READERS - WRITERS - GUESTS
	assert not unclassified, f"classify these (reader, writer, guest) and test them: {sorted(unclassified)}"
	assert not (READERS | WRITERS | GUESTS) - found, "a classified method no longer exists"


@pytest.fixture
def reader_setup():
	template = make_template()
	campaign = make_campaign(
		cp_budget=1000, campaign_schedules=[{"email_template": template.name, "send_after_days": 0}]
	)
	lead = make_lead()
	frappe.get_doc(
		{"doctype": "Campaign Interaction", "campaign": campaign.name, "interaction_type": "Call",
		 "party_type": "Lead", "party": lead.name, "cost": 12, "duration": 15}
	).insert()  # fmt: skip
	test = frappe.get_doc(
		{
			"doctype": "Campaign AB Test",
			"campaign": campaign.name,
			"step_idx": 1,
			"test_share": 20,
			"wait_days": 2,
			"criterion": "Unique Clicks",
			"variants": [{"email_template": template.name}, {"email_template": make_template().name}],
		}
	).insert()
	reader = make_user(["Sales User"])
	return frappe._dict(campaign=campaign, reader=reader, test=test.name)


def writes_during(call) -> int:
	before = frappe.db.transaction_writes
	call()
	return frappe.db.transaction_writes - before


def test_a_reader_may_read_but_not_write_campaigns(reader_setup):
	frappe.set_user(reader_setup.reader)
	doc = frappe.get_doc("Campaign", reader_setup.campaign.name)
	assert doc.has_permission("read") and not doc.has_permission("write")


def test_read_level_methods_write_nothing(reader_setup):
	from campaign_plus.card import api as card
	from campaign_plus.deliverability import api as deliverability
	from campaign_plus.delivery import api as delivery
	from campaign_plus.design import api as design_api
	from campaign_plus.experiments import api as experiments
	from campaign_plus.forms import api as forms_api
	from campaign_plus.pricing import api as pricing
	from campaign_plus.reputation import api as reputation
	from campaign_plus.sending import api as sending
	from campaign_plus.windows import api as windows

	name = reader_setup.campaign.name
	design = (
		frappe.get_doc({"doctype": "Campaign Email Design", "title": "Reader", "campaign": name})
		.insert(ignore_permissions=True)
		.name
	)
	form = (
		frappe.get_doc(
			{
				"doctype": "Campaign Form",
				"form_title": f"_Test CP reader {frappe.generate_hash(length=6)}",
				"campaign": name,
				"consent_checkbox": "No Checkbox",
				"form_fields": [{"fieldname": "email_id", "required": 1}],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	frappe.set_user(reader_setup.reader)
	calls = {
		"get_campaign_context": lambda: card.get_campaign_context(name),
		"preview_schedule": lambda: sending.preview_schedule(name, 10),
		"get_charts": lambda: stats.get_charts(name, 30),
		"refresh_statistics": lambda: stats.refresh_statistics(name),
		"get_delivery_progress": lambda: delivery.get_delivery_progress(name),
		"get_delivery_doubts": lambda: delivery.get_delivery_doubts(name),
		"time_zones": lambda: windows.time_zones(),
		"get_results": lambda: experiments.get_results(reader_setup.test),
		"get_price_preview": lambda: pricing.get_price_preview(name),
		"check_deliverability": lambda: deliverability.check_deliverability(name),
		"first_send_pending": lambda: deliverability.first_send_pending(name),
		"editor_context": lambda: design_api.editor_context(design),
		"check_design": lambda: design_api.check_design(design),
		"preview": lambda: design_api.preview(design),
		"item_cards": lambda: design_api.item_cards([], name),
		"recipient_choices": lambda: design_api.recipient_choices(design),
		"reputation status": lambda: reputation.status(name),
		"field_choices": lambda: forms_api.field_choices("Lead"),
		"embed_code": lambda: forms_api.embed_code(form),
	}
	for label, call in calls.items():
		assert writes_during(call) == 0, f"{label} wrote to the database for a reader"


def test_a_reader_gets_fresh_statistics_that_are_not_stored(reader_setup):
	name = reader_setup.campaign.name
	frappe.set_user(reader_setup.reader)
	figures = stats.refresh_statistics(name)
	assert figures["stored"] is False
	assert (figures["cp_cost"], figures["cp_targets_contacted"]) == (12, 1)  # fresh: the call counts
	assert figures["cp_budget_used"] == pytest.approx(1.2)
	frappe.set_user("Administrator")
	stored = frappe.db.get_value("Campaign", name, ["cp_cost", "cp_statistics_updated_on"], as_dict=True)
	assert (stored.cp_cost or 0, stored.cp_statistics_updated_on) == (0, None)


def test_a_writer_stores_the_statistics(reader_setup):
	name = reader_setup.campaign.name
	figures = stats.refresh_statistics(name)  # Administrator may write
	assert figures["stored"] is True
	assert frappe.db.get_value("Campaign", name, "cp_cost") == 12
	assert frappe.db.get_value("Campaign", name, "cp_statistics_updated_on")


def test_the_nightly_job_stores_them():
	from campaign_plus.stats import aggregate

	campaign = make_campaign()
	frappe.get_doc(
		{"doctype": "Campaign Interaction", "campaign": campaign.name, "interaction_type": "Call",
		 "party_type": "Lead", "party": make_lead().name, "cost": 7}
	).insert()  # fmt: skip
	aggregate.refresh(campaign.name)  # what refresh_all does for each campaign (then commits)
	assert frappe.db.get_value("Campaign", campaign.name, "cp_cost") == 7
