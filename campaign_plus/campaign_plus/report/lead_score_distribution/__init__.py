# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
