# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Date rules of the campaign card."""

from __future__ import annotations

import datetime as dt

from campaign_plus.engine.errors import RuleError, _


def check_date_range(start: dt.date | None, end: dt.date | None) -> None:
	"""A campaign's end date may not be before its start date (either may be empty)."""
	if start and end and end < start:
		raise RuleError(
			_("The end date {0} is before the start date {1}."),
			end.isoformat(),
			start.isoformat(),
			title=_("Invalid Campaign Dates"),
		)


def is_running_on(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
	"""True when ``day`` lies inside the campaign's dates; an empty bound is open."""
	return (start is None or start <= day) and (end is None or day <= end)
