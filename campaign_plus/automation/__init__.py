# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Steps that react to what each recipient did, and rules that act on events."""
