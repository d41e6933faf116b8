# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign prices and line discounts as ERPNext Pricing Rules, and which campaign a sale gets.

* Each campaign price row (item, UOM, rate, minimum quantity) and each line-discount row (item
  code or item group, discount %, minimum quantity) is one Pricing Rule "applicable for" the
  campaign, valid between the campaign's dates, with a priority above general rules.
* Activation reconciles: rules are keyed by their source row, so activating again creates the
  missing ones, updates the changed ones and disables the ones whose row is gone — never a
  duplicate. Deactivation disables them all.
* An item covered by several rows of one campaign takes the most specific one: an item price
  (priority 20) over an item discount (19) over an item-group discount (18), so ERPNext never
  sees two campaign rules of the same priority for one item.
* A customer in the target group of several active campaigns on a date gets the campaign that
  started last (the most recent offer); equal starts are ordered by campaign name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from campaign_plus.engine.errors import RuleError, _

PRIORITY = 20  # ERPNext's highest: campaign prices win over general rules
ITEM_CODE = "Item Code"
ITEM_GROUP = "Item Group"


@dataclass(frozen=True)
class RuleSpec:
	"""What one generated Pricing Rule must say (key: the source row)."""

	key: str
	apply_on: str  # Item Code / Item Group
	item: str
	rate_or_discount: str  # Rate / Discount Percentage
	value: float
	min_qty: float = 0
	uom: str | None = None
	currency: str | None = None
	valid_from: dt.date | None = None
	valid_upto: dt.date | None = None


def price_rule(
	key: str, item_code: str, rate: float, min_qty=0, uom=None, currency=None, **dates
) -> RuleSpec:
	"""``dates``: valid_from / valid_upto (the campaign's dates)."""
	return RuleSpec(
		key, ITEM_CODE, item_code, "Rate", float(rate), float(min_qty or 0), uom or None, currency, **dates
	)


def discount_rule(key: str, apply_on: str, item: str, discount: float, min_qty=0, **dates) -> RuleSpec:
	return RuleSpec(key, apply_on, item, "Discount Percentage", float(discount), float(min_qty or 0), **dates)


def priority(spec: RuleSpec) -> int:
	if spec.rate_or_discount == "Rate":
		return PRIORITY
	return PRIORITY - 1 if spec.apply_on == ITEM_CODE else PRIORITY - 2


def check_rows(specs: Iterable[RuleSpec]) -> None:
	for spec in specs:
		if not spec.item:
			raise RuleError(
				_("A campaign price or discount row has no item."), title=_("Invalid Campaign Price")
			)
		if spec.apply_on not in (ITEM_CODE, ITEM_GROUP):
			raise RuleError(
				_("Discounts apply on an Item Code or an Item Group, not {0}."),
				spec.apply_on,
				title=_("Invalid Campaign Price"),
			)
		if spec.value < 0 or spec.min_qty < 0:
			raise RuleError(
				_("{0}: rates, discounts and quantities cannot be negative."),
				spec.item,
				title=_("Invalid Campaign Price"),
			)
		if spec.rate_or_discount == "Discount Percentage" and spec.value > 100:
			raise RuleError(
				_("{0}: a discount cannot exceed 100%."), spec.item, title=_("Invalid Campaign Price")
			)


def check_activation(start: dt.date | None, end: dt.date | None, specs: list[RuleSpec], targets: int) -> None:
	"""Activation needs dates (the rules' validity), at least one row and at least one target."""
	if not (start and end):
		raise RuleError(
			_("Set the campaign's start and end dates first: the prices are valid between them."),
			title=_("Dates Needed"),
		)
	if not specs:
		raise RuleError(_("Add campaign prices or line discounts first."), title=_("Nothing to Activate"))
	if targets <= 0:
		raise RuleError(
			_("No segment of this campaign has campaign-target members that are (or belong to) customers."),
			title=_("No Campaign Targets"),
		)
	check_rows(specs)


@dataclass(frozen=True)
class Reconciliation:
	create: list[RuleSpec]
	update: list[tuple[str, RuleSpec]]  # (existing rule name, desired spec)
	disable: list[str]  # existing rule names


def reconcile(
	desired: Mapping[str, RuleSpec], existing: Mapping[str, tuple[str, RuleSpec, bool]]
) -> Reconciliation:
	"""``existing``: key → (rule name, its spec, enabled)."""
	create = [spec for key, spec in desired.items() if key not in existing]
	update = [
		(existing[key][0], spec)
		for key, spec in desired.items()
		if key in existing and (existing[key][1] != spec or not existing[key][2])
	]
	disable = [name for key, (name, _spec, enabled) in existing.items() if key not in desired and enabled]
	return Reconciliation(create, update, disable)


@dataclass(frozen=True)
class ActiveCampaign:
	name: str
	start: dt.date
	end: dt.date


def choose_campaign(candidates: Iterable[ActiveCampaign], day: dt.date) -> str | None:
	"""The campaign a sale on ``day`` gets among those the customer is a target of."""
	running = [c for c in candidates if c.start <= day <= c.end]
	if not running:
		return None
	return sorted(running, key=lambda c: (-c.start.toordinal(), c.name))[0].name
