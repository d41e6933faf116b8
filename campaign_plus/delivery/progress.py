# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A campaign's delivery while it runs: queued, delivered, failed, and when it will be done
under the current limits (the engine's finishing time, played from the limiter's state)."""

from frappe.utils import add_to_date, now_datetime

from campaign_plus.delivery import work
from campaign_plus.delivery.limiter import Limiter
from campaign_plus.delivery.settings import get_delivery_settings
from campaign_plus.engine import pacing

DEFAULT_SECONDS_PER_MESSAGE = 0.01  # before any job measured one
RECENT = 3600  # a finished send is still shown for an hour


def campaign_progress(campaign: str) -> dict | None:
	counts = work.counts(campaign)
	if not counts:
		return None
	account = counts.pop("account") or ""
	limits = get_delivery_settings().limits(account)
	state, now = Limiter(account, limits).state()
	if not counts["queued"] and now - counts["changed"] > RECENT:
		return None
	seconds = 0.0
	if counts["queued"]:
		per_message = state.seconds_per_message or DEFAULT_SECONDS_PER_MESSAGE
		rate = max(work.running_count(account), 1) / per_message
		ahead = max(work.pending(account), counts["queued"])  # everything queued on the account
		seconds = max(pacing.finish_time(limits, state, now, ahead, rate) - now, 0.0)
	return {
		"campaign": campaign,
		**{k: counts[k] for k in ("total", "queued", "delivered", "failed", "released")},
		"running": bool(counts["queued"]),
		"eta_seconds": round(seconds),
		"finish": str(add_to_date(now_datetime(), seconds=seconds)) if counts["queued"] else None,
		"limits": {"per_minute": limits.per_minute, "per_hour": limits.per_hour, "per_day": limits.per_day},
		"account": account,
	}
