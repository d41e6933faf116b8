# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign activities: templates assigned to sales persons become dated to-dos and events."""
