# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A/B tests of a campaign step: who gets which variant, who waits, and which variant won.

A step under test has 2 to 4 variants (A, B, C, D), a test share and a winning criterion. The
recipients first planned for the step are ordered by a hash of (campaign, step, address) — a
stable, unguessable order — and the first ``round(share * n)`` of them are dealt the variants in
turn (so 1,000 recipients at 20 % give exactly 100 + 100); the others wait for the winner. What
the planner decides is recorded in the ledger, so a re-run never moves anyone.

After the wait, the variant with the best figure for the criterion wins (ties keep the earliest
variant and say so); the decision carries each variant's figures and, for the best against the
runner-up, a two-sided p-value: a two-proportion z-test for opens, clicks and replies, a Welch
z-test on the mean revenue per recipient for revenue. Significance is reported honestly: "not
significant" below the confidence level, "too few recipients" when the test cannot say.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from campaign_plus.engine.errors import RuleError, _

UNIQUE_OPENS = "Unique Opens"
UNIQUE_CLICKS = "Unique Clicks"
REPLIES = "Replies"
REVENUE = "Revenue"
CRITERIA = (UNIQUE_OPENS, UNIQUE_CLICKS, REPLIES, REVENUE)
CRITERION_LABELS = (_("Unique Opens"), _("Unique Clicks"), _("Replies"), _("Revenue"))

MIN_VARIANTS, MAX_VARIANTS = 2, 4
LETTERS = "ABCD"
SIGNIFICANCE = 0.05
# Below this many recipients in a variant, a normal approximation says nothing useful.
MIN_SAMPLE = 5


def letter(index: int) -> str:
	return LETTERS[index]


def check_test(
	variant_templates: Sequence[str | None], share: float, wait_days: float, criterion: str
) -> None:
	"""Validate an A/B test as a user typed it."""
	templates = [t for t in variant_templates if t]
	if not MIN_VARIANTS <= len(variant_templates) <= MAX_VARIANTS:
		raise RuleError(
			_("An A/B test has 2 to 4 variants, not {0}."), len(variant_templates), title=_("A/B Test")
		)
	if len(templates) != len(variant_templates):
		raise RuleError(_("Every variant needs an Email Template."), title=_("A/B Test"))
	if len(set(templates)) != len(templates):
		raise RuleError(_("Two variants use the same Email Template."), title=_("A/B Test"))
	if not 0 < share <= 100:
		raise RuleError(
			_("The test share must be above 0 % and at most 100 %, not {0} %."), share, title=_("A/B Test")
		)
	if wait_days is None or wait_days < 0:
		raise RuleError(_("The wait before choosing the winner cannot be negative."), title=_("A/B Test"))
	if criterion not in CRITERIA:
		raise RuleError(_("Unknown winning criterion {0}."), criterion, title=_("A/B Test"))


def bucket(campaign: str, step_key: str, email: str) -> int:
	"""A stable 64-bit number for (campaign, step, address): the order recipients are dealt in."""
	digest = hashlib.sha256(f"{campaign}\x00{step_key}\x00{email.strip().lower()}".encode()).digest()
	return int.from_bytes(digest[:8], "big")


def share_size(count: int, share_percent: float, variants: int = 1) -> int:
	"""How many of ``count`` recipients get a variant: the share (rounded half up), but at least one
	per variant while there are recipients — so a test always has recipients to judge."""
	return min(count, max(math.floor(count * share_percent / 100 + 0.5), variants))


def split(
	campaign: str,
	step_key: str,
	emails: Iterable[str],
	share_percent: float,
	variants: int,
	*,
	seen_before: int = 0,
	dealt_before: int = 0,
) -> dict[str, int | None]:
	"""Each address → its variant index (0 = A), or None when it waits for the winner.

	Addresses are normalised; duplicates count once. ``seen_before`` / ``dealt_before``: how many
	of the step's recipients earlier runs recorded, and how many of them got a variant — so that
	recipients arriving a few at a time still end up with the share, and the variants stay even.
	The same input always gives the same answer, whatever order the addresses come in.
	"""
	unique = sorted({e.strip().lower() for e in emails if e and e.strip()})
	ordered = sorted(unique, key=lambda e: (bucket(campaign, step_key, e), e))
	target = share_size(seen_before + len(ordered), share_percent, variants)
	size = max(0, min(len(ordered), target - dealt_before))
	return {
		email: ((dealt_before + rank) % variants if rank < size else None)
		for rank, email in enumerate(ordered)
	}


# --- results and the winner ----------------------------------------------------------------------


