# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Inbox-ready campaign email: per-message headers (list headers, Feedback-ID, the send id and
other capabilities' headers), DKIM signing, and Check Deliverability."""
