# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Delivery jobs: campaign Email Queue rows sent as Frappe's own ``EmailQueue.send`` sends them
(status, retries, unsubscribe URL and tracking filled in, Frappe's hooks; see
:mod:`campaign_plus.delivery.sendmail`), over one SMTP session per job, paced by the shared
limiter.

**Who sends a row.** A send batch inserts its rows with ``send_after`` a lease ahead
(:data:`LEASE`): Frappe's flush leaves them alone until then. The batch hands them over to a
work item (after its commit) and a job on the ``long`` queue. A job sends a row only while its
lease has :data:`MARGIN` left, and extends the leases of the rows it still has to send; a row
whose lease ran out belongs to Frappe's flush, the safety net, and the job drops it. So a row
is never in the hands of both.

**Over the limit** a job waits in place only when capacity returns within :data:`MAX_WAIT`
seconds (the slots of a per-minute limit); otherwise it stops, and its item comes back when
capacity does (scheduler tick every minute, or the end of another job of the site).

**What a message became** (the engine's :func:`~campaign_plus.engine.pacing.classify`): a reply
for the recipient (4xx: tried again later with the recipient's retries, Frappe's limit; 5xx:
refused for good, a hard bounce), for the session or the account (a rate limit, a busy server, a
421, Gmail's 4.7.28: the account's limiter slows down, the job waits and the message goes again,
no retry counted; a 5xx for the sender or its reputation: refused, not a hard bounce), or no
reply: before the final dot, a new session and the message again; after the final dot, while
this job lives, the server has not accepted it (RFC 5321 §6.1): a new session and the message
again, the Send Log flagged *may have arrived twice* (the server may have committed it and lost
only its answer, RFC 1047). A mail server down, or refusing the account's login, is never a message's fault: the job
stops and comes back (15 s, 30 s … 5 min) for as long as it takes; the rows stay leased.

**A job dies, or its transaction or the queue Redis is lost.** Before a chunk, the job records
its rows in the MariaDB journal (:mod:`campaign_plus.delivery.journal`) and commits; just before
each message's final dot it marks the row in the Redis journal ("handed", then "accepted"). The
MariaDB entries leave with the outcomes, in one transaction. Entries of a dead job are resolved
by the next job of the item (or the minute tick): accepted → sent; handed without an answer →
kept as sent, flagged *may not have arrived* (a *Send Again* action on the campaign); never
handed → sent again; the Redis journal lost (Redis restarted empty: another epoch) → sent again,
flagged *may have arrived twice*. After a Redis loss the tick also gives every leased row that
no work item holds any more to a new one. Nothing the server accepted is sent again without a
flag, nothing is lost.
"""

import datetime
import smtplib
import threading
import time
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field

import frappe
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.query_builder import DocType
from frappe.utils import add_to_date, cint, create_batch, get_datetime, now_datetime
from frappe.utils.background_jobs import get_job

from campaign_plus.deliverability import outgoing
from campaign_plus.delivery import journal, outcomes, store, work
from campaign_plus.delivery.handover import (
	ITEM_SIZE,
	JOB_METHOD,
	JOB_TIMEOUT,
	LEASE,
	MAX_RUN,
	QUEUE,
	enqueue,
	hand_over,
	send_after,
	submit,
)
from campaign_plus.delivery.limiter import Limiter
from campaign_plus.delivery.outcomes import DeliveryReport, Rejection
from campaign_plus.delivery.recovery import reconcile, recover
from campaign_plus.delivery.rows import (
	TO_SEND,
	extend_leases,
	mark_sent,
	queue_table,
	recipients_table,
	restore,
	set_error,
)
from campaign_plus.delivery.sendmail import Sender
from campaign_plus.delivery.settings import DEFAULT_ACCOUNT, get_delivery_settings, scaled
from campaign_plus.delivery.smtp import DeliverySMTPServer
from campaign_plus.engine import pacing
from campaign_plus.utils import holds, jobs
from campaign_plus.utils.db import retrying_deadlocks
from campaign_plus.utils.runtime import in_test

CHUNK = 50  # rows loaded, and their outcomes committed, together
MARGIN = scaled(300)  # a job sends a row only while its lease has this long left
MAX_WAIT = 5.0  # capacity back within this: the job waits; later: it stops and comes back
PAUSED_RECHECK = scaled(60)  # Frappe's email queue suspended, or emails muted: look again after this
SERVER_DOWN_DELAYS = tuple(scaled(d) for d in (15, 30, 60, 120, 300))  # server unreachable: again after
LIVING_RECHECK = scaled(30)  # rows another living job is handing over: look again after this
MAX_FAILURES = 5  # failed runs of a job before its rows are left to Frappe's queue
JUST_STARTED = 10  # seconds: a job started this recently may not hold its item yet
PROGRESS_EVERY = 2.0  # seconds between two progress messages of a job
EVENT = "campaign_plus_delivery"

SENT, UNCERTAIN, REJECTED, FAILED, RETRY = "sent", "uncertain", "rejected", "failed", "retry"
BLOCKED = "blocked"


# The job
def deliver(token: str) -> None:
	"""RQ job: deliver the rows of work item ``token`` (nothing if another job holds it), then
	those of the delivery jobs next in the queue, in this process (:mod:`campaign_plus.utils.jobs`)."""
	started = time.monotonic()
	deliver_item(token)
	jobs.go_on(JOB_METHOD, deliver_item, started)


def deliver_item(token: str) -> None:
	"""Deliver the rows of work item ``token`` (nothing if another job holds it)."""
	holder = work.hold(token)
	if not holder:
		return
	heartbeat = Heartbeat(token, holder)
	try:
		item = work.load(token)
		if item:
			heartbeat.hold.account(item.account)
			heartbeat.start()
			try:
				Delivery(item, holder, heartbeat).run()
			except Exception:
				give_up_after_failures(work.load(token) or item)
				raise
	finally:
		heartbeat.stop()
	tick(recover=False)  # items whose moment came while this job ran need not wait a minute


def give_up_after_failures(item: work.WorkItem) -> None:
	"""A job that keeps failing (not the mail server: a bug, a broken row) is tried again at the
	next ticks; after :data:`MAX_FAILURES` its item is dropped and its rows, no longer leased
	ahead, go to Frappe's own queue when their lease runs out. (A job whose database connection
	was lost leaves its item as it was: the next job recovers its rows from the journals.)"""
	try:
		frappe.db.rollback()
	except Exception:
		return
	item.extra["failures"] = int(item.extra.get("failures", 0)) + 1
	if item.extra["failures"] >= MAX_FAILURES:
		work.delete(item.token)
		frappe.log_error(title=f"Campaign Plus: delivery of {len(item.names)} emails left to Frappe's queue")
	else:
		work.save(item)


def deliver_names(names: list[str], account: str = DEFAULT_ACCOUNT, campaign: str | None = None):
	"""Deliver these leased rows now, in this process (tests, the benchmark): the report."""
	item = work.WorkItem(work.new_token(), account, list(names), campaign, store.server_time())
	holder = work.hold(item.token)
	try:
		delivery = Delivery(item, holder, None)
		delivery.run(keep_item=False)
		return delivery
	finally:
		work.release(item.token, holder)


class Heartbeat(threading.Thread):
	"""Keeps the job's hold alive while this process lives (even in a long SMTP wait); a killed
	job's hold lapses after :data:`work.HOLD_TTL`."""

	def __init__(self, token: str, holder: str):
		super().__init__(daemon=True, name=f"campaign-plus-hold-{token}")
		self.hold = work.Hold(token, holder)
		self.lost = False
		self._stop_event = threading.Event()

	def run(self):
		while not self._stop_event.wait(work.HOLD_TTL / 3):
			try:
				if not self.hold.renew():
					self.lost = True
					return
			except Exception:
				pass  # Redis away for a moment: the next beat tries again (the hold lasts a minute)

	def stop(self):
		self._stop_event.set()
		try:
			self.hold.leave()
		except Exception:
			pass


