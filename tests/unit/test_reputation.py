# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reputation guard's judgement (engine.reputation)."""

from hypothesis import assume, given
from hypothesis import strategies as st

from campaign_plus.engine import pacing
from campaign_plus.engine import reputation as r

COUNTS = st.integers(min_value=0, max_value=100_000)
FIGURES = st.builds(
	lambda sent, h, c, f: r.Figures(sent, min(h, sent), min(c, sent), min(f, sent)),
	COUNTS,
	COUNTS,
	COUNTS,
	COUNTS,
)
THRESHOLDS = st.builds(
	r.Thresholds,
	st.integers(min_value=0, max_value=5000),
	st.floats(min_value=0, max_value=100),
	st.floats(min_value=0, max_value=100),
	st.floats(min_value=0, max_value=100),
)


def test_the_defaults_follow_the_reference():
	defaults = r.Thresholds()
	assert (defaults.minimum_volume, defaults.hard_bounce_rate, defaults.complaint_rate) == (200, 5.0, 0.3)
	# 10 hard bounces in 200: 5 % — pause; 9: not
	assert r.judge(r.Figures(200, 10, 0), defaults).pause
	assert not r.judge(r.Figures(200, 9, 0), defaults).pause
	# Gmail's line: 1 complaint in 300 is 0.33 %
	verdict = r.judge(r.Figures(300, 0, 1), defaults)
	assert verdict.pause and [b.measure for b in verdict.breaches] == [r.COMPLAINTS]
	# under the minimum volume nothing is judged, however bad
	verdict = r.judge(r.Figures(199, 199, 199), defaults)
	assert not verdict.judged and not verdict.pause


def test_the_description_gives_the_figures():
	verdict = r.judge(r.Figures(400, 24, 2), r.Thresholds())
	text = r.describe(verdict)
	assert "Hard Bounce Rate 6 % (threshold 5 %)" in text
	assert "Complaint Rate 0.5 % (threshold 0.3 %)" in text
	assert "over 400 emails: 24 hard bounces, 2 complaints" in text


@given(FIGURES, THRESHOLDS)
def test_never_judged_under_the_minimum_volume(figures, thresholds):
	assume(figures.sent < thresholds.minimum_volume)
	assert not r.judge(figures, thresholds).pause


@given(FIGURES, THRESHOLDS, st.sampled_from(r.MEASURES), st.integers(min_value=1, max_value=1000))
def test_more_bad_outcomes_never_lift_a_pause(figures, thresholds, measure, more):
	before = r.judge(figures, thresholds)
	field = {r.HARD_BOUNCES: "hard_bounces", r.COMPLAINTS: "complaints", r.REFUSALS: "refusals"}[measure]
	worse = r.Figures(
		**{**figures.__dict__, field: getattr(figures, field) + more, "sent": figures.sent + more}
	)
	after = r.judge(worse, thresholds)
	before_measures = {b.measure for b in before.breaches}
	if measure in before_measures:
		assert measure in {b.measure for b in after.breaches}


@given(FIGURES, THRESHOLDS)
def test_a_breach_is_a_rate_at_or_over_a_switched_on_threshold(figures, thresholds):
	verdict = r.judge(figures, thresholds)
	for breach in verdict.breaches:
		assert breach.threshold > 0 and breach.rate >= breach.threshold
		assert breach.rate == figures.rate(breach.measure)
	if verdict.judged:
		for measure in r.MEASURES:
			limit = thresholds.limit(measure)
			breached = measure in {b.measure for b in verdict.breaches}
			assert breached == bool(limit > 0 and figures.rate(measure) >= limit)


@given(FIGURES, FIGURES)
def test_figures_add_up(a, b):
	total = a + b
	assert total.sent == a.sent + b.sent and total.complaints == a.complaints + b.complaints


@given(
	st.sampled_from(sorted(pacing.REPUTATION)),
	st.sampled_from(["4", "5"]),
	st.sampled_from([421, 450, 550, 554]),
)
def test_the_guard_and_the_delivery_report_agree_on_what_a_reputation_refusal_is(detail, klass, code):
	"""The delivery report's class (the engine's pacing.classify) and the guard's reading of a
	stored answer (a DSN's diagnostic) name the same enhanced codes."""
	answer = f"{code} {klass}.{detail} refused"
	assert pacing.classify(code, answer).reputation
	assert r.is_reputation_refusal(answer)
	assert {f"7.{c}" for c in r.REFUSAL_CODES} == set(pacing.REPUTATION)


@given(st.sampled_from(["5.1.1", "5.2.2", "4.2.2", "5.7.1", "5.7.260", "5.7.5150", "15.7.26"]))
def test_other_answers_are_not_reputation_refusals(status):
	assert not r.is_reputation_refusal(f"550 {status} no")
