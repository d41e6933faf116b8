# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Marketing consent: records, the campaign opt-in rule, double opt-in, unsubscribes, access export."""
