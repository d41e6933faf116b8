# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Webhook requests signed as the email services sign them, with keys the caller made (tests and
benchmarks): SendGrid's signed Event Webhook (ECDSA P-256 over timestamp + body)."""

import base64
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def sendgrid_key() -> ec.EllipticCurvePrivateKey:
	"""A new verification key pair, as SendGrid makes one (the public half goes in the settings)."""
	return ec.generate_private_key(ec.SECP256R1())


def sendgrid_headers(key: ec.EllipticCurvePrivateKey, body: bytes, timestamp: str | None = None) -> dict:
	"""The signature headers SendGrid sends with ``body``."""
	timestamp = timestamp or str(int(time.time()))
	signature = key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
	return {
		"X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
		"X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
	}
