# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send windows on a real site: each recipient's local send time (across daylight-saving changes),
quiet hours and business days from the company's Holiday List, the frequency cap across campaigns
with priorities, and the deferral mechanism (deferred rows promoted, re-checked, released).
The clock is frozen at UTC moments with freezegun, whatever the site's own time zone."""

import datetime as dt
from contextlib import contextmanager

import frappe
import pytest

from campaign_plus.engine.schedule import AWAITING_WINNER
from campaign_plus.sending import api, ledger, planner
from campaign_plus.windows.zones import site_zone
from tests.integration.helpers import enroll, make_campaign, make_lead, make_template, use_outgoing_account

UTC = dt.timezone.utc
PARIS, AUCKLAND = "Europe/Paris", "Pacific/Auckland"


@contextmanager
def at(*moment):
	"""Freeze the clock at a UTC moment."""
	from freezegun import freeze_time

	with freeze_time(dt.datetime(*moment, tzinfo=UTC)):
		yield dt.datetime(*moment, tzinfo=UTC)


def utc(*moment) -> dt.datetime:
	return dt.datetime(*moment)  # the ledger stores naive UTC


def campaign_with(steps, **values):
	"""A campaign whose steps are (days, send time, in the recipient's zone)."""
	use_outgoing_account()
	template = make_template()
	return make_campaign(
		campaign_schedules=[
			{
				"email_template": template.name,
				"send_after_days": days,
				"cp_send_time": time,
				"cp_in_recipient_time_zone": local,
			}
			for days, time, local in steps
		],
		**values,
	)


def lead_in(zone=None, country=None):
	"""A lead with its own zone, or a country, or neither (the desk defaults a lead's country to the
	system's: cleared here)."""
	lead = make_lead()
	lead.cp_time_zone = zone
	lead.country = country
	lead.save()
	return lead


def log(campaign: str) -> dict[str, frappe._dict]:
	rows = frappe.get_all(
		"Campaign Send Log",
		filters={"campaign": campaign},
		fields=[
			"name",
			"party",
			"status",
			"reason",
			"send_at",
			"local_send_time",
			"time_zone",
			"email_queue",
		],
	)
	return {row.party: row for row in rows}


def settings(**values):
	for field, value in values.items():
		frappe.db.set_single_value("Campaign Plus Settings", field, value)


# --- each recipient's local time ------------------------------------------------------------------


def test_paris_and_auckland_get_a_nine_oclock_step_at_their_nine_oclock():
	campaign = campaign_with([(0, "09:00", 1)])
	paris = lead_in(zone=PARIS)
	auckland = lead_in(country="New Zealand")  # the country's first zone: Pacific/Auckland
	enroll(campaign.name, [paris.name, auckland.name], dt.date(2027, 3, 1))

	with at(2027, 2, 28, 19, 45):  # 08:45 in Auckland on 1 March
		assert planner.plan_campaign(campaign.name).planned == 0
	with at(2027, 2, 28, 20, 0):  # 09:00 in Auckland (UTC+13)
		assert planner.plan_campaign(campaign.name).planned == 1
	rows = log(campaign.name)
	assert set(rows) == {auckland.name}
	assert (
		rows[auckland.name].send_at,
		rows[auckland.name].local_send_time,
		rows[auckland.name].time_zone,
	) == (
		utc(2027, 2, 28, 20),
		"2027-03-01 09:00",
		AUCKLAND,
	)
	assert rows[auckland.name].status == "Queued"
	with at(2027, 3, 1, 7, 45):  # 08:45 in Paris
		assert planner.plan_campaign(campaign.name).planned == 0
	with at(2027, 3, 1, 8, 0):  # 09:00 in Paris (UTC+1)
		assert planner.plan_campaign(campaign.name).planned == 1
		assert planner.plan_campaign(campaign.name).planned == 0  # never twice
	row = log(campaign.name)[paris.name]
	assert (row.status, row.send_at, row.local_send_time, row.time_zone) == (
		"Queued",
		utc(2027, 3, 1, 8),
		"2027-03-01 09:00",
		PARIS,
	)