class JournalUnavailable(Exception):
	"""The journal (Redis) could not record a message about to be handed over: it is not sent."""


class Stop(Exception):
	"""The job stops here; its item comes back later (``at``: local time, or ``delay`` seconds)."""

	def __init__(
		self,
		*,
		delay: float = 0.0,
		at: float | None = None,
		server_down: bool = False,
		error=None,
		lost: bool = False,
		throttled: bool = False,
	):
		super().__init__(str(error or ""))
		self.delay, self.at, self.server_down, self.error = delay, at, server_down, error
		self.lost = lost  # the hold lapsed: the item is another job's now
		self.throttled = throttled  # the server asked the account to slow down
		self.unsent: list[str] = []
		self.sent = 0


@dataclass
class Tally:
	report: DeliveryReport
	retries: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))  # delay: rows
	retry_counts: dict[str, int] = field(default_factory=dict)  # row: Frappe's retry count now


@contextmanager
def commits_deferred():
	"""Frappe's sending commits three times per message; within a chunk those commits wait for
	the chunk's own. A message handed to the server meanwhile is in the journal until then."""
	db = frappe.db
	commit = db.commit
	db.commit = lambda *args, **kwargs: None
	try:
		yield
	finally:
		db.commit = commit


def paused() -> bool:
	"""Frappe's email queue suspended, or emails muted: Frappe would send nothing now."""
	return bool(frappe.are_emails_muted() or cint(frappe.db.get_default("suspend_email_queue")) == 1)


