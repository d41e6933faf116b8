# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError
from campaign_plus.engine.schedule import (
	DUPLICATE,
	EXPIRED,
	INVALID_EMAIL,
	NO_EMAIL,
	PLANNED,
	SKIPPED,
	UNSUBSCRIBED,
	Place,
	Recipient,
	Step,
	calendar,
	check_step,
	is_valid_email,
	plan,
)

D = dt.date
TODAY = D(2026, 11, 23)


def lead(n, start=TODAY, email=None, **kw):
	return Recipient("Lead", f"LEAD-{n}", email if email is not None else f"lead{n}@example.com", start, **kw)


def test_zero_days_is_sent_on_the_start_day():
	rows = plan([Step("s0", 1, days=0)], [lead(1)], TODAY)
	assert [(r.status, r.due_date, r.send_on) for r in rows] == [(PLANNED, TODAY, TODAY)]


def test_future_step_is_not_planned_yet():
	assert plan([Step("s1", 1, days=3)], [lead(1)], TODAY) == []


def test_formula_wins_over_days():
	step = Step("s", 1, days=100, formula="CM+1D")
	assert step.due_date(D(2026, 11, 2)) == D(2026, 12, 1)


def test_weekday_formula_steps():
	# TODAY is a Monday: WD1 is the next Monday, -WD5 the Friday before, CM+WD1 next month's first Monday
	assert Step("a", 1, formula="WD1").due_date(TODAY) == D(2026, 11, 30)
	assert Step("b", 2, formula="-WD5").due_date(TODAY) == D(2026, 11, 20)
	assert Step("c", 3, formula="CM+WD1").due_date(TODAY) == D(2026, 12, 7)
	rows = plan([Step("a", 1, formula="WD3")], [lead(1, start=TODAY - dt.timedelta(days=7))], TODAY)
	assert [(r.status, r.due_date) for r in rows] == [(PLANNED, D(2026, 11, 18))]


def test_catch_up_after_missed_days_then_expiry():
	steps = [Step("a", 1, days=0), Step("b", 2, days=2), Step("c", 3, days=30)]
	rows = plan(steps, [lead(1, start=TODAY - dt.timedelta(days=7))], TODAY, max_catch_up_days=5)
	by_step = {r.step.key: r for r in rows}
	assert by_step["a"].status == SKIPPED and by_step["a"].reason == EXPIRED  # 7 days late
	assert by_step["b"].status == PLANNED and by_step["b"].send_on == TODAY  # 5 days late: caught up
	assert "c" not in by_step


def test_done_pairs_are_never_planned_again():
	steps = [Step("a", 1)]
	first = plan(steps, [lead(1), lead(2)], TODAY)
	done = {r.key for r in first}
	assert plan(steps, [lead(1), lead(2)], TODAY, done=done) == []


@pytest.mark.parametrize(
	"recipient, reason",
	[
		(lead(1, unsubscribed=True), UNSUBSCRIBED),
		(lead(2, email=""), NO_EMAIL),
		(lead(3, email="not-an-email"), INVALID_EMAIL),
		(lead(4, email="BLOCKED@example.com"), UNSUBSCRIBED),
	],
)
def test_exclusions(recipient, reason):
	rows = plan([Step("a", 1)], [recipient], TODAY, blocked_emails={"blocked@example.com"})
	assert [(r.status, r.reason) for r in rows] == [(SKIPPED, reason)]


def test_duplicate_address_in_one_run_and_across_runs():
	same = [lead(1, email="x@example.com"), Recipient("Contact", "C-1", "X@example.com ", TODAY)]
	rows = plan([Step("a", 1)], same, TODAY)
	assert sorted((r.status, r.reason) for r in rows) == [(PLANNED, None), (SKIPPED, DUPLICATE)]
	again = plan(
		[Step("a", 1)],
		[Recipient("Contact", "C-2", "x@example.com", TODAY)],
		TODAY,
		done_emails={("a", "x@example.com")},
	)
	assert again[0].reason == DUPLICATE


def test_closed_campaign_plans_nothing():
	assert plan([Step("a", 1)], [lead(1)], TODAY, closed=True) == []


def test_one_unsubscribed_recipient_does_not_stop_others():
	rows = plan([Step("a", 1)], [lead(1, unsubscribed=True), lead(2), lead(3)], TODAY)
	assert sorted(r.status for r in rows) == [PLANNED, PLANNED, SKIPPED]


def test_calendar_counts_per_day_and_step():
	steps = [Step("a", 1, days=0, label="Welcome"), Step("b", 2, days=3, label="Reminder")]
	recipients = [lead(1), lead(2, unsubscribed=True), lead(3, start=TODAY + dt.timedelta(days=1))]
	days = calendar(steps, recipients, TODAY, 7)
	summary = [(d.date, d.step.label, d.to_send, d.excluded) for d in days]
	assert summary == [
		(TODAY, "Welcome", 1, {UNSUBSCRIBED: 1}),
		(TODAY + dt.timedelta(days=1), "Welcome", 1, {}),
		(TODAY + dt.timedelta(days=3), "Reminder", 1, {UNSUBSCRIBED: 1}),
		(TODAY + dt.timedelta(days=4), "Reminder", 1, {}),
	]


def test_check_step():
	check_step("1", 0, None)
	check_step("1", None, "1W")
	with pytest.raises(RuleError) as info:
		check_step("2", None, "1X")
	assert "1X" in str(info.value)
	with pytest.raises(RuleError):
		check_step("3", -1, None)