@pytest.mark.parametrize(
	"zone, start, moments",
	[
		# Paris: UTC+1, then UTC+2 from Sunday 28 March 2027
		(PARIS, dt.date(2027, 3, 26), [(2027, 3, 26, 8), (2027, 3, 29, 7)]),
		# Auckland: UTC+13, then UTC+12 from Sunday 4 April 2027, and UTC+13 again from 26 September
		(AUCKLAND, dt.date(2027, 4, 2), [(2027, 4, 1, 20), (2027, 4, 4, 21)]),
		(AUCKLAND, dt.date(2027, 9, 24), [(2027, 9, 23, 21), (2027, 9, 26, 20)]),
	],
)
def test_nine_oclock_stays_nine_oclock_across_daylight_saving_changes(zone, start, moments):
	campaign = campaign_with([(0, "09:00", 1), (3, "09:00", 1)])
	lead = lead_in(zone=zone)
	enroll(campaign.name, [lead.name], start)
	for moment in moments:
		before = dt.datetime(*moment, tzinfo=UTC) - dt.timedelta(minutes=15)
		with at(*before.timetuple()[:6]):
			assert planner.plan_campaign(campaign.name).planned == 0
		with at(*moment):
			assert planner.plan_campaign(campaign.name).planned == 1
	sent = sorted(
		frappe.get_all(
			"Campaign Send Log", filters={"campaign": campaign.name}, fields=["send_at", "local_send_time"]
		),
		key=lambda row: row.send_at,
	)
	assert [row.send_at for row in sent] == [utc(*moment) for moment in moments]
	assert {row.local_send_time[-5:] for row in sent} == {"09:00"}


def test_a_recipient_without_zone_gets_the_sites_time():
	campaign = campaign_with([(0, "09:00", 1)])
	lead = lead_in()
	enroll(campaign.name, [lead.name], dt.date(2027, 3, 1))
	site = site_zone()
	nine = dt.datetime(2027, 3, 1, 9, tzinfo=__import__("zoneinfo").ZoneInfo(site)).astimezone(UTC)
	with at(*(nine - dt.timedelta(minutes=15)).timetuple()[:6]):
		assert planner.plan_campaign(campaign.name).planned == 0
	with at(*nine.timetuple()[:6]):
		assert planner.plan_campaign(campaign.name).planned == 1
	row = log(campaign.name)[lead.name]
	assert (row.time_zone, row.local_send_time, row.send_at) == (
		site,
		"2027-03-01 09:00",
		nine.replace(tzinfo=None),
	)


def test_a_send_time_in_the_sites_zone_ignores_the_recipients():
	campaign = campaign_with([(0, "09:00", 0)])
	lead = lead_in(zone=AUCKLAND)
	enroll(campaign.name, [lead.name], dt.date(2027, 3, 1))
	nine = dt.datetime(2027, 3, 1, 9, tzinfo=__import__("zoneinfo").ZoneInfo(site_zone())).astimezone(UTC)
	with at(*nine.timetuple()[:6]):
		assert planner.plan_campaign(campaign.name).planned == 1
	assert log(campaign.name)[lead.name].time_zone == AUCKLAND  # shown on the recipient's clock


def test_an_invalid_time_zone_is_refused_on_save_with_a_clear_message():
	lead = make_lead()
	lead.cp_time_zone = "Europe/Pariss"
	with pytest.raises(frappe.ValidationError) as info:
		lead.save()
	assert "Europe/Pariss</strong> is not a time zone" in str(info.value)
	frappe.local.message_log = []
	contact = frappe.get_doc({"doctype": "Contact", "first_name": "Zoé", "cp_time_zone": "Mars/Olympus"})
	with pytest.raises(frappe.ValidationError):
		contact.insert(ignore_permissions=True)
	frappe.local.message_log = []
	lead = frappe.get_doc("Lead", lead.name)
	lead.cp_time_zone = " Pacific/Auckland "
	lead.save()
	assert frappe.db.get_value("Lead", lead.name, "cp_time_zone") == AUCKLAND


