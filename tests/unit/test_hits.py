# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Buffered tracking hits: what a batch writes equals writing each hit at once, in order."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import hits, tracking

ROWS = ["row-a", "row-b", "row-c", "gone"]
AGENTS = st.sampled_from(tracking.USER_AGENT_CLASSES)
START = dt.datetime(2026, 12, 6, 10, 0, 0)


def moment(seconds: int) -> str:
	return (START + dt.timedelta(seconds=seconds, microseconds=seconds % 7)).isoformat(
		sep=" ", timespec="microseconds"
	)


ROW_HITS = st.builds(
	lambda kind, row, agent, index: hits.Hit(
		kind, ("r", row), agent, "", index if kind == tracking.CLICK else 0,
		f"https://shop.example.com/{index}" if kind == tracking.CLICK else None,
	),
	st.sampled_from(tracking.KINDS), st.sampled_from(ROWS), AGENTS, st.integers(0, 2),
)  # fmt: skip
STEP_HITS = st.builds(
	lambda kind, step, agent, index: hits.Hit(
		kind, ("s", "Campaign A", f"step-{step}", str(step)), agent, "", index if kind == tracking.CLICK else 0,
		f"https://shop.example.com/{index}" if kind == tracking.CLICK else None,
	),
	st.sampled_from(tracking.KINDS), st.integers(1, 2), AGENTS, st.integers(0, 2),
)  # fmt: skip


def timed(hit_list):
	return [
		hits.Hit(h.kind, h.subject, h.agent, moment(i * 3), h.index, h.url) for i, h in enumerate(hit_list)
	]


def one_at_a_time(hit_list, individual):
	"""The direct path, hit after hit: events, summaries (engine.tracking.record), counters, and the
	engagements told to the listeners ((row, kind) of each counting open and click)."""
	events, summaries, counters, engaged = [], {}, {}, []
	for hit in hit_list:
		if hit.subject[0] == "r":
			if hit.row not in individual:
				continue
			events.append(hit)
			summary = summaries.setdefault(hit.row, tracking.Summary())
			tracking.record(summary, hit.kind, hit.moment, hit.agent)
			if tracking.counts(hit.agent):
				engaged.append((hit.row, hit.kind))
		elif tracking.counts(hit.agent):
			key = (hit.subject[1], hit.subject[2], hit.kind, hits.link_key(hit.url))
			total, _last = counters.get(key, (0, None))
			counters[key] = (total + 1, hit.moment)
	summaries = {row: s for row, s in summaries.items() if s.opens or s.clicks}
	return events, summaries, counters, engaged


@given(st.lists(st.one_of(ROW_HITS, STEP_HITS), max_size=60))
def test_a_batch_writes_what_each_hit_at_once_would(hit_list):
	hit_list = timed(hit_list)
	individual = {"row-a", "row-b", "row-c"}
	batch = hits.plan_batch(hit_list, individual)
	events, summaries, counters, engaged = one_at_a_time(hit_list, individual)
	assert batch.events == events
	assert {
		row: (d.opens, d.first_opened_on, d.clicks, d.first_clicked_on) for row, d in batch.rows.items()
	} == {row: (s.opens, s.first_opened_on, s.clicks, s.first_clicked_on) for row, s in summaries.items()}
	assert {key: (c.hits, c.last_hit_on) for key, c in batch.counters.items()} == counters
	assert [(hit.row, hit.kind) for hit in batch.engagements] == engaged
	recorded = len(batch.events) + sum(c.hits for c in batch.counters.values())
	assert recorded + batch.ignored == len(hit_list)


@given(st.lists(st.one_of(ROW_HITS, STEP_HITS), max_size=30), st.integers(0, 30))
def test_two_batches_add_up_to_one(hit_list, cut):
	"""Hits flushed in two batches end as if flushed in one (summaries add, firsts keep the first)."""
	hit_list = timed(hit_list)
	individual = set(ROWS)
	whole = hits.plan_batch(hit_list, individual)
	first, second = hits.plan_batch(hit_list[:cut], individual), hits.plan_batch(hit_list[cut:], individual)
	for row, delta in whole.rows.items():
		a, b = first.rows.get(row, hits.RowDelta()), second.rows.get(row, hits.RowDelta())
		assert delta.opens == a.opens + b.opens and delta.clicks == a.clicks + b.clicks
		assert delta.first_opened_on == (a.first_opened_on or b.first_opened_on)
		assert delta.first_clicked_on == (a.first_clicked_on or b.first_clicked_on)
	assert first.events + second.events == whole.events
	assert first.engagements + second.engagements == whole.engagements


@given(st.one_of(ROW_HITS, STEP_HITS))
def test_a_hit_reads_back_as_written(hit):
	(hit,) = timed([hit])
	assert hits.decode(hits.encode(hit)) == hit
	assert hits.decode(hits.encode(hit).encode()) == hit


def test_anything_else_reads_as_nothing():
	good = hits.encode(hits.Hit("Open", ("r", "row-a"), "Desktop", moment(0)))
	for text in [
		"",
		"null",
		"[]",
		"{}",
		"not json",
		good.replace('"Open"', '"Kiss"'),
		good.replace('"Desktop"', '"Robot"'),
		good.replace("[1,", "[2,"),
		good.replace('["r","row-a"]', '["x","row-a"]'),
		good.replace('["r","row-a"]', '["r","row-a","more"]'),
		good.replace('["r","row-a"]', '["r",7]'),
		good.replace("null]", '"https://x.example.com"]'),  # an open carries no URL
		hits.encode(hits.Hit("Click", ("r", "row-a"), "Desktop", moment(0), 1, None)),
		hits.encode(hits.Hit("Click", ("r", "row-a"), "Desktop", moment(0), -1, "https://x.example.com")),
		hits.encode(hits.Hit("Open", ("r", "row-a"), "Desktop", "yesterday")),
	]:
		assert hits.decode(text) is None, text


def test_hits_from_token_fields():
	now = moment(0)
	assert hits.make_hit("Open", ("r", "row-a"), "Mobile", now) == hits.Hit(
		"Open", ("r", "row-a"), "Mobile", now
	)
	step = ("s", "Campaign A", "step-1", "1")
	assert hits.make_hit("Open", step, "Other", now).subject == step
	click = hits.make_hit("Click", ("r", "row-a", "set", "2"), "Desktop", now, "https://x.example.com")
	assert (click.subject, click.index, click.url) == (("r", "row-a"), 2, "https://x.example.com")
	assert (
		hits.make_hit("Click", (*step, "set", "0"), "Desktop", now, "https://x.example.com").subject == step
	)
	for kind, fields, url in [
		("Open", ("r",), None),
		("Open", ("r", "a", "b"), None),
		("Open", ("s", "a"), None),
		("Open", ("x", "a"), None),
		("Click", ("r", "row-a", "set", "2"), None),
		("Click", ("r", "row-a", "set", "-1"), "https://x.example.com"),
		("Click", ("s", "c", "set", "0"), "https://x.example.com"),
		("Kiss", ("r", "row-a"), None),
	]:
		assert hits.make_hit(kind, fields, "Desktop", now, url) is None, (kind, fields)
