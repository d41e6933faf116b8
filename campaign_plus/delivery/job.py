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

**Worker killed.** Frappe's send commits *Sending* before it talks to the server and *Sent*
after. Just before writing the final dot of a message's data, the job records the row in the
journal (Redis); the row leaves the journal after its outcome is committed. The next job for the
item (or the minute tick) finds the rows a dead job left in *Sending*: in the journal → the
server may have it: it is recorded as sent (never sent again); not in the journal → the server
never got the end of its data, so it did not accept it: back to *Not Sent*, sent again. What
this guarantees: a message whose final dot was written is never sent a second time; one whose
final dot was not written is sent again. The one case that loses a message is the server
refusing it after the final dot while the worker dies before reading that refusal.
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
from campaign_plus.delivery import outcomes, store, work
from campaign_plus.delivery.limiter import Limiter
from campaign_plus.delivery.outcomes import DeliveryReport, Rejection
from campaign_plus.delivery.sendmail import Sender
from campaign_plus.delivery.settings import DEFAULT_ACCOUNT, get_delivery_settings
from campaign_plus.delivery.smtp import DeliverySMTPServer
from campaign_plus.engine import pacing
from campaign_plus.utils.db import retrying_deadlocks
from campaign_plus.utils.runtime import in_test

QUEUE = "long"
ITEM_SIZE = 500  # rows per work item (a send batch's rows of one account)
CHUNK = 50  # rows loaded, and their outcomes committed, together
LEASE = 900  # seconds: how far ahead rows are leased (Frappe's flush takes them after that)
MARGIN = 300  # a job sends a row only while its lease has this long left
MAX_RUN = 300  # a job yields after this long (its item goes to the back of the queue)
MAX_WAIT = 5.0  # capacity back within this: the job waits; later: it stops and comes back
PAUSED_RECHECK = 60  # Frappe's email queue suspended, or emails muted: look again after this
SERVER_DOWN_DELAYS = (15, 30, 60, 120, 300)  # the mail server unreachable: try again after
JOB_TIMEOUT = MAX_RUN + 900  # a running job also finishes its chunk, and may wait on SMTP
MAX_FAILURES = 5  # failed runs of a job before its rows are left to Frappe's queue
JUST_STARTED = 10  # seconds: a job started this recently may not hold its item yet
PROGRESS_EVERY = 2.0  # seconds between two progress messages of a job
EVENT = "campaign_plus_delivery"
TO_SEND = ("Not Sent", "Partially Sent")

SENT, UNCERTAIN, REJECTED, FAILED, RETRY = "sent", "uncertain", "rejected", "failed", "retry"


# Hand-over from the send batches
def send_after():
	"""The ``send_after`` of new campaign rows: leased to delivery (None: paced delivery is off)."""
	if not get_delivery_settings().enabled:
		return None
	return add_to_date(now_datetime(), seconds=LEASE)


def hand_over(campaign: str, rows: list[tuple[str, str | None]]) -> None:
	"""Deliver these Email Queue rows ((name, email account) each) once the transaction commits.

	Under tests nothing is enqueued: a test delivers with :func:`deliver_names` itself."""
	if not rows or in_test() or not get_delivery_settings().enabled:
		return
	by_account: dict[str, list[str]] = defaultdict(list)
	for name, account in rows:
		by_account[account or DEFAULT_ACCOUNT].append(name)
	frappe.db.after_commit.add(lambda: _submit_safely(campaign, dict(by_account)))


def _submit_safely(campaign: str, by_account: dict[str, list[str]]) -> None:
	try:
		for account, names in by_account.items():
			submit(account, names, campaign)
	except Exception:  # the rows are committed and leased: Frappe's flush sends them after the lease
		frappe.log_error(title=f"Campaign Plus: handing {campaign} over to delivery failed")


def submit(account: str, names: list[str], campaign: str | None = None) -> list[str]:
	"""Work items (and their jobs) for rows already leased (``send_after`` set by :func:`send_after`)."""
	connection = store.redis()
	now = store.server_time(connection)
	tokens = []
	for chunk in create_batch(names, ITEM_SIZE):
		item = work.WorkItem(work.new_token(), account, list(chunk), campaign, now, 0, now + LEASE)
		work.save(item, connection)
		work.add_pending(account, len(item.names), connection)
		if campaign:
			work.start_counts(campaign, len(item.names), account)
		enqueue(item)
		tokens.append(item.token)
	return tokens