def test_zones_of_contacts_and_customers_come_from_their_addresses():
	from campaign_plus.windows.zones import recipient_zones

	contact = frappe.get_doc({"doctype": "Contact", "first_name": "Zoé"}).insert(ignore_permissions=True)
	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": "Zoé",
			"address_line1": "1 Queen Street",
			"city": "Auckland",
			"country": "New Zealand",
			"is_primary_address": 1,
			"links": [{"link_doctype": "Contact", "link_name": contact.name}],
		}
	).insert(ignore_permissions=True)
	own = frappe.get_doc({"doctype": "Contact", "first_name": "Own", "cp_time_zone": PARIS}).insert(
		ignore_permissions=True
	)
	lead = lead_in(country="France")
	zones = recipient_zones([("Contact", contact.name), ("Contact", own.name), ("Lead", lead.name)])
	assert zones == {
		("Contact", contact.name): AUCKLAND,
		("Contact", own.name): PARIS,
		("Lead", lead.name): PARIS,
	}
	assert address.name


def test_places_read_with_the_recipients_are_not_read_again():
	from campaign_plus.engine.schedule import Place
	from campaign_plus.sending.recipients import load_recipients
	from campaign_plus.windows.zones import recipient_zones

	paris, nowhere, unread = lead_in(zone=PARIS), lead_in(country="New Zealand"), lead_in(zone=PARIS)
	parties = [("Lead", paris.name), ("Lead", nowhere.name), ("Lead", unread.name)]
	# the source's place is taken as it is (an invalid zone counts as none); a party without is read
	places = {
		("Lead", paris.name): Place(AUCKLAND),
		("Lead", nowhere.name): Place("Mars/Base", "New Zealand"),
		("Lead", unread.name): None,
	}
	zones = recipient_zones(parties, places)
	assert zones == {
		("Lead", paris.name): AUCKLAND,
		("Lead", nowhere.name): AUCKLAND,
		("Lead", unread.name): PARIS,
	}
	campaign = campaign_with([(0, "09:00", 1)])
	enroll(campaign.name, [paris.name, nowhere.name], dt.date(2027, 3, 1))
	recipients = {r.party: r for r in load_recipients(campaign.name)}
	assert recipients[paris.name].place == Place(PARIS)
	assert recipients[nowhere.name].place == Place(None, "New Zealand")
	assert recipients[paris.name].start_date == dt.date(2027, 3, 1)


# --- quiet hours and business days -----------------------------------------------------------------


def holiday_list(*holidays: dt.date) -> str:
	"""A Holiday List for March 2027 (Saturdays and Sundays off) as the default of the company."""
	days = [dt.date(2027, 3, 1) + dt.timedelta(days=n) for n in range(31)]
	rows = [{"holiday_date": d, "description": "Weekend", "weekly_off": 1} for d in days if d.weekday() >= 5]
	rows += [{"holiday_date": d, "description": "Holiday"} for d in holidays]
	doc = frappe.get_doc(
		{
			"doctype": "Holiday List",
			"holiday_list_name": f"_Test CP {frappe.generate_hash(length=6)}",
			"from_date": dt.date(2027, 3, 1),
			"to_date": dt.date(2027, 3, 31),
			"holidays": rows,
		}
	).insert(ignore_permissions=True)
	return doc.name


@pytest.mark.parametrize(
	"holidays, goes_out, local_time",
	[
		((), (2027, 3, 8, 7), "2027-03-08 08:00"),  # Monday 08:00 in Paris
		((dt.date(2027, 3, 8),), (2027, 3, 9, 7), "2027-03-09 08:00"),  # Monday is a holiday: Tuesday
	],
)
def test_a_friday_evening_row_in_quiet_hours_goes_out_on_the_next_business_morning(
	holidays, goes_out, local_time
):
	settings(quiet_hours_start="20:00", quiet_hours_end="08:00")
	campaign = campaign_with([(0, "21:00", 1)], cp_business_days_only=1)
	frappe.db.set_value("Company", campaign.cp_company, "default_holiday_list", holiday_list(*holidays))
	lead = lead_in(zone=PARIS)
	enroll(campaign.name, [lead.name], dt.date(2027, 3, 5))  # a Friday

	with at(2027, 3, 5, 20, 0):  # Friday 21:00 in Paris
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.deferred, result.reasons) == (0, 1, {"Quiet Hours": 1})
	row = log(campaign.name)[lead.name]
	assert (row.status, row.reason, row.send_at, row.local_send_time) == (
		"Deferred",
		"Quiet Hours",
		utc(*goes_out),
		local_time,
	)

	with at(2027, 3, 6, 10, 0):  # Saturday: still waiting, nothing recorded twice
		assert planner.plan_campaign(campaign.name).planned == 0
	before = dt.datetime(*goes_out, tzinfo=UTC) - dt.timedelta(minutes=15)
	with at(*before.timetuple()[:6]):
		assert planner.plan_campaign(campaign.name).planned == 0
	assert log(campaign.name)[lead.name].status == "Deferred"
	with at(*goes_out):
		assert planner.plan_campaign(campaign.name).planned == 1
	row = log(campaign.name)[lead.name]
	assert (row.status, row.reason, row.send_at, row.local_send_time) == (
		"Queued",
		None,
		utc(*goes_out),
		local_time,
	)
	assert frappe.db.get_value("Email Queue", row.email_queue, "status") == "Not Sent"
	assert frappe.db.count("Campaign Send Log", {"campaign": campaign.name}) == 1