def email_account(account: str):
	if account and account != DEFAULT_ACCOUNT and frappe.db.exists("Email Account", account):
		return frappe.get_doc("Email Account", account)
	return EmailAccount.find_outgoing(_raise_error=True)


class Delivery:
	def __init__(self, item: work.WorkItem, holder: str, heartbeat: Heartbeat | None):
		self.item, self.holder, self.heartbeat = item, holder, heartbeat
		self.settings = get_delivery_settings()
		self.limiter = Limiter(item.account, self.settings.limits(item.account))
		self.server: DeliverySMTPServer | None = None
		self.sender: Sender | None = None
		self.started = time.monotonic()
		self.leased_at = time.monotonic()
		self.published = 0.0
		self.redis = store.redis()
		self.marks = work.Marks(holder, self.redis)
		self.current: str | None = None
		self.totals: dict[str, int] = defaultdict(int)
		self.observes_smtp = False
		self.stopped: Stop | None = None
		self.resent: set[str] = set()  # sent again after a connection lost after their final dot

	# the run
	def run(self, keep_item: bool = True) -> None:
		with journal.alive_lock(self.holder):  # MariaDB knows this job lives while it runs
			self._run(keep_item)

	def _run(self, keep_item: bool) -> None:
		try:
			living = set(recover(self.item.names).living)
		except Exception:
			if not _redis_down():
				raise
			return  # the queue Redis is away: the rows stay leased; the tick rebuilds after a restart
		remaining = deque(name for name in self.item.names if name not in living)
		try:
			if paused():
				raise Stop(delay=PAUSED_RECHECK)
			remaining = self.withheld(remaining)
			if remaining:
				self.open()
			while remaining:
				if keep_item and time.monotonic() - self.started > MAX_RUN:
					raise Stop(delay=0)
				chunk = [remaining.popleft() for _ in range(min(CHUNK, len(remaining)))]
				self.deliver_chunk(chunk)
				self.item.stops = 0
				remaining = self.withheld(remaining)
			if living:  # rows another job (still alive) is handing over: see again in a moment
				raise Stop(delay=LIVING_RECHECK)
		except Stop as stop:
			if stop.lost:
				return
			unsent = [*stop.unsent, *remaining, *living]
			if keep_item:
				try:
					self.reschedule(unsent, stop)
				except Exception:
					if not _redis_down():
						raise
					frappe.db.rollback()  # the rows stay leased: the tick gives them to a new item
			else:
				self.item.names = unsent
				self.stopped = stop
			return
		finally:
			if self.server:
				self.server.quit()
			self.marks.close()
		self.item.names = []
		if keep_item:
			work.delete(self.item.token)

	def withheld(self, remaining: deque) -> deque:
		"""The rows still to send, less those a capability takes back (a paused campaign)."""
		if not remaining:
			return remaining
		account = None if self.item.account == DEFAULT_ACCOUNT else self.item.account
		taken = set(holds.withheld(self.item.campaign, account, list(remaining)))
		if not taken:
			return remaining
		self.totals["released"] += len(taken)
		work.count(self.item.campaign, self.redis, released=len(taken))
		work.add_pending(self.item.account, -len(taken), self.redis)
		self.publish(force=True)
		return deque(name for name in remaining if name not in taken)

	def open(self) -> None:
		account = email_account(self.item.account)
		smtp = account.get("service") != "Frappe Mail"  # Frappe 16 can send through Frappe Mail's API
		if smtp:
			self.server = DeliverySMTPServer(
				self.before_final_dot, self.accepted, **account.sendmail_config()
			)
		self.sender = Sender(self.server)
		self.observes_smtp = (
			smtp
			and not outgoing.foreign_send_hook()  # ours sends over this job's session
			and not (in_test() and not frappe.flags.testing_email)
		)

	def before_final_dot(self) -> None:
		try:
			self.marks.handed(self.current)
		except Exception as error:
			raise JournalUnavailable(str(error)) from error

	def accepted(self) -> None:
		try:
			self.marks.accepted(self.current)
		except Exception:
			pass  # the server has it: never an error now (the "handed" entry already says so)

	def keep_alive(self) -> None:
		if self.heartbeat and self.heartbeat.lost:  # another job holds the item now: leave it alone
			raise Stop(delay=0, lost=True)
		if time.monotonic() - self.leased_at > LEASE / 4:
			self.leased_at = time.monotonic()
			extend_leases(self.item.names, LEASE)

	# one chunk
	def deliver_chunk(self, names: list[str]) -> None:
		docs, tally = load(names)
		queue = [docs[name] for name in names if name in docs]
		try:
			epoch = store.epoch(self.redis)
		except Exception as error:
			raise Stop(delay=PAUSED_RECHECK, error=error) from error  # nothing handed without a journal
		journal.intend([doc.name for doc in queue], self.holder, epoch, self.item.campaign, self.item.account)
		self.sender.check_next()
		try:
			with commits_deferred():
				self.send_queue(queue, tally)
		except Stop as stop:
			stop.unsent = [doc.name for doc in queue[stop.sent :]]
			raise
		finally:
			self.record(tally, [doc.name for doc in queue])

	def send_queue(self, queue: list, tally: Tally) -> int:
		"""Send the rows in order, as the limiter grants slots; how many were handled."""
		i = 0
		try:
			while i < len(queue):
				self.keep_alive()
				grant = self.limiter.reserve(len(queue) - i)
				if not grant.count:
					wait = grant.retry_at - time.time()
					if wait > MAX_WAIT:
						raise Stop(at=grant.retry_at)
					time.sleep(max(wait, 0))
					continue
				used, last, busy = 0, None, 0.0
				try:
					for j in range(grant.count):
						wait = grant.slot(j) - time.time()
						if wait > 0:
							time.sleep(wait)
						if time.time() > grant.until:
							break
						begun = time.monotonic()
						then = queue[i + 1] if i + 1 < len(queue) else None
						result, detail = self.send(queue[i], tally, then)
						busy += time.monotonic() - begun
						self.add(tally, queue[i], result, detail)
						i += 1
						used += 1
						last = time.time()
				finally:
					self.limiter.settle(grant, used, last, busy)
		except Stop as stop:
			stop.sent = i
			raise
		return i

	def add(self, tally: Tally, doc, result: str, detail) -> None:
		report = tally.report
		if result == SENT:
			report.accepted.append(doc.name)
			if doc.name in self.resent:
				report.resent.append(doc.name)
		elif result == REJECTED:
			report.rejected.append(detail)
		elif result == BLOCKED:
			report.blocked.append(detail)
		elif result == FAILED:
			report.failed[doc.name] = detail
		else:
			report.retrying.append(doc.name)
			tally.retries[scaled(pacing.retry_delay(cint(doc.retry)))].append(doc.name)
			tally.retry_counts[doc.name] = cint(doc.retry)

	# one message
	def send(self, doc, tally: Tally, then=None) -> tuple[str, object]:
		"""Send one row (``then``: the row after it, built while the server checks this one)."""
		for attempt in (1, 2):
			self.ensure_session()
			before = (doc.status, cint(doc.retry))
			self.current = doc.name
			if self.server:
				self.server.new_message()
			try:
				self.sender.send(doc, then)
			except Exception as error:
				frappe.local.message_log = []
				if self.server and self.server.message_accepted:
					# the server has it; Frappe's bookkeeping after that failed (a deadlock rolled
					# the chunk back…): its retry undone, the chunk's outcomes written again as sets
					restore(doc.name, *before)
					return SENT, None
				result = self.failure(doc, error, before, tally)
				if result[0] not in (pacing.RECONNECT, pacing.RESEND):
					return result
				if attempt == 2:
					raise Stop(server_down=True, error=error) from error
				continue
			if self.observes_smtp and not self.server.final_dot_written:
				raise Stop(delay=PAUSED_RECHECK)  # Frappe sent nothing: suspended or muted meanwhile
			return SENT, None
		raise AssertionError("unreachable")

	def ensure_session(self) -> None:
		if self.server is None:
			return
		try:
			self.server.session  # connects (STARTTLS, AUTH) when needed
		except Exception as error:
			frappe.local.message_log = []
			self.server.drop()
			raise Stop(server_down=True, error=error) from error

	def failure(self, doc, error: Exception, before: tuple[str, int], tally: Tally) -> tuple[str, object]:
		if isinstance(error, JournalUnavailable):  # nothing may go out unrecorded: stop, undo the retry
			restore(doc.name, *before)
			raise Stop(delay=PAUSED_RECHECK, error=error) from error
		after_dot = bool(self.server and self.server.final_dot_written)
		code, text, from_server, stage = smtp_reply(error, after_dot)
		if not from_server:  # not the mail server's doing (an attachment gone…): Frappe counted a retry
			return _after_frappe_retry(doc, f"{type(error).__name__}: {error}")
		verdict = pacing.classify(code, text, stage, after_final_dot=after_dot)
		recipient = doc.recipients[0].recipient if doc.recipients else ""
		refusal = Rejection(doc.name, recipient, code or 0, text, verdict.kind, verdict.reputation)
		if verdict.reputation:
			tally.report.reputation.append(refusal)
		if verdict.kind in (pacing.RECONNECT, pacing.RESEND):
			restore(doc.name, *before)
			if verdict.kind == pacing.RESEND:  # not accepted (RFC 5321 §6.1): it goes again, flagged:
				work.forget([doc.name])  # the server may have taken it and lost only its answer (RFC 1047)
				self.resent.add(doc.name)
				tally.report.doubtful.append(doc.name)
			if self.server:
				self.server.drop()
			return verdict.kind, None
		if verdict.kind == pacing.THROTTLED:  # the session or the account: wait, no retry counted
			restore(doc.name, *before)
			work.forget([doc.name])
			tally.report.throttled.append(refusal)
			if self.server and (code == 421 or not self.server.connected()):
				self.server.drop()
			resume = self.limiter.slow_down(scaled(verdict.pause))
			raise Stop(at=resume, throttled=True, error=error) from error
		work.forget([doc.name])  # a definite refusal: the server does not have it
		if verdict.kind == pacing.REJECTED:
			restore(doc.name, *before)  # refused for good: no retry to count
			set_error(doc.name, outcomes.rejection_error(refusal))
			return REJECTED, refusal
		if verdict.kind == pacing.BLOCKED:
			restore(doc.name, *before)
			set_error(doc.name, outcomes.blocked_error(refusal))
			return BLOCKED, refusal
		return _after_frappe_retry(doc, f"{code} {text}")

	# after a chunk: commit, tell the listeners, count, publish
	def record(self, tally: Tally, names: list[str]) -> None:
		self.marks.settle()  # before the rows' marks are forgotten (another connection)
		report = tally.report
		report.campaign = self.item.campaign

		def write():
			apply(tally)  # what Frappe wrote row by row, again as sets: redone whole after a deadlock
			journal.done(names, self.holder)  # the entries leave with the outcomes
			if report:
				outcomes.notify(report)
			for delay, retried in tally.retries.items():
				extend_leases(retried, delay + LEASE)
			if not in_test():
				frappe.db.commit()

		if not report and not names:
			return
		retrying_deadlocks(write)
		if not report:
			return
		try:
			work.forget(
				[*report.sent, *report.failed, *report.retrying, *(r.email_queue for r in report.refused)]
			)
			for delay, retried in tally.retries.items():
				self.later(retried, delay)
		except Exception:
			if not _redis_down():
				raise
			return  # committed; the Redis side is rebuilt by the tick
		done_sent = sum(status == "Sent" for status in report.done_elsewhere.values())
		delivered = len(report.sent) + done_sent
		failed = len(report.refused) + len(report.failed) + len(report.done_elsewhere) - done_sent
		released = len(report.released)
		for key, value in (("delivered", delivered), ("failed", failed), ("released", released)):
			self.totals[key] += value
		with suppress_redis_down():
			work.count(self.item.campaign, self.redis, delivered=delivered, failed=failed, released=released)
			work.add_pending(self.item.account, -(delivered + failed + released), self.redis)
			self.publish()

	def later(self, names: list[str], delay: float) -> None:
		"""A new work item for rows to try again after ``delay`` seconds."""
		now = store.server_time(self.redis)
		item = work.WorkItem(work.new_token(), self.item.account, names, self.item.campaign, now + delay)
		item.lease_until = now + delay + LEASE
		work.save(item, self.redis)

	def publish(self, force: bool = False) -> None:
		if not self.item.campaign or (not force and time.monotonic() - self.published < PROGRESS_EVERY):
			return
		self.published = time.monotonic()
		from campaign_plus.delivery.progress import campaign_progress

		frappe.publish_realtime(
			EVENT, campaign_progress(self.item.campaign), doctype="Campaign", docname=self.item.campaign
		)

	# stopping
	def reschedule(self, names: list[str], stop: Stop) -> None:
		now = store.server_time(self.redis)
		if stop.server_down:
			self.item.stops += 1
			delay = SERVER_DOWN_DELAYS[min(self.item.stops, len(SERVER_DOWN_DELAYS)) - 1]
			if self.item.stops == 1:
				frappe.log_error(
					title=f"Campaign Plus: mail server of {self.item.account} unreachable",
					message=f"{stop.error!r}\nCampaign emails wait and go out when it answers again.",
				)
			due = now + delay
		elif stop.at is not None:
			due = stop.at + (now - time.time())
		else:
			due = now + stop.delay
		self.item.names, self.item.due = names, due
		self.item.generation += 1
		self.item.lease_until = due + LEASE
		extend_leases(names, max(due - now, 0) + LEASE)
		if not in_test():
			frappe.db.commit()
		work.save(self.item, self.redis)
		if due <= now:
			enqueue(self.item)
		self.publish(force=True)