@dataclass(frozen=True)
class VariantFigures:
	"""What one variant's test recipients did (``values``: revenue per recipient, for revenue)."""

	index: int
	recipients: int
	opens: int = 0
	clicks: int = 0
	replies: int = 0
	revenue: float = 0.0
	revenue_values: tuple[float, ...] = field(default=(), compare=False, repr=False)

	def score(self, criterion: str) -> float:
		if criterion == REVENUE:
			return self.revenue
		return {UNIQUE_OPENS: self.opens, UNIQUE_CLICKS: self.clicks, REPLIES: self.replies}[criterion]

	def rate(self, criterion: str) -> float | None:
		"""Successes per recipient (revenue per recipient for revenue); None without recipients."""
		return None if not self.recipients else self.score(criterion) / self.recipients


def _normal_two_sided(z: float) -> float:
	return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_p_value(s1: int, n1: int, s2: int, n2: int) -> float | None:
	"""Two-sided p-value of a pooled two-proportion z-test; None when it cannot be computed."""
	if n1 < MIN_SAMPLE or n2 < MIN_SAMPLE:
		return None
	pooled = (s1 + s2) / (n1 + n2)
	variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
	if variance <= 0:
		return 1.0  # both all-or-nothing alike: no difference to see
	return _normal_two_sided((s1 / n1 - s2 / n2) / math.sqrt(variance))


def _mean_variance(values: Sequence[float], n: int) -> tuple[float, float]:
	"""Mean and sample variance over ``n`` recipients, ``values`` being the non-zero ones."""
	total = sum(values)
	mean = total / n
	squares = sum((v - mean) ** 2 for v in values) + (n - len(values)) * mean**2
	return mean, squares / (n - 1)


def welch_p_value(a: VariantFigures, b: VariantFigures) -> float | None:
	"""Two-sided p-value for a difference in mean revenue per recipient (Welch, normal approximation)."""
	if a.recipients < MIN_SAMPLE or b.recipients < MIN_SAMPLE:
		return None
	mean_a, var_a = _mean_variance(a.revenue_values, a.recipients)
	mean_b, var_b = _mean_variance(b.revenue_values, b.recipients)
	error = math.sqrt(var_a / a.recipients + var_b / b.recipients)
	if error == 0:
		return 1.0 if mean_a == mean_b else 0.0
	return _normal_two_sided((mean_a - mean_b) / error)


@dataclass(frozen=True)
class Decision:
	winner: int | None  # None: no recipient in the test yet
	criterion: str
	p_value: float | None
	significant: bool
	tie: bool
	reason: str  # a message with {0}… placeholders (translated by the edge), see ``reason_args``
	reason_args: tuple = ()


def p_value(best: VariantFigures, other: VariantFigures, criterion: str) -> float | None:
	if criterion == REVENUE:
		return welch_p_value(best, other)
	return two_proportion_p_value(
		best.score(criterion), best.recipients, other.score(criterion), other.recipients
	)


def decide(figures: Sequence[VariantFigures], criterion: str) -> Decision:
	"""The winning variant for ``criterion``: the best rate per recipient; ties keep the earliest."""
	tested = [f for f in figures if f.recipients]
	if not tested:
		return Decision(None, criterion, None, False, False, _("No recipient has received a variant yet."))
	ranked = sorted(tested, key=lambda f: (-(f.rate(criterion) or 0), f.index))
	best = ranked[0]
	runner_up = ranked[1] if len(ranked) > 1 else None
	tie = runner_up is not None and (runner_up.rate(criterion) or 0) == (best.rate(criterion) or 0)
	value = p_value(best, runner_up, criterion) if runner_up else None
	significant = value is not None and value < SIGNIFICANCE and not tie
	if tie:
		reason = _("Variants {0} and {1} are tied on {2}: variant {0} is kept.")
		args = (letter(best.index), letter(runner_up.index), criterion)
	elif value is None:
		reason = _("Variant {0} has the best {1}; too few recipients to tell whether it is significant.")
		args = (letter(best.index), criterion)
	elif significant:
		reason = _("Variant {0} has the best {1} (p = {2}, significant).")
		args = (letter(best.index), criterion, f"{value:.3f}")
	else:
		reason = _("Variant {0} has the best {1}, but the difference is not significant (p = {2}).")
		args = (letter(best.index), criterion, f"{value:.3f}")
	return Decision(best.index, criterion, value, significant, tie, reason, args)


def by_hand(figures: Sequence[VariantFigures], criterion: str, index: int, who: str) -> Decision:
	"""A winner chosen by a user: recorded as such, with the p-value of the chosen variant against
	the best of the others (for the record; the user's choice stands)."""
	chosen = next(f for f in figures if f.index == index)
	others = [f for f in figures if f.index != index and f.recipients]
	best_other = min(others, key=lambda f: (-(f.rate(criterion) or 0), f.index), default=None)
	value = p_value(chosen, best_other, criterion) if best_other and chosen.recipients else None
	return Decision(
		index, criterion, value, False, False, _("Variant {0} chosen by {1}."), (letter(index), who)
	)