def test_a_campaign_may_have_its_own_quiet_hours_or_none():
	settings(quiet_hours_start="20:00", quiet_hours_end="08:00")
	lunch = campaign_with(
		[(0, "12:30", 1)], cp_quiet_hours="Custom", cp_quiet_hours_start="12:00", cp_quiet_hours_end="14:00"
	)
	night_owl = campaign_with([(0, "22:00", 1)], cp_quiet_hours="Off")
	paris = lead_in(zone=PARIS)
	enroll(lunch.name, [paris.name], dt.date(2027, 3, 2))
	enroll(night_owl.name, [paris.name], dt.date(2027, 3, 2))
	with at(2027, 3, 2, 11, 30):  # 12:30 in Paris
		planner.plan_campaign(lunch.name)
	row = log(lunch.name)[paris.name]
	assert (row.status, row.reason, row.local_send_time) == ("Deferred", "Quiet Hours", "2027-03-02 14:00")
	with at(2027, 3, 2, 21, 0):  # 22:00 in Paris
		assert planner.plan_campaign(night_owl.name).planned == 1


def test_quiet_hours_must_be_whole_and_leave_time_to_send():
	doc = frappe.get_single("Campaign Plus Settings")
	doc.quiet_hours_start, doc.quiet_hours_end = "20:00", "20:00"
	with pytest.raises(frappe.ValidationError):
		doc.save()
	frappe.local.message_log = []
	with pytest.raises(frappe.ValidationError):
		campaign_with(
			[(0, None, 1)], cp_quiet_hours="Custom", cp_quiet_hours_start="08:00", cp_quiet_hours_end="08:00"
		)
	frappe.local.message_log = []
	doc.reload()
	doc.frequency_cap, doc.frequency_cap_days = 2, 0
	with pytest.raises(frappe.ValidationError):
		doc.save()


# --- the frequency cap across campaigns -------------------------------------------------------------


def test_three_campaigns_one_address_cap_of_two_sends_the_two_highest_priorities_and_defers_the_third():
	settings(frequency_cap=2, frequency_cap_days=7)
	high = campaign_with([(0, None, 1)], cp_priority=10)
	low = campaign_with([(0, None, 1)], cp_priority=1)
	middle = campaign_with([(0, None, 1)], cp_priority=5)
	lead = lead_in(zone=PARIS)
	for campaign in (high, low, middle):
		enroll(campaign.name, [lead.name], dt.date(2027, 3, 2))
	campaigns = [low.name, middle.name, high.name]

	with at(2027, 3, 2, 9, 0):
		results = planner.plan_campaigns(campaigns)
	assert {name: (r.planned, r.deferred) for name, r in results.items()} == {
		high.name: (1, 0),
		middle.name: (1, 0),
		low.name: (0, 1),
	}
	deferred = log(low.name)[lead.name]
	assert (deferred.status, deferred.reason) == ("Deferred", "Frequency Cap")
	# the window lets a third email through 7 days after the first two (at the next planner run)
	assert deferred.send_at == utc(2027, 3, 9, 9, 15)
	assert deferred.local_send_time == "2027-03-09 10:15"

	with at(2027, 3, 5, 9, 0):  # meanwhile: still capped, still one row
		planner.plan_campaigns(campaigns)
	with at(2027, 3, 9, 9, 0):
		planner.plan_campaigns(campaigns)
	assert log(low.name)[lead.name].status == "Deferred"
	with at(2027, 3, 9, 9, 15):  # that day, it is really sent
		results = planner.plan_campaigns(campaigns)
	assert results[low.name].planned == 1
	row = log(low.name)[lead.name]
	assert (row.status, row.send_at) == ("Queued", utc(2027, 3, 9, 9, 15))
	assert frappe.db.get_value("Email Queue", row.email_queue, "status") == "Not Sent"
	assert frappe.db.count("Campaign Send Log", {"campaign": ("in", campaigns), "party": lead.name}) == 3


