# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Helpers that several services use (a neutral home: no service imports another's internals for them)."""
