# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Run each doctype's own test module (what `bench run-tests --app campaign_plus` runs) here too."""

from campaign_plus.campaign_plus.doctype.campaign_status.test_campaign_status import *