def test_the_scheduler_entry_point_plans_campaigns_together():
	settings(frequency_cap=1, frequency_cap_days=7)
	first = campaign_with([(0, None, 1)], cp_priority=1)
	second = campaign_with([(0, None, 1)], cp_priority=2)
	lead = lead_in(zone=PARIS)
	for campaign in (first, second):
		enroll(campaign.name, [lead.name], dt.date(2027, 3, 2))
	with at(2027, 3, 2, 9, 0):  # the scheduler's run, over this test's campaigns only
		planner.scheduled_run([first.name, second.name])
	assert log(second.name)[lead.name].status == "Queued"
	assert (log(first.name)[lead.name].status, log(first.name)[lead.name].reason) == (
		"Deferred",
		"Frequency Cap",
	)


# --- the deferral mechanism ------------------------------------------------------------------------


def deferred_until_morning():
	"""A Paris recipient's 21:00 step on Tuesday 2 March 2027, deferred by quiet hours to 08:00."""
	settings(quiet_hours_start="20:00", quiet_hours_end="08:00")
	campaign = campaign_with([(0, "21:00", 1)])
	lead = lead_in(zone=PARIS)
	enroll(campaign.name, [lead.name], dt.date(2027, 3, 2))
	with at(2027, 3, 2, 20, 0):
		planner.plan_campaign(campaign.name)
	assert log(campaign.name)[lead.name].status == "Deferred"
	return campaign, lead


def test_a_deferred_recipient_who_unsubscribes_meanwhile_is_skipped_when_the_moment_comes():
	campaign, lead = deferred_until_morning()
	frappe.db.set_value("Lead", lead.name, "unsubscribed", 1)
	with at(2027, 3, 3, 7, 0):  # 08:00 in Paris
		planner.plan_campaign(campaign.name)
	row = log(campaign.name)[lead.name]
	assert (row.status, row.reason, row.email_queue) == ("Skipped", "Unsubscribed", None)


def test_a_deferred_row_past_the_catch_up_age_expires():
	settings(max_catch_up_days=3)
	campaign, lead = deferred_until_morning()
	with at(2027, 3, 7, 10, 0):  # the scheduler was down for days
		planner.plan_campaign(campaign.name)
	assert (log(campaign.name)[lead.name].status, log(campaign.name)[lead.name].reason) == (
		"Skipped",
		"Expired",
	)


def test_deferred_rows_of_a_closed_campaign_are_skipped():
	campaign, lead = deferred_until_morning()
	campaign.reload()
	campaign.cp_status = "Canceled"
	campaign.save()
	with at(2027, 3, 3, 7, 0):
		planner.scheduled_run([campaign.name])
	assert (log(campaign.name)[lead.name].status, log(campaign.name)[lead.name].reason) == (
		"Skipped",
		"Campaign Closed",
	)


def test_rows_deferred_until_an_event_wait_until_released():
	campaign = campaign_with([(0, None, 1)])
	lead = lead_in(zone=PARIS)
	enroll(campaign.name, [lead.name], dt.date(2027, 3, 2))
	with at(2027, 3, 2, 9, 0):
		planner.plan_campaign(campaign.name, enqueue=False)
		name = log(campaign.name)[lead.name].name
		ledger.defer([name], AWAITING_WINNER)  # e.g. an A/B test's winner is not known yet
		planner.plan_campaign(campaign.name)
	row = log(campaign.name)[lead.name]
	assert (row.status, row.reason, row.send_at) == ("Deferred", AWAITING_WINNER, None)
	with at(2027, 3, 4, 9, 0):
		assert planner.plan_campaign(campaign.name).planned == 0
		ledger.release([name])
		assert planner.plan_campaign(campaign.name).planned == 1
	row = log(campaign.name)[lead.name]
	assert (row.status, row.reason, row.send_at) == ("Queued", None, utc(2027, 3, 4, 9))


