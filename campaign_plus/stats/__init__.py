# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign entries, interactions and statistics."""