def enqueue(item: work.WorkItem) -> None:
	frappe.enqueue(
		"campaign_plus.delivery.job.deliver",
		queue=QUEUE,
		timeout=JOB_TIMEOUT,
		job_id=item.job_id,
		deduplicate=True,
		token=item.token,
	)


# The job
def deliver(token: str) -> None:
	"""RQ job: deliver the rows of work item ``token`` (nothing if another job holds it)."""
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
	ahead, go to Frappe's own queue when their lease runs out."""
	frappe.db.rollback()
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
	):
		super().__init__(str(error or ""))
		self.delay, self.at, self.server_down, self.error = delay, at, server_down, error
		self.lost = lost  # the hold lapsed: the item is another job's now
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
		self.current: str | None = None
		self.totals: dict[str, int] = defaultdict(int)
		self.observes_smtp = False
		self.stopped: Stop | None = None

	# the run
	def run(self, keep_item: bool = True) -> None:
		remaining = deque(self.item.names)
		try:
			recover(self.item.names)
			if paused():
				raise Stop(delay=PAUSED_RECHECK)
			self.open()
			while remaining:
				if keep_item and time.monotonic() - self.started > MAX_RUN:
					raise Stop(delay=0)
				chunk = [remaining.popleft() for _ in range(min(CHUNK, len(remaining)))]
				self.deliver_chunk(chunk)
				self.item.stops = 0
		except Stop as stop:
			if stop.lost:
				return
			if keep_item:
				self.reschedule([*stop.unsent, *remaining], stop)
			else:
				self.item.names = [*stop.unsent, *remaining]
				self.stopped = stop
			return
		finally:
			if self.server:
				self.server.quit()
		self.item.names = []
		if keep_item:
			work.delete(self.item.token)

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
			work.mark(self.current, work.HANDED, self.holder, self.redis)
		except Exception as error:
			raise JournalUnavailable(str(error)) from error

	def accepted(self) -> None:
		try:
			work.mark(self.current, work.ACCEPTED, self.holder, self.redis)
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
		self.sender.check_next()
		try:
			with commits_deferred():
				self.send_queue(queue, tally)
		except Stop as stop:
			stop.unsent = [doc.name for doc in queue[stop.sent :]]
			raise
		finally:
			self.record(tally)

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
						result, detail = self.send(queue[i])
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
		elif result == UNCERTAIN:
			report.uncertain.append(doc.name)
		elif result == REJECTED:
			report.rejected.append(detail)
		elif result == FAILED:
			report.failed[doc.name] = detail
		else:
			report.retrying.append(doc.name)
			tally.retries[pacing.retry_delay(cint(doc.retry))].append(doc.name)
			tally.retry_counts[doc.name] = cint(doc.retry)

	# one message
	def send(self, doc) -> tuple[str, object]:
		for attempt in (1, 2):
			self.ensure_session()
			before = (doc.status, cint(doc.retry))
			self.current = doc.name
			if self.server:
				self.server.new_message()
			try:
				self.sender.send(doc)
			except Exception as error:
				if self.server and self.server.message_accepted:
					# the server has it; Frappe's bookkeeping after that failed (a deadlock rolled
					# the chunk back…): its retry undone, the chunk's outcomes written again as sets
					restore(doc.name, *before)
					return SENT, None
				result = self.failure(doc, error, before)
				if result[0] != pacing.RECONNECT:
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

	def failure(self, doc, error: Exception, before: tuple[str, int]) -> tuple[str, object]:
		if isinstance(error, JournalUnavailable):  # nothing may go out unrecorded: stop, undo the retry
			restore(doc.name, *before)
			raise Stop(delay=PAUSED_RECHECK, error=error) from error
		code, text, from_server = smtp_reply(error)
		if not from_server:  # not the mail server's doing (an attachment gone…): Frappe counted a retry
			return _after_frappe_retry(doc, f"{type(error).__name__}: {error}")
		kind = pacing.outcome(code, bool(self.server and self.server.final_dot_written))
		if kind == pacing.RECONNECT:
			restore(doc.name, *before)
			if self.server:
				self.server.drop()
			return pacing.RECONNECT, None
		if kind == pacing.UNCERTAIN:
			mark_sent([doc.name], note=outcomes.UNCERTAIN_NOTE)
			return UNCERTAIN, None
		work.forget([doc.name])  # a definite refusal: the server does not have it
		if kind == pacing.REJECTED:
			recipient = doc.recipients[0].recipient if doc.recipients else ""
			rejection = Rejection(doc.name, recipient, code, text)
			set_error(doc.name, outcomes.rejection_error(rejection))
			return REJECTED, rejection
		return _after_frappe_retry(doc, f"{code} {text}")

	# after a chunk: commit, tell the listeners, count, publish
	def record(self, tally: Tally) -> None:
		report = tally.report
		report.campaign = self.item.campaign
		if not report:
			return

		def write():
			apply(tally)  # what Frappe wrote row by row, again as sets: redone whole after a deadlock
			outcomes.notify(report)
			for delay, names in tally.retries.items():
				extend_leases(names, delay + LEASE)
			if not in_test():
				frappe.db.commit()

		retrying_deadlocks(write)
		work.forget(
			[*report.sent, *report.failed, *report.retrying, *(r.email_queue for r in report.rejected)]
		)
		for delay, names in tally.retries.items():
			self.later(names, delay)
		done_sent = sum(status == "Sent" for status in report.done_elsewhere.values())
		delivered = len(report.sent) + done_sent
		failed = len(report.rejected) + len(report.failed) + len(report.done_elsewhere) - done_sent
		released = len(report.released)
		for key, value in (("delivered", delivered), ("failed", failed), ("released", released)):
			self.totals[key] += value
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


