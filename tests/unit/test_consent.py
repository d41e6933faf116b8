# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import consent
from campaign_plus.engine.consent import (
	ALL_RECIPIENTS,
	ALREADY_GRANTED,
	GRANTED,
	INVALID_EMAIL,
	NOT_REQUIRED,
	OBJECTED,
	PENDING,
	PRIVATE,
	PRIVATE_PERSONS,
	PROFESSIONAL,
	RECENTLY_REQUESTED,
	REFUSED,
	UNKNOWN,
	WITHDRAWN,
	ConsentRecord,
)

T0 = dt.datetime(2027, 3, 1, 9, 0)
DAY = dt.timedelta(days=1)

addresses = st.sampled_from(["a@example.com", "B@Example.com", "c@example.org"])
records = st.builds(
	ConsentRecord,
	email=addresses,
	status=st.sampled_from(consent.STATUSES),
	on=st.integers(0, 5).map(lambda n: T0 + n * DAY),  # few instants: ties are frequent
	name=st.text(alphabet="abcdef0123456789", min_size=1, max_size=4),
)
histories = st.lists(records, max_size=12)


def at(day: int, status: str, name: str = "", email: str = "a@example.com") -> ConsentRecord:
	return ConsentRecord(email, status, T0 + day * DAY, name or f"r{day}{status[:2]}")


@given(histories, st.randoms())
def test_current_does_not_depend_on_the_order_rows_come_in(history, random):
	shuffled = list(history)
	random.shuffle(shuffled)
	assert consent.current_by_address(history) == consent.current_by_address(shuffled)


@given(histories)
def test_current_is_one_of_the_records_of_that_address(history):
	for email, state in consent.current_by_address(history).items():
		assert state in history and consent.normalize_email(state.email) == email


@given(histories, st.sampled_from([GRANTED, REFUSED, WITHDRAWN]))
def test_a_later_decision_always_wins(history, status):
	later = ConsentRecord("a@example.com", status, T0 + 30 * DAY, "zz")
	assert consent.current([r for r in history if r.email == "a@example.com"] + [later]) == later


@given(histories)
def test_a_later_refusal_or_withdrawal_means_not_granted(history):
	for status in (REFUSED, WITHDRAWN):
		later = ConsentRecord("a@example.com", status, T0 + 30 * DAY, "zz")
		assert "a@example.com" not in consent.granted_addresses([*history, later])


@given(histories)
def test_a_confirmation_request_never_takes_a_grant_away(history):
	granted_before = consent.granted_addresses(history)
	requests = [ConsentRecord(email, PENDING, T0 + 30 * DAY, "zz") for email in granted_before]
	assert consent.granted_addresses([*history, *requests]) == granted_before


def test_latest_record_wins():
	assert consent.current([at(0, GRANTED), at(2, WITHDRAWN)]).status == WITHDRAWN
	assert consent.current([at(0, WITHDRAWN), at(2, GRANTED)]).status == GRANTED
	assert consent.current([at(0, REFUSED), at(1, PENDING)]).status == PENDING
	assert consent.current([at(0, GRANTED), at(1, PENDING)]).status == GRANTED
	assert consent.current([]) is None


def test_same_instant_the_most_protective_status_wins_whatever_the_names():
	for names in (("a", "b"), ("b", "a")):
		grant, withdraw = at(1, GRANTED, names[0]), at(1, WITHDRAWN, names[1])
		assert consent.current([grant, withdraw]).status == WITHDRAWN
		assert consent.current([withdraw, grant]).status == WITHDRAWN


def test_addresses_are_compared_normalised():
	history = [
		ConsentRecord(" A@Example.com ", GRANTED, T0, "1"),
		ConsentRecord("a@example.com", WITHDRAWN, T0 + DAY, "2"),
	]
	assert consent.granted_addresses(history) == set()
	assert set(consent.current_by_address(history)) == {"a@example.com"}