@pytest.mark.parametrize("email", ["a@b.co", "first.last+tag@sub.example.org"])
def test_valid_emails(email):
	assert is_valid_email(email)


@pytest.mark.parametrize("email", ["", "a", "a@b", "a b@c.de", "a@b.c", "<a@b.co>", "a@@b.co"])
def test_invalid_emails(email):
	assert not is_valid_email(email)


# --- properties: exactly once, whatever the order of runs ---------------------------------------

offsets = st.lists(st.integers(0, 20), min_size=1, max_size=4)
starts = st.lists(st.integers(-15, 5), min_size=1, max_size=6)
run_days = st.lists(st.integers(0, 25), min_size=1, max_size=8).map(sorted)


@given(offsets, starts, run_days, st.none() | st.integers(0, 10))
def test_each_pair_is_recorded_exactly_once_over_any_sequence_of_runs(
	step_days, start_offsets, runs, catch_up
):
	steps = [Step(f"s{i}", i, days=d) for i, d in enumerate(step_days)]
	recipients = [lead(i, start=TODAY + dt.timedelta(days=o)) for i, o in enumerate(start_offsets)]
	ledger: dict[tuple, object] = {}
	for run in runs:
		day = TODAY + dt.timedelta(days=run)
		done = set(ledger)
		done_emails = {(k[0], r.recipient.email) for k, r in ledger.items() if r.status == PLANNED}
		for row in plan(
			steps, recipients, day, done=done, done_emails=done_emails, max_catch_up_days=catch_up
		):
			assert row.key not in ledger
			assert row.due_date <= day
			ledger[row.key] = row
	last = TODAY + dt.timedelta(days=runs[-1])
	due_pairs = {
		(s.key, r.party_type, r.party) for s in steps for r in recipients if s.due_date(r.start_date) <= last
	}
	assert set(ledger) == due_pairs
	for row in ledger.values():
		late = (row.send_on - row.due_date).days
		if row.status == PLANNED and catch_up is not None:
			assert late <= catch_up


def test_address_exclusions_skip_with_their_reason_in_order():
	recipients = [lead(1), lead(2), lead(3), lead(4, unsubscribed=True)]
	exclusions = {
		"Bounced Address": {"lead1@example.com", "lead4@example.com"},
		"No Consent": {"lead1@example.com", "lead2@example.com"},
	}
	rows = plan([Step("a", 1)], recipients, TODAY, address_exclusions=exclusions)
	reasons = {r.recipient.party: (r.status, r.reason) for r in rows}
	assert reasons == {
		"LEAD-1": (SKIPPED, "Bounced Address"),  # the first reason that names the address wins
		"LEAD-2": (SKIPPED, "No Consent"),
		"LEAD-3": (PLANNED, None),
		"LEAD-4": (SKIPPED, UNSUBSCRIBED),  # unsubscribed comes before any other exclusion
	}


@given(
	st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=15, unique=True),
	st.sets(st.integers(min_value=0, max_value=20)),
)
def test_an_excluded_address_is_never_planned(people, excluded):
	recipients = [lead(n) for n in people]
	emails = {f"LEAD{n}@Example.com".lower() for n in excluded}
	rows = plan([Step("a", 1), Step("b", 2, days=0)], recipients, TODAY, address_exclusions={"X": emails})
	for row in rows:
		excluded_row = row.recipient.email.lower() in emails
		assert (row.status == PLANNED) == (not excluded_row)
		if excluded_row:
			assert row.reason == "X"


def test_a_deferred_row_is_rechecked_when_its_moment_comes():
	from campaign_plus.engine.schedule import recheck

	due = TODAY - dt.timedelta(days=3)
	assert recheck(lead(1), "lead1@example.com", due, TODAY, max_catch_up_days=7) is None
	assert recheck(lead(1), "lead1@example.com", due, TODAY, max_catch_up_days=2) == EXPIRED
	assert recheck(lead(1, unsubscribed=True), "lead1@example.com", due, TODAY) == UNSUBSCRIBED
	assert recheck(None, "x@example.com", due, TODAY, blocked_emails={"x@example.com"}) == UNSUBSCRIBED
	assert recheck(
		None, "x@example.com", due, TODAY, address_exclusions={"Bounced Address": {"x@example.com"}}
	) == ("Bounced Address")


@given(
	status=st.sampled_from([PLANNED, SKIPPED]),
	reason=st.none() | st.text(max_size=5),
	zone=st.none() | st.sampled_from(["Europe/Paris", "Pacific/Auckland"]),
	moment=st.none() | st.datetimes(timezones=st.just(dt.timezone.utc)),
)
def test_a_changed_row_is_what_dataclasses_replace_makes(status, reason, zone, moment):
	import dataclasses

	row = plan([Step("s0", 1, days=0)], [lead(1, place=Place("Europe/Paris"))], TODAY)[0]
	values = {"status": status, "reason": reason, "time_zone": zone, "send_at": moment}
	changed = row.changed(**values)
	assert changed == dataclasses.replace(row, **values) and row.status == PLANNED
	assert changed.key == row.key and changed.recipient.place == Place("Europe/Paris")
	with pytest.raises(TypeError):
		row.changed(zone=zone)
	with pytest.raises(dataclasses.FrozenInstanceError):
		changed.status = status
