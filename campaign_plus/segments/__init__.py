# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign segments: criteria, set-based actions with history, targets, recipients."""