def smtp_reply(error: Exception) -> tuple[int | None, str, bool]:
	"""(reply code, text, whether it came from the mail server or its connection)."""
	if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
		code, text = next(iter(error.recipients.values()))
		return code, store.text(text), True
	if isinstance(error, smtplib.SMTPResponseException):
		return error.smtp_code, store.text(error.smtp_error), True
	if isinstance(error, smtplib.SMTPException | OSError):
		return None, str(error), True
	return None, str(error), False


# Database work, set-based
def _queue():
	return DocType("Email Queue")


def _recipients():
	return DocType("Email Queue Recipient")


def load(names: list[str]) -> tuple[dict, Tally]:
	"""The rows this job may send, as Email Queue documents (two queries); the others reported."""
	eq = _queue()
	eqr = _recipients()
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


def extend_leases(names: list[str], seconds: float) -> None:
	"""Push the lease of rows still to send (and still leased) ``seconds`` ahead."""
	eq = _queue()
	now = now_datetime()
	until = add_to_date(now, seconds=seconds)
	for chunk in create_batch(list(names), 1000):
		leased = (  # read without locks, then write by primary key (no index-range locks)
			frappe.qb.from_(eq)
			.select(eq.name)
			.where(eq.name.isin(list(chunk)))
			.where(eq.status.isin(TO_SEND))
			.where(eq.send_after > now)
			.run(pluck=True)
		)
		if leased:
			frappe.qb.update(eq).set(eq.send_after, until).where(eq.name.isin(leased)).run()


def restore(name: str, status: str, retry: int) -> None:
	"""Undo Frappe's failure bookkeeping for a message that never reached the server."""
	eq = _queue()
	frappe.qb.update(eq).set(eq.status, status).set(eq.retry, retry).set(eq.error, None).where(
		eq.name == name
	).run()