def _redis_down() -> bool:
	"""Whether the queue Redis is unreachable (or answers as one just started, without our keys)."""
	try:
		store.redis().ping()
		return False
	except Exception:
		return True


@contextmanager
def suppress_redis_down():
	try:
		yield
	except Exception:
		if not _redis_down():
			raise


def smtp_reply(error: Exception, after_final_dot: bool = False) -> tuple[int | None, str, bool, str]:
	"""(reply code, text, whether it came from the mail server or its connection, the stage of
	the transaction it answered)."""
	if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
		code, text = next(iter(error.recipients.values()))
		return code, store.text(text), True, pacing.RCPT
	if isinstance(error, smtplib.SMTPSenderRefused):
		return error.smtp_code, store.text(error.smtp_error), True, pacing.MAIL
	if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPHeloError | smtplib.SMTPAuthenticationError):
		return error.smtp_code, store.text(error.smtp_error), True, pacing.CONNECT
	stage = pacing.END_OF_DATA if after_final_dot else pacing.RCPT
	if isinstance(error, smtplib.SMTPDataError):
		return (
			error.smtp_code,
			store.text(error.smtp_error),
			True,
			pacing.END_OF_DATA if after_final_dot else pacing.DATA,
		)
	if isinstance(error, smtplib.SMTPResponseException):
		return error.smtp_code, store.text(error.smtp_error), True, stage
	if isinstance(error, smtplib.SMTPException | OSError):
		return None, str(error), True, stage
	return None, str(error), False, stage


