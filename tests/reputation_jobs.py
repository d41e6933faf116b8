# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reputation tests' own functions, run on the site in a process of their own
(``tests/site_call.py``, through ``Bench.call``): Resume Sending, as the desk's button does it."""

import frappe


def resume(campaign: str, user: str = "Administrator") -> int:
	from campaign_plus.reputation.guard import resume_campaign

	frappe.set_user(user)
	released = resume_campaign(campaign, user)
	frappe.db.commit()
	return released
