# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reputation guard's judgement: are a sender's recent bounces and complaints past the line?

Mailbox providers judge a sender by its rates: Gmail junks or refuses a domain whose spam rate
passes 0.3 %; Amazon SES reviews an account at 5 % bounces or 0.1 % complaints and pauses it at
10 % or 0.5 %. The guard looks at the same rates over a campaign's (or an outgoing Email
Account's) recent sends and pauses sending *before* a provider does.

- ``sent``: messages that left with a known outcome (accepted, bounced for good, complained
  about) since the guard last started counting (the window, or the last resume);
- rates are over ``sent``, in percent: hard bounces, complaints, and refusals for the sender's
  reputation (SMTP answers such as Gmail's 4.7.28 or Outlook's 5.7.515);
- nothing is judged under ``minimum_volume`` sent messages (a handful of bounces among the first
  messages says little); a threshold of 0 switches that measure off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from campaign_plus.engine.errors import _

HARD_BOUNCES = "Hard Bounce Rate"
COMPLAINTS = "Complaint Rate"
REFUSALS = "Reputation Refusal Rate"
MEASURES = (HARD_BOUNCES, COMPLAINTS, REFUSALS)
MEASURE_LABELS = (_("Hard Bounce Rate"), _("Complaint Rate"), _("Reputation Refusal Rate"))

# Defaults (Campaign Plus Settings): Amazon SES's review line for bounces, Gmail's for spam.
DEFAULT_MINIMUM_VOLUME = 200
DEFAULT_HARD_BOUNCE_RATE = 5.0
DEFAULT_COMPLAINT_RATE = 0.3
DEFAULT_REFUSAL_RATE = 2.0
DEFAULT_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Figures:
	sent: int = 0
	hard_bounces: int = 0
	complaints: int = 0
	refusals: int = 0

	def rate(self, measure: str) -> float | None:
		"""The measure in percent of ``sent`` (None when nothing was sent)."""
		if self.sent <= 0:
			return None
		count = {HARD_BOUNCES: self.hard_bounces, COMPLAINTS: self.complaints, REFUSALS: self.refusals}
		return 100.0 * count[measure] / self.sent

	def __add__(self, other: Figures) -> Figures:
		return Figures(
			self.sent + other.sent,
			self.hard_bounces + other.hard_bounces,
			self.complaints + other.complaints,
			self.refusals + other.refusals,
		)


@dataclass(frozen=True)
class Thresholds:
	minimum_volume: int = DEFAULT_MINIMUM_VOLUME
	hard_bounce_rate: float = DEFAULT_HARD_BOUNCE_RATE  # percent; 0: not judged
	complaint_rate: float = DEFAULT_COMPLAINT_RATE
	refusal_rate: float = DEFAULT_REFUSAL_RATE

	def limit(self, measure: str) -> float:
		return {
			HARD_BOUNCES: self.hard_bounce_rate,
			COMPLAINTS: self.complaint_rate,
			REFUSALS: self.refusal_rate,
		}[measure]


@dataclass(frozen=True)
class Breach:
	measure: str
	rate: float  # percent
	threshold: float  # percent


@dataclass(frozen=True)
class Verdict:
	figures: Figures
	judged: bool  # enough volume to judge
	breaches: tuple[Breach, ...] = field(default_factory=tuple)

	@property
	def pause(self) -> bool:
		return bool(self.breaches)


def judge(figures: Figures, thresholds: Thresholds) -> Verdict:
	"""Pause when, over at least ``minimum_volume`` sent messages, a rate reaches its threshold."""
	if figures.sent <= 0 or figures.sent < max(thresholds.minimum_volume, 1):
		return Verdict(figures, judged=False)
	breaches = []
	for measure in MEASURES:
		limit = thresholds.limit(measure)
		rate = figures.rate(measure)
		if limit and limit > 0 and rate is not None and rate >= limit:
			breaches.append(Breach(measure, rate, limit))
	return Verdict(figures, judged=True, breaches=tuple(breaches))


def describe(verdict: Verdict, translate=lambda text: text) -> str:
	"""One sentence with the figures, e.g. "Hard Bounce Rate 6.2 % (threshold 5 %) over 512
	emails: 32 hard bounces, 0 complaints." (``translate``: the edge's ``_``)."""
	figures = verdict.figures
	parts = [
		translate(_("{0} {1} % (threshold {2} %)")).format(
			translate(breach.measure), _number(breach.rate), _number(breach.threshold)
		)
		for breach in verdict.breaches
	]
	counts = translate(
		_("over {0} emails: {1} hard bounces, {2} complaints, {3} reputation refusals.")
	).format(figures.sent, figures.hard_bounces, figures.complaints, figures.refusals)
	return ", ".join(parts) + " " + counts if parts else counts


def _number(value: float) -> str:
	text = f"{value:.2f}".rstrip("0").rstrip(".")
	return text or "0"


# SMTP answers that blame the sender, not the address: Gmail's 4.7.26 to 4.7.32, 5.7.26 to 5.7.32
# (unauthenticated, SPF, rate limited, DKIM, DMARC, alignment) and Outlook's 5.7.515.
REFUSAL_CODES = ("26", "27", "28", "29", "30", "31", "32", "515")
# The same, as a MariaDB regular expression over a stored SMTP answer.
REFUSAL_SQL_PATTERN = r"(^|[^0-9.])[45][.]7[.](2[6-9]|3[0-2]|515)([^0-9]|$)"
_REFUSAL = re.compile(r"(?<![\d.])[45]\.7\.(2[6-9]|3[0-2]|515)(?!\d)")


def is_reputation_refusal(text: str | None) -> bool:
	"""An SMTP answer (or DSN diagnostic) refusing the message for the sender's reputation or
	authentication rather than for the address."""
	return bool(_REFUSAL.search(text or ""))
