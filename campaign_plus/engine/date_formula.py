# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Business Central date formulas: ``10D``, ``1W``, ``2M``, ``1Q``, ``1Y``, ``CM``, ``CM+1D``, ``-1W+2D``, ``WD1``.

A formula is a chain of terms read left to right, each applied to the result of the previous:

* ``[sign]<number><unit>`` moves by that many units: ``D`` day, ``W`` week (7 days), ``M`` month,
  ``Q`` quarter (3 months), ``Y`` year (12 months). Months keep the day of the month, clipped
  to the target month's last day (31 January + ``1M`` = 28 or 29 February).
* ``[sign]C<unit>`` goes to the end of the current period (``CW`` Sunday of the ISO week, ``CM``
  last day of the month, ``CQ`` of the quarter, ``CY`` 31 December, ``CD`` the day itself), or,
  negated, to its start (``-CW`` Monday, ``-CM`` the 1st, ``-CQ``, ``-CY`` 1 January).
* ``[sign]WD<n>`` goes to the next weekday *n* (Monday = 1 … Sunday = 7), or, negated, to the
  previous one. As in Business Central, "next" and "previous" never mean the day itself: its
  documentation's example takes ``-WD2`` from Tuesday 21 May 1996 to Tuesday 14 May 1996, so
  ``WD1`` from a Monday is the Monday after (1 to 7 days later, ``-WDn`` 1 to 7 days earlier).
  ``CM+WD1`` is the first Monday of the next month; ``-CM-1D+WD1`` the first of this month.
* The first term may omit its sign (it is then ``+``); every other term needs ``+`` or ``-``.
  Letters may be lower case; spaces are ignored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from campaign_plus.engine.errors import RuleError, _

UNITS = "DWMQY"
WEEKDAY = "WD"  # the unit of a weekday term: WD1 (Monday) … WD7 (Sunday)
MAX_NUMBER = 9999
_TERM = re.compile(r"([+-]?)(?:(C)([DWMQY])|(WD)(\d+)|(\d+)([DWMQY]))")


@dataclass(frozen=True)
class Term:
	sign: int  # +1 or -1
	unit: str  # one of UNITS, or WEEKDAY
	number: int | None = None  # None for a current-period term; the weekday (1-7) for WEEKDAY

	@property
	def current(self) -> bool:
		return self.number is None

	@property
	def weekday(self) -> bool:
		return self.unit == WEEKDAY

	def __str__(self) -> str:
		sign = "-" if self.sign < 0 else "+"
		if self.weekday:
			return f"{sign}WD{self.number}"
		return f"{sign}C{self.unit}" if self.current else f"{sign}{self.number}{self.unit}"


def normalize(formula: str) -> str:
	return re.sub(r"\s+", "", formula or "").upper()


def _bad_token(text: str, position: int) -> str:
	"""The piece of ``text`` from ``position`` up to the next sign, for the error message."""
	end = position + 1
	while end < len(text) and text[end] in "+-" and text[end - 1] in "+-":
		end += 1
	while end < len(text) and text[end] not in "+-":
		end += 1
	return text[position:end]


def parse(formula: str) -> tuple[Term, ...]:
	"""Parse a formula into terms; raise :class:`RuleError` naming the first bad token."""
	text = normalize(formula)
	if not text:
		raise RuleError(_("The date formula is empty."), title=_("Invalid Date Formula"))
	terms: list[Term] = []
	position = 0
	while position < len(text):
		match = _TERM.match(text, position)
		if not match or (terms and not match.group(1)):
			raise RuleError(
				_("Invalid date formula {0}: {1} is not a term like 10D, 1W, 2M, 1Q, 1Y, CM, -CW or WD1."),
				formula,
				_bad_token(text, position),
				title=_("Invalid Date Formula"),
			)
		sign = -1 if match.group(1) == "-" else 1
		if match.group(2):
			terms.append(Term(sign, match.group(3)))
		elif match.group(4):
			weekday = int(match.group(5))
			if not 1 <= weekday <= 7:
				raise RuleError(
					_("Invalid date formula {0}: {1} is not a weekday, from WD1 (Monday) to WD7 (Sunday)."),
					formula,
					match.group(0),
					title=_("Invalid Date Formula"),
				)
			terms.append(Term(sign, WEEKDAY, weekday))
		else:
			number = int(match.group(6))
			if number > MAX_NUMBER:
				raise RuleError(
					_("Invalid date formula {0}: {1} is too large."),
					formula,
					match.group(0),
					title=_("Invalid Date Formula"),
				)
			terms.append(Term(sign, match.group(7), number))
		position = match.end()
	return tuple(terms)


def format_terms(terms: tuple[Term, ...]) -> str:
	text = "".join(str(term) for term in terms)
	return text[1:] if text.startswith("+") else text


def add_months(day: dt.date, months: int) -> dt.date:
	index = day.year * 12 + (day.month - 1) + months
	year, month = divmod(index, 12)
	if not 1 <= year <= 9999:
		raise OverflowError("date out of range")
	last = calendar.monthrange(year, month + 1)[1]
	return dt.date(year, month + 1, min(day.day, last))


def _period_bounds(day: dt.date, unit: str) -> tuple[dt.date, dt.date]:
	if unit == "D":
		return day, day
	if unit == "W":
		start = day - dt.timedelta(days=day.weekday())
		return start, start + dt.timedelta(days=6)
	if unit == "M":
		return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
	if unit == "Q":
		first_month = 3 * ((day.month - 1) // 3) + 1
		start = dt.date(day.year, first_month, 1)
		return start, add_months(start, 3) - dt.timedelta(days=1)
	return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def next_weekday(day: dt.date, weekday: int, sign: int = 1) -> dt.date:
	"""The next (``sign`` +1) or previous (-1) ``weekday`` (Monday = 1), never ``day`` itself."""
	if sign > 0:
		return day + dt.timedelta(days=(weekday - day.isoweekday()) % 7 or 7)
	return day - dt.timedelta(days=(day.isoweekday() - weekday) % 7 or 7)


def apply_term(day: dt.date, term: Term) -> dt.date:
	if term.weekday:
		return next_weekday(day, term.number, term.sign)
	if term.current:
		start, end = _period_bounds(day, term.unit)
		return end if term.sign > 0 else start
	amount = term.sign * term.number
	if term.unit == "D":
		return day + dt.timedelta(days=amount)
	if term.unit == "W":
		return day + dt.timedelta(weeks=amount)
	months = {"M": 1, "Q": 3, "Y": 12}[term.unit]
	return add_months(day, months * amount)


def evaluate(formula: str | tuple[Term, ...], start: dt.date) -> dt.date:
	"""The date ``formula`` gives from ``start``."""
	terms = parse(formula) if isinstance(formula, str) else formula
	day = start
	try:
		for term in terms:
			day = apply_term(day, term)
	except OverflowError:
		raise RuleError(
			_("The date formula {0} goes beyond the calendar from {1}."),
			format_terms(terms),
			start.isoformat(),
			title=_("Invalid Date Formula"),
		)
	return day
