# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""A/B tests of campaign email steps: the split, the winner, the results."""
