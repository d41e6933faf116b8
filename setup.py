# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Shim for tools that still call setup.py; the build is described in pyproject.toml (flit_core)."""

from setuptools import setup

setup(name="campaign_plus")