# Database work, set-based
def load(names: list[str]) -> tuple[dict, Tally]:
	"""The rows this job may send, as Email Queue documents (two queries); the others reported."""
	eq = queue_table()
	eqr = recipients_table()
	tally = Tally(DeliveryReport())
	rows = frappe.qb.from_(eq).select("*").where(eq.name.isin(names)).run(as_dict=True)
	recipients = defaultdict(list)
	for row in (
		frappe.qb.from_(eqr)
		.select("*")
		.where(eqr.parent.isin(names))
		.where(eqr.parenttype == "Email Queue")
		.orderby(eqr.idx)
		.run(as_dict=True)
	):
		recipients[row.parent].append(row)
	margin = add_to_date(now_datetime(), seconds=MARGIN)
	docs = {}
	found = set()
	for row in rows:
		found.add(row.name)
		if row.status in TO_SEND and row.send_after and get_datetime(row.send_after) > margin:
			docs[row.name] = frappe.get_doc(
				{**row, "doctype": "Email Queue", "recipients": recipients[row.name]}
			)
		elif row.status in ("Sent", "Error"):
			tally.report.done_elsewhere[row.name] = row.status
		else:  # its lease ran out (Frappe's flush has it now) or somebody else is sending it
			tally.report.released.append(row.name)
	tally.report.released.extend(name for name in names if name not in found)
	return docs, tally


