# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Signed tokens under this site's secret (the engine's :mod:`campaign_plus.engine.tokens`).

Each capability names its own purpose ("open", "click", "consent", …): a token made for one
never verifies for another, nor on another site.
"""

import time
from collections.abc import Callable

from frappe.utils.password import get_encryption_key

from campaign_plus.engine import tokens


def _secret(purpose: str) -> bytes:
	return tokens.derive_secret(get_encryption_key(), purpose)


def make_token(purpose: str, *fields: str, valid_for_seconds: int | None = None) -> str:
	"""A token carrying ``fields`` for ``purpose``, expiring after ``valid_for_seconds`` (None: never)."""
	expires = int(time.time()) + valid_for_seconds if valid_for_seconds else None
	return tokens.make(_secret(purpose), purpose, fields, expires)


def read_token(purpose: str, token: object) -> tuple[str, ...] | None:
	"""The fields of a good, unexpired token for ``purpose``; None for anything else."""
	return tokens.verify(_secret(purpose), purpose, token, now=time.time())


def signer(purpose: str, valid_for_seconds: int | None = None) -> Callable[..., str]:
	"""``make_token`` for many tokens of one purpose (the secret is derived once): for send batches.
	``valid_for_seconds``: each token expires that long after this call (None: never)."""
	secret = _secret(purpose)
	expires = int(time.time()) + valid_for_seconds if valid_for_seconds else None
	return lambda *fields: tokens.make(secret, purpose, fields, expires)