def test_rules():
	assert consent.requires_consent(ALL_RECIPIENTS, PROFESSIONAL)
	assert not consent.requires_consent(NOT_REQUIRED, PRIVATE)
	assert consent.requires_consent(PRIVATE_PERSONS, PRIVATE)
	assert consent.requires_consent(PRIVATE_PERSONS, UNKNOWN)  # in doubt, ask
	assert not consent.requires_consent(PRIVATE_PERSONS, PROFESSIONAL)
	assert consent.requires_consent(None, PRIVATE)  # the default rule: private persons
	assert consent.classify(None) == UNKNOWN
	assert consent.classify(True) == PROFESSIONAL and consent.classify(False) == PRIVATE


kinds = st.sampled_from([PRIVATE, PROFESSIONAL, UNKNOWN])
recipients = st.lists(st.tuples(st.one_of(st.none(), addresses), kinds), max_size=10)


@given(recipients, st.sets(st.sampled_from(["a@example.com", "b@example.com", "c@example.org"])))
def test_without_consent(recipients, granted):
	everyone = consent.without_consent(ALL_RECIPIENTS, recipients, granted)
	private = consent.without_consent(PRIVATE_PERSONS, recipients, granted)
	assert consent.without_consent(NOT_REQUIRED, recipients, granted) == set()
	assert private <= everyone
	assert not everyone & granted
	assert everyone == {consent.normalize_email(e) for e, _k in recipients if e} - granted
	# a professional alone at its address is never excluded under the private-persons rule
	alone = {
		consent.normalize_email(e)
		for e, k in recipients
		if e and all(k2 == PROFESSIONAL for e2, k2 in recipients if e2 and e2.lower() == e.lower())
	}
	assert not private & alone
	# granting more never excludes more
	assert consent.without_consent(ALL_RECIPIENTS, recipients, granted | {"a@example.com"}) <= everyone


def test_confirmation_requests():
	week = 7 * DAY
	kwargs = {"now": T0 + 10 * DAY, "interval": DAY}

	def reason(state, last=None, person=False, email="a@example.com"):
		return consent.request_skip_reason(email, state, last, asked_by_the_person=person, **kwargs)

	assert reason(None) is None
	assert reason(at(1, GRANTED)) == ALREADY_GRANTED
	assert reason(at(1, GRANTED), person=True) == ALREADY_GRANTED
	assert reason(at(1, WITHDRAWN)) == OBJECTED  # a marketer does not ask again
	assert reason(at(1, WITHDRAWN), person=True) is None  # the person asks again themselves
	assert reason(at(9, PENDING), last=T0 + 10 * DAY - dt.timedelta(hours=2)) == RECENTLY_REQUESTED
	assert reason(at(1, PENDING), last=T0 + 10 * DAY - week) is None
	assert reason(None, email="not an address") == INVALID_EMAIL


@given(histories, st.lists(addresses, max_size=6), st.booleans())
def test_plan_requests(history, emails, person):
	now = T0 + 5 * DAY + dt.timedelta(hours=1)
	send, skipped = consent.plan_requests(emails, history, now, DAY, asked_by_the_person=person)
	states = consent.current_by_address(history)
	last = consent.last_requests(history)
	assert len(send) == len(set(send))  # one email per address
	assert not set(send) & set(skipped)
	assert set(send) | set(skipped) == {consent.normalize_email(e) for e in emails}
	for email in send:
		assert not consent.is_granted(states.get(email))
		assert email not in last or now - last[email] >= DAY
	blocked_send, blocked = consent.plan_requests(
		emails, history, now, DAY, asked_by_the_person=person, blocked=frozenset(send)
	)
	assert blocked_send == [] and all(blocked[e] == OBJECTED for e in send)


def test_needs_withdrawal():
	assert consent.needs_withdrawal(None)
	assert consent.needs_withdrawal(at(1, GRANTED))
	assert consent.needs_withdrawal(at(1, PENDING))
	assert not consent.needs_withdrawal(at(1, WITHDRAWN))
	assert not consent.needs_withdrawal(at(1, REFUSED))