def apply(tally: Tally) -> None:
	"""A chunk's outcomes on its Email Queue rows, set-based (Frappe wrote the same row by row)."""
	report = tally.report
	mark_sent(report.accepted)
	mark_sent(report.uncertain, note=outcomes.UNCERTAIN_NOTE)
	for rejection in report.rejected:
		set_error(rejection.email_queue, outcomes.rejection_error(rejection))
	for name, error in report.failed.items():
		set_error(name, error)
	by_retry: dict[int, list[str]] = defaultdict(list)
	for name, retry in tally.retry_counts.items():
		by_retry[retry].append(name)
	eq = _queue()
	for retry, names in by_retry.items():
		frappe.qb.update(eq).set(eq.status, "Not Sent").set(eq.retry, retry).where(eq.name.isin(names)).run()


def mark_sent(names: list[str], note: str | None = None) -> None:
	"""Record rows as sent, as Frappe does after the server's 250 (recipients, then the row)."""
	eq = _queue()
	eqr = _recipients()
	if not names:
		return
	now = now_datetime()
	recipients = (  # read without locks, then write by primary key (no index-range locks)
		frappe.qb.from_(eqr)
		.select(eqr.name)
		.where(eqr.parent.isin(names))
		.where(eqr.parenttype == "Email Queue")
		.run(pluck=True)
	)
	if recipients:
		frappe.qb.update(eqr).set(eqr.status, "Sent").set(eqr.modified, now).where(
			eqr.name.isin(recipients)
		).run()
	frappe.qb.update(eq).set(eq.status, "Sent").set(eq.error, note).set(eq.modified, now).where(
		eq.name.isin(names)
	).run()


def set_error(name: str, error: str) -> None:
	eq = _queue()
	frappe.qb.update(eq).set(eq.status, "Error").set(eq.error, error).set(eq.modified, now_datetime()).where(
		eq.name == name
	).run()


def _after_frappe_retry(doc, error: str) -> tuple[str, object]:
	"""Frappe recorded the failure (Not Sent with one more retry, or Error past its limit)."""
	status = frappe.db.get_value("Email Queue", doc.name, "status")
	if status == "Error":
		return FAILED, error
	doc.retry = cint(frappe.db.get_value("Email Queue", doc.name, "retry"))
	return RETRY, None


def recover(names: list[str]) -> DeliveryReport:
	"""What a dead job left behind (rows still leased, so nobody else touches them): a row in the
	journal had its final dot written — recorded sent (accepted, or uncertain when the job died
	before reading the answer), never sent again; a row left *Sending* without a journal entry
	never got its final dot to the server — back to be sent."""
	eq, eqr = _queue(), _recipients()
	report = DeliveryReport()
	now = now_datetime()
	open_rows = []
	for chunk in create_batch(list(names), 1000):
		open_rows += (
			frappe.qb.from_(eq)
			.select(eq.name, eq.status)
			.where(eq.name.isin(list(chunk)))
			.where(eq.status.isin(["Not Sent", "Partially Sent", "Sending"]))
			.where(eq.send_after > now)
			.run(as_dict=True)
		)
	journal = work.marked([row.name for row in open_rows])
	report.accepted = [row.name for row in open_rows if journal.get(row.name, "").startswith(work.ACCEPTED)]
	report.uncertain = [row.name for row in open_rows if journal.get(row.name, "").startswith(work.HANDED)]
	back = [row.name for row in open_rows if row.status == "Sending" and row.name not in journal]
	if not (report.accepted or report.uncertain or back):
		return report
	mark_sent(report.accepted)
	mark_sent(report.uncertain, note=outcomes.UNCERTAIN_NOTE)
	if back:
		sent_to = set(
			frappe.qb.from_(eqr)
			.select(eqr.parent)
			.where(eqr.parent.isin(back))
			.where(eqr.status == "Sent")
			.run(pluck=True)
		)
		for status in ("Partially Sent", "Not Sent"):
			chosen = [name for name in back if (name in sent_to) == (status == "Partially Sent")]
			if chosen:
				frappe.qb.update(eq).set(eq.status, status).where(eq.name.isin(chosen)).run()
	if report.sent:
		outcomes.notify(report)
	if not in_test():
		frappe.db.commit()
	work.forget(report.sent)
	return report


# The scheduler's minute
def tick(recover: bool = True) -> None:
	"""Every minute (and after each job): enqueue the work items whose moment has come, and keep
	the leases of waiting items ahead of Frappe's flush."""
	connection = store.redis()
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
