# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Send windows on a site: recipients' time zones, campaigns' quiet hours, business days and
priority, and the frequency cap's history — loaded set-based for the planner, which asks the
engine (:mod:`campaign_plus.engine.windows`) what to send now and what to defer."""