def apply(tally: Tally) -> None:
	"""A chunk's outcomes on its Email Queue rows, set-based (Frappe wrote the same row by row)."""
	report = tally.report
	resent = set(report.resent)
	mark_sent([name for name in report.accepted if name not in resent])
	mark_sent(report.resent, note=outcomes.RESENT_NOTE)
	mark_sent(report.uncertain, note=outcomes.UNCERTAIN_NOTE)
	for rejection in report.rejected:
		set_error(rejection.email_queue, outcomes.rejection_error(rejection))
	for refusal in report.blocked:
		set_error(refusal.email_queue, outcomes.blocked_error(refusal))
	for name, error in report.failed.items():
		set_error(name, error)
	by_retry: dict[int, list[str]] = defaultdict(list)
	for name, retry in tally.retry_counts.items():
		by_retry[retry].append(name)
	eq = queue_table()
	for retry, names in by_retry.items():
		frappe.qb.update(eq).set(eq.status, "Not Sent").set(eq.retry, retry).where(eq.name.isin(names)).run()


def _after_frappe_retry(doc, error: str) -> tuple[str, object]:
	"""Frappe recorded the failure (Not Sent with one more retry, or Error past its limit)."""
	status = frappe.db.get_value("Email Queue", doc.name, "status")
	if status == "Error":
		return FAILED, error
	doc.retry = cint(frappe.db.get_value("Email Queue", doc.name, "retry"))
	return RETRY, None


