# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Unsubscribing from campaign email: the one-click endpoint, the unsubscribe page, the mailto."""
