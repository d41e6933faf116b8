# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Benchmark: email service events posted to the webhook endpoint through Frappe's real WSGI
application, in batches, as SendGrid posts them (signed, ECDSA).

    benchmarks/run webhooks --events 10000 --batch 1000

10,000 sent Send Log rows; as many events (70 % delivered, 15 % soft bounces, 10 % hard bounces,
4 % complaints, 1 % unsubscribes, each naming its row by the metadata the provider echoes), posted
in batches of ``--batch`` (werkzeug's test client on ``frappe.app.application``, the code a
bench's web worker runs). Printed: events per second, milliseconds per batch and SQL statements
per event (all of them: Frappe's own request handling and the work), against a floor measured in
the same run — Frappe's ``ping`` through the same application (a request's least cost) plus one
bulk INSERT of each batch into the event log (the least a set-based design must write). The
reputation guard is switched off meanwhile (its pause would be the same few statements once).
Everything made is deleted at the end; the settings are put back.
"""

import argparse
import base64
import json
import os
import subprocess
import time
from contextlib import contextmanager

import frappe
from frappe.utils import now_datetime

from tests.signed_webhooks import sendgrid_headers, sendgrid_key

KINDS = [("delivered", 70), ("deferred", 15), ("bounce", 10), ("spamreport", 4), ("unsubscribe", 1)]
SETTINGS = "Campaign Plus Settings"


@contextmanager
def counting_all_queries():
	"""Count every SQL statement of every connection (requests open their own)."""
	from frappe.database.database import Database

	counter = {"n": 0}
	original = Database.sql

	def sql(self, *args, **kwargs):
		counter["n"] += 1
		return original(self, *args, **kwargs)

	Database.sql = sql
	try:
		yield counter
	finally:
		Database.sql = original


def connect(site: str) -> None:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")


def make(site: str, events: int, key) -> dict:
	"""Committed: an Email Account with a SendGrid webhook row, a campaign with ``events`` sent rows."""
	from cryptography.hazmat.primitives import serialization
	from frappe.utils.password import set_encrypted_password

	from campaign_plus.utils.db import STANDARD_COLUMNS, insert_many, ordered_names

	connect(site)
	try:
		tag = frappe.generate_hash(length=6)
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"_Bench Webhooks {tag}",
				"email_id": f"bench-webhooks-{tag}@example.com",
				"enable_outgoing": 0,  # it only names the rows' account: no mail server to check
			}
		).insert(ignore_permissions=True)
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": f"_Bench Webhooks {tag}"}).insert()
		row = frappe.get_doc(
			{
				"doctype": "Campaign Plus Webhook",
				"parent": SETTINGS,
				"parenttype": SETTINGS,
				"parentfield": "webhooks",
				"idx": 999,
				"email_account": account.name,
				"provider": "SendGrid",
				"verification_key": base64.b64encode(
					key.public_key().public_bytes(
						serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
					)
				).decode(),
			}
		)
		row.db_insert()
		stored = frappe.db.sql(
			"SELECT `value` FROM `tabSingles` WHERE `doctype` = %s AND `field` = 'reputation_guard'", SETTINGS
		)
		guard = stored[0][0] if stored else None
		frappe.db.set_single_value(SETTINGS, "reputation_guard", 0)
		now = now_datetime()
		names = ordered_names(events)
		emails = [f"bench-{i}-{tag}@bench-webhooks.example.com" for i in range(events)]
		insert_many(
			"Campaign Send Log",
			(
				*STANDARD_COLUMNS,
				"campaign",
				"schedule_row",
				"step_idx",
				"party_type",
				"party",
				"email",
				"status",
				"due_date",
				"queued_on",
				"sent_on",
				"email_account",
			),
			[
				(
					n,
					now,
					now,
					"Administrator",
					"Administrator",
					0,
					campaign.name,
					"bench-step",
					1,
					"Lead",
					f"BENCH-{n}",
					e,
					"Sent",
					now.date(),
					now,
					now,
					account.name,
				)
				for n, e in zip(names, emails, strict=True)
			],
		)
		frappe.db.commit()
		return {"tag": tag, "account": account.name, "campaign": campaign.name, "row": row.name, "names": names,
			"emails": emails, "guard": guard}  # fmt: skip
	finally:
		frappe.destroy()


def payloads(made: dict, batch: int, key) -> list[tuple[bytes, dict]]:
	"""Signed batches of events (the signing is the provider's work: done before timing)."""
	from cryptography.hazmat.primitives import hashes
	from cryptography.hazmat.primitives.asymmetric import ec

	from campaign_plus.utils import send_id

	connect(made["site"])
	try:
		sign = send_id.sign_many()
		kinds = [kind for kind, share in KINDS for _ in range(share)]
		events = []
		for i, (name, email) in enumerate(zip(made["names"], made["emails"], strict=True)):
			kind = kinds[i % len(kinds)]
			event = {"event": kind, "email": email, "sg_event_id": f"bench-{made['tag']}-{i}",
				"timestamp": int(time.time()), "cp_send": sign(name), "smtp-id": f"<{name}@bench.example.com>"}  # fmt: skip
			if kind == "bounce":
				event.update({"type": "bounce", "status": "5.1.1", "reason": "550 5.1.1 user unknown"})
			events.append(event)
	finally:
		frappe.destroy()
	result = []
	for start in range(0, len(events), batch):
		body = json.dumps(events[start : start + batch]).encode()
		result.append((body, {"Content-Type": "application/json", **sendgrid_headers(key, body)}))
	return result


def client(site: str):
	import frappe.app
	from werkzeug.test import Client

	frappe.app._site = site
	frappe.app._sites_path = "."
	return Client(frappe.app.application)


def post_batches(site: str, account: str, batches) -> tuple[float, int, dict, int]:
	from urllib.parse import quote

	http = client(site)
	url = f"/api/method/campaign_plus.webhooks.api.sendgrid?account={quote(account)}"
	statuses: dict[int, int] = {}
	applied = 0
	with counting_all_queries() as queries:
		start = time.perf_counter()
		for body, headers in batches:
			response = http.post(url, data=body, headers=headers)
			statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
			if response.status_code == 200:
				applied += json.loads(response.get_data())["applied"]
		elapsed = time.perf_counter() - start
	return elapsed, queries["n"], statuses, applied


def floor(site: str, made: dict, batches: int, batch: int) -> tuple[float, int, float]:
	"""Frappe's ping through the same application (per request), and one bulk INSERT of a batch into
	the event log (per batch; rolled back)."""
	http = client(site)
	with counting_all_queries() as queries:
		start = time.perf_counter()
		for _ in range(batches * 5):
			http.get("/api/method/ping")
		ping = (time.perf_counter() - start) / (batches * 5)
	ping_sql = queries["n"] / (batches * 5)
	from campaign_plus.feedback.log import Logged, record

	connect(site)
	try:
		insert = 0.0
		for b in range(batches):
			events = [
				Logged(
					"SendGrid",
					f"floor-{made['tag']}-{b}-{i}",
					"Delivered",
					made["emails"][i],
					made["account"],
				)
				for i in range(min(batch, len(made["emails"])))
			]
			start = time.perf_counter()
			record(events)
			insert += time.perf_counter() - start
			frappe.db.rollback()
	finally:
		frappe.destroy()
	return ping, ping_sql, insert / batches


def cleanup(site: str, made: dict) -> dict:
	connect(site)
	try:
		campaign, emails = made["campaign"], tuple(made["emails"])
		result = dict(
			frappe.db.sql(
				"SELECT `status`, COUNT(*) FROM `tabCampaign Send Log` WHERE `campaign` = %s GROUP BY `status`",
				campaign,
			)
		)
		result["events logged"] = frappe.db.count(
			"Campaign Feedback Event", {"email_account": made["account"]}
		)
		frappe.db.delete("Campaign Feedback Event", {"email_account": made["account"]})
		for doctype in ("Campaign Send Log", "Campaign Bounce", "Campaign Reputation Pause"):
			frappe.db.delete(doctype, {"campaign": campaign})
		for start in range(0, len(emails), 2000):
			chunk = emails[start : start + 2000]
			for doctype in (
				"Campaign Suppression",
				"Campaign Consent",
				"Email Unsubscribe",
				"Campaign Bounce",
			):
				frappe.db.delete(doctype, {"email": ("in", chunk)})
		frappe.db.delete("Campaign Plus Webhook", {"name": made["row"]})
		frappe.db.delete("Campaign", {"name": campaign})
		frappe.delete_doc("Email Account", made["account"], force=True, ignore_permissions=True)
		if made["guard"] is None:
			frappe.db.delete("Singles", {"doctype": SETTINGS, "field": "reputation_guard"})
		else:
			frappe.db.set_single_value(SETTINGS, "reputation_guard", made["guard"])
		frappe.db.commit()
		return result
	finally:
		frappe.destroy()


def main():
	from cryptography.hazmat.primitives.asymmetric import ec

	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--events", type=int, default=10_000)
	parser.add_argument("--batch", type=int, default=1_000)
	args = parser.parse_args()

	key = sendgrid_key()
	made = make(args.site, args.events, key)
	made["site"] = args.site
	try:
		batches = payloads(made, args.batch, key)
		elapsed, queries, statuses, applied = post_batches(args.site, made["account"], batches)
		again, _again_queries, _s, reapplied = post_batches(args.site, made["account"], batches[:1])
		ping, ping_sql, insert = floor(args.site, made, len(batches), args.batch)
	finally:
		result = cleanup(args.site, made)
	load = (
		subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
		if os.path.exists("/usr/bin/uptime")
		else ""
	)
	n, per_batch = args.events, elapsed / len(batches)
	print(f"webhook events: {n} in {len(batches)} batches of {args.batch} (SendGrid, signed) through "
		f"frappe.app.application: {elapsed:.2f} s, {n / elapsed:.0f} events per second, "
		f"{per_batch * 1000:.0f} ms per batch")  # fmt: skip
	print(f"SQL statements: {queries} ({queries / n:.3f} per event, {queries / len(batches):.1f} per batch, "
		f"Frappe's request handling included); responses {dict(sorted(statuses.items()))}; applied {applied}")  # fmt: skip
	print(f"the first batch posted again: {again * 1000:.0f} ms, {reapplied} applied (each event once)")
	print(f"recorded: {dict(sorted(result.items()))}")
	floor_batch = ping + insert
	print(f"floor, same run: Frappe's ping {ping * 1000:.2f} ms and {ping_sql:.1f} SQL per request + one bulk "
		f"INSERT of a batch into the event log {insert * 1000:.0f} ms = {floor_batch * 1000:.0f} ms per batch; "
		f"ratio batch / floor: {per_batch / floor_batch:.2f}x")  # fmt: skip
	print(f"uptime: {load}")


if __name__ == "__main__":
	main()