# The scheduler's minute
def tick(recover: bool = True) -> None:
	"""Every minute (and after each job): enqueue the work items whose moment has come, and keep
	the leases of waiting items ahead of Frappe's flush."""
	connection = store.redis()
	if recover:
		reconcile()
	now = store.server_time(connection)
	for token in work.tokens():
		item = work.load(token)
		if item is None:
			connection.zrem(store.key("due"), token)
			continue
		if work.held(token):
			continue
		if recover and item.lease_until - now < LEASE / 2:  # waiting (in the queue or for later)
			extend_leases(item.names, max(item.due - now, 0) + LEASE)
			item.lease_until = max(item.due, now) + LEASE
			work.save(item, connection)
		if item.due <= now and not _job_waiting(item):
			item.generation += 1
			work.save(item, connection)
			enqueue(item)
	if recover and not in_test():
		frappe.db.commit()


def _job_waiting(item: work.WorkItem) -> bool:
	"""Its job is queued, or has just started (about to take the item). A job that started
	earlier and does not hold the item is dead (a second job would find the item held anyway)."""
	job = get_job(item.job_id)
	if not job:
		return False
	status = job.get_status()
	if status == "queued":
		return True
	if status == "started" and job.started_at:
		started = job.started_at  # UTC: naive in RQ 1, aware in RQ 2
		if started.tzinfo is None:
			started = started.replace(tzinfo=datetime.timezone.utc)
		age = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
		return abs(age) < JUST_STARTED
	return False
