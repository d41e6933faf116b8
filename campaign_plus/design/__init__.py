# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The email designer: designs made of blocks, compiled through MJML, sent as compiled."""
