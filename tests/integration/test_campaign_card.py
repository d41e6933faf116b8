# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The campaign card on ERPNext's Campaign: defaults, dates, statuses, Next Step, permissions."""

import frappe
import pytest

from campaign_plus.card import api
from tests.integration.helpers import make_campaign, make_user


def test_new_campaign_gets_default_status_company_and_currency():
	campaign = make_campaign()
	assert campaign.cp_status == "Planned"
	assert campaign.cp_status_color == "blue"
	company = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
		"Global Defaults", "default_company"
	)
	assert campaign.cp_company == company
	if company:
		assert campaign.cp_currency == frappe.get_cached_value("Company", company, "default_currency")


def test_end_before_start_is_refused_and_nothing_is_saved():
	name = f"_Test CP dates {frappe.generate_hash(length=6)}"
	with pytest.raises(frappe.ValidationError) as info:
		make_campaign(name, cp_start_date="2026-05-10", cp_end_date="2026-05-01")
	assert "is before the start date" in str(info.value)
	assert not frappe.db.exists("Campaign", name)


def test_end_before_start_message_is_french_for_a_french_user():
	frappe.local.lang = "fr"
	frappe.translate.clear_cache()
	with pytest.raises(frappe.ValidationError) as info:
		make_campaign(cp_start_date="2026-05-10", cp_end_date="2026-05-01")
	assert "est antérieure à la date de début" in str(info.value)
	assert frappe.local.message_log, "a message is shown to the user"


def test_same_day_campaign_is_fine():
	campaign = make_campaign(cp_start_date="2026-05-10", cp_end_date="2026-05-10")
	assert campaign.cp_end_date


def test_status_moves_forward_and_back_only_through_next_status():
	campaign = make_campaign()
	campaign.cp_status = "Active"
	campaign.save()
	campaign.cp_status = "On Hold"
	campaign.save()
	campaign.cp_status = "Active"  # back through On Hold's next status
	campaign.save()
	campaign.cp_status = "Planned"
	with pytest.raises(frappe.ValidationError) as info:
		campaign.save()
	assert "cannot move back" in str(info.value)
	assert frappe.db.get_value("Campaign", campaign.name, "cp_status") == "Active"


def test_closed_status_is_final():
	campaign = make_campaign()
	campaign.cp_status = "Canceled"
	campaign.save()
	campaign.cp_status = "Active"
	with pytest.raises(frappe.ValidationError) as info:
		campaign.save()
	assert "is closed" in str(info.value)


def test_unknown_status_is_refused():
	campaign = make_campaign()
	campaign.cp_status = "No Such Status"
	with pytest.raises(frappe.ValidationError):
		campaign.save()


def test_next_step_walks_the_sequence_then_stops():
	campaign = make_campaign()
	assert api.next_step(campaign.name) == "Active"
	assert api.next_step(campaign.name) == "Completed"
	assert frappe.db.get_value("Campaign", campaign.name, "cp_status") == "Completed"
	with pytest.raises(frappe.ValidationError) as info:
		api.next_step(campaign.name)
	assert "has no next status" in str(info.value)


def test_next_step_needs_write_permission():
	campaign = make_campaign()
	frappe.set_user(make_user(["Sales User"]))
	with pytest.raises(frappe.PermissionError):
		api.next_step(campaign.name)
	# a Sales User may read the campaign and its context
	context = api.get_campaign_context(campaign.name)
	assert context["next_status"] == "Active"


def test_context_needs_read_permission():
	campaign = make_campaign()
	frappe.set_user(make_user([]))
	with pytest.raises(frappe.PermissionError):
		api.get_campaign_context(campaign.name)


def test_context_allowed_statuses_follow_the_rules():
	campaign = make_campaign()
	context = api.get_campaign_context(campaign.name)
	assert context["allowed_statuses"] == ["Planned", "Active", "On Hold", "Completed", "Canceled"]
	campaign.cp_status = "Completed"
	campaign.save()
	assert api.get_campaign_context(campaign.name)["allowed_statuses"] == ["Completed"]


def test_status_colour_change_reaches_campaigns():
	campaign = make_campaign()
	status = frappe.get_doc("Campaign Status", "Planned")
	status.indicator_color = "purple"
	status.save()
	assert frappe.db.get_value("Campaign", campaign.name, "cp_status_color") == "purple"


def test_status_in_use_cannot_be_deleted():
	make_campaign()
	with pytest.raises(frappe.LinkExistsError):
		frappe.delete_doc("Campaign Status", "Planned")
