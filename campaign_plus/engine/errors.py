# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Errors raised by the engine, carrying an untranslated message the Frappe edge translates."""

from __future__ import annotations


def _(message: str) -> str:
	"""Mark a message for translation without translating it here.

	The engine must not import frappe; Frappe's extractor still collects every ``_("...")``
	call into ``locale/main.pot``, and the edge translates the message when it raises.
	"""
	return message


class RuleError(ValueError):
	"""A broken business rule: ``message`` has ``{0}``-style placeholders filled by ``args``."""

	def __init__(self, message: str, *args: object, title: str | None = None) -> None:
		super().__init__(message.format(*args))
		self.message = message
		self.args_ = args
		self.title = title

	def __str__(self) -> str:
		return self.message.format(*self.args_)
