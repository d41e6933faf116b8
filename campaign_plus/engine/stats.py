# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign statistics from aggregate figures (the database sums and counts; this divides).

Cost is the sum of the campaign's non-canceled entries and interactions and of its done activity
tasks. Response rate is responded / contacted; cost and duration per response divide by the
responded parties; ROI is (revenue - cost) / cost; budget used is cost / budget. A ratio with a
zero denominator is None (shown empty), never a division error.
"""

from __future__ import annotations

from dataclasses import dataclass


def ratio(numerator: float, denominator: float, scale: float = 1) -> float | None:
	return None if not denominator else round(numerator / denominator * scale, 4)


@dataclass(frozen=True)
class Figures:
	contacted: int = 0
	responded: int = 0
	cost: float = 0
	duration: float = 0
	leads: int = 0
	opportunities: int = 0
	opportunity_value: float = 0
	quotations: int = 0
	sales_orders: int = 0
	sales_invoices: int = 0
	revenue: float = 0
	budget: float = 0


@dataclass(frozen=True)
class Statistics:
	figures: Figures
	response_rate: float | None
	cost_per_response: float | None
	duration_per_response: float | None
	roi: float | None
	budget_used: float | None


def compute(figures: Figures) -> Statistics:
	return Statistics(
		figures,
		response_rate=ratio(figures.responded, figures.contacted, 100),
		cost_per_response=ratio(figures.cost, figures.responded),
		duration_per_response=ratio(figures.duration, figures.responded),
		roi=ratio(figures.revenue - figures.cost, figures.cost, 100),
		budget_used=ratio(figures.cost, figures.budget, 100),
	)