def hold_every_row(campaign, rows, preview=False):
	"""A plan rule (hook campaign_plus_plan_rules): every new row waits for an event."""
	import dataclasses

	from campaign_plus.engine.schedule import DEFERRED, PLANNED

	return [
		dataclasses.replace(row, status=DEFERRED, reason=AWAITING_WINNER, send_at=None)
		if row.status == PLANNED
		else row
		for row in rows
	]


def test_a_plan_rule_defers_new_rows_until_an_event(monkeypatch):
	campaign = campaign_with([(0, "09:00", 1)])
	lead = lead_in(zone=PARIS)
	enroll(campaign.name, [lead.name], dt.date(2027, 3, 2))
	get_hooks, get_attr = frappe.get_hooks, frappe.get_attr
	path = "campaign_plus_test.hold_every_row"

	def hooks(name=None, *args, **kwargs):
		return [path] if name == planner.PLAN_RULES_HOOK else get_hooks(name, *args, **kwargs)

	monkeypatch.setattr(frappe, "get_hooks", hooks)
	monkeypatch.setattr(frappe, "get_attr", lambda name: hold_every_row if name == path else get_attr(name))
	with at(2027, 3, 2, 7, 0):  # not yet 09:00 in Paris: nothing recorded, even for the rule
		assert planner.plan_campaign(campaign.name).deferred == 0
	with at(2027, 3, 2, 8, 0):
		result = planner.plan_campaign(campaign.name)
	assert (result.planned, result.deferred, result.reasons) == (0, 1, {AWAITING_WINNER: 1})
	row = log(campaign.name)[lead.name]
	assert (row.status, row.send_at, row.time_zone) == ("Deferred", None, PARIS)
	monkeypatch.setattr(frappe, "get_hooks", get_hooks)
	with at(2027, 3, 3, 20, 0):  # released in the evening: the quiet hours still hold it
		settings(quiet_hours_start="20:00", quiet_hours_end="08:00")
		ledger.release([row.name])
		assert planner.plan_campaign(campaign.name).planned == 0
	row = log(campaign.name)[lead.name]
	assert (row.status, row.reason, row.local_send_time) == ("Deferred", "Quiet Hours", "2027-03-04 08:00")
	with at(2027, 3, 4, 7, 0):
		assert planner.plan_campaign(campaign.name).planned == 1
	assert log(campaign.name)[lead.name].status == "Queued"


# --- the dry run ----------------------------------------------------------------------------------


def test_preview_shows_deferrals_per_day_and_local_send_times():
	settings(quiet_hours_start="20:00", quiet_hours_end="08:00")
	campaign = campaign_with([(0, "09:00", 1), (0, "21:00", 1)], cp_business_days_only=1)
	frappe.db.set_value("Company", campaign.cp_company, "default_holiday_list", holiday_list())
	paris, auckland = lead_in(zone=PARIS), lead_in(zone=AUCKLAND)
	enroll(campaign.name, [paris.name, auckland.name], dt.date(2027, 3, 5))  # a Friday
	with at(2027, 3, 3, 12, 0):
		days = api.preview_schedule(campaign.name, days=7)
	assert log(campaign.name) == {}  # nothing written
	site = __import__("zoneinfo").ZoneInfo(site_zone())

	def site_day(*moment):
		return dt.datetime(*moment, tzinfo=UTC).astimezone(site).date()

	by_key = {(d["date"], d["step"]): d for d in days}
	# step 1, 09:00 local: Auckland's Friday 09:00 is Thursday 20:00 UTC; Paris's Friday 08:00 UTC
	auckland_day, paris_day = site_day(2027, 3, 4, 20), site_day(2027, 3, 5, 8)
	assert by_key[(auckland_day, 1)]["local_times"].get("09:00 Pacific/Auckland") == 1
	assert by_key[(paris_day, 1)]["local_times"].get("09:00 Europe/Paris") == 1
	# step 2, 21:00 local on Friday: quiet hours, then the weekend; both go out on Monday at 08:00
	friday_paris = site_day(2027, 3, 5, 20)
	assert by_key[(friday_paris, 2)]["deferred"].get("Quiet Hours") >= 1
	monday = by_key[(site_day(2027, 3, 8, 7), 2)]
	assert monday["local_times"].get("08:00 Europe/Paris") == 1
	assert sum(d["to_send"] for d in days if d["step"] == 2) == 2
