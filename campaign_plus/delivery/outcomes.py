# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What became of each message a delivery job handled: the one place that knows.

After each chunk, the job commits its Email Queue changes and hands a :class:`DeliveryReport`
to every function listed in the ``campaign_plus_delivery_listeners`` hook (the sending ledger
is one: Sent / Failed at once instead of at the next sync). A message the server refused for
good (5xx) is a :class:`Rejection` with the server's code and text: a listener that tracks
bounces marks it *Bounced* from there.
"""

from dataclasses import dataclass, field

import frappe

LISTENERS_HOOK = "campaign_plus_delivery_listeners"


@dataclass(frozen=True)
class Rejection:
	"""A refusal by the mail server, with its code and text, and what it means (the engine's
	:func:`~campaign_plus.engine.pacing.classify`: ``kind``, and ``reputation`` for an
	authentication / reputation reply such as Gmail's 4.7.28 or 5.7.26, Outlook's 5.7.515)."""

	email_queue: str
	recipient: str
	code: int
	message: str
	kind: str = "rejected"
	reputation: bool = False

	@property
	def error(self) -> str:
		return f"{self.code} {self.message}".strip()


@dataclass
class DeliveryReport:
	campaign: str | None = None
	accepted: list[str] = field(default_factory=list)  # the server said 250
	uncertain: list[str] = field(default_factory=list)  # the job died after the final dot: kept sent,
	# flagged "may not have arrived"
	rejected: list[Rejection] = field(default_factory=list)  # 5xx for the recipient: a hard bounce
	blocked: list[Rejection] = field(default_factory=list)  # 5xx for the sender / its reputation: Error,
	# not a hard bounce (the address is not at fault)
	failed: dict[str, str] = field(default_factory=dict)  # Frappe gave up (retries exhausted): error
	retrying: list[str] = field(default_factory=list)  # 4xx for the recipient: tried again later
	released: list[str] = field(default_factory=list)  # left to Frappe's queue (lease expired)
	done_elsewhere: dict[str, str] = field(default_factory=dict)  # already Sent / Error: status
	# Additive, for listeners that watch the account (the reputation guard):
	throttled: list[Rejection] = field(default_factory=list)  # 4xx for the session / account: waits,
	# no retry counted (the row is sent later, in another report)
	reputation: list[Rejection] = field(default_factory=list)  # every reputation-class reply (4xx or 5xx)
	resent: list[str] = field(default_factory=list)  # accepted after a reply lost after the final dot
	doubtful: list[str] = field(default_factory=list)  # sent again after a fault that may have let
	# the server keep them: a dead job's rows without the Redis journal, or a connection lost after the
	# final dot (RFC 1047): they may arrive twice (flagged; accepted in this report or a later one)
	again: list[str] = field(default_factory=list)  # a dead job's rows never handed over: sent again
	living: list[str] = field(default_factory=list)  # rows another living job is handing over

	@property
	def sent(self) -> list[str]:
		return [*self.accepted, *self.uncertain]

	@property
	def refused(self) -> list[Rejection]:
		"""Refused for good (the rows are in Error)."""
		return [*self.rejected, *self.blocked]

	def __bool__(self) -> bool:
		return any(
			(
				self.accepted,
				self.uncertain,
				self.rejected,
				self.blocked,
				self.failed,
				self.retrying,
				self.released,
				self.done_elsewhere,
				self.throttled,
				self.doubtful,
			)
		)


def notify(report: DeliveryReport) -> None:
	for method in frappe.get_hooks(LISTENERS_HOOK):
		frappe.get_attr(method)(report)


UNCERTAIN_NOTE = (
	"Campaign Plus: the delivery job stopped after handing the message to the mail server, before "
	"its answer: it may not have arrived (Send Again on the campaign sends it again)."
)
RESENT_NOTE = (
	"Campaign Plus: the connection was lost after the message's data, without an answer: sent again "
	"(RFC 5321 6.1); the recipient may have it twice."
)
DOUBTFUL_NOTE = (
	"Campaign Plus: the delivery job and the queue Redis were lost while the message was being handed "
	"over: sent again; the recipient may have it twice."
)


def rejection_error(rejection: Rejection) -> str:
	return f"Refused by the mail server for good: {rejection.error}"


def blocked_error(refusal: Rejection) -> str:
	what = "the sender's reputation or authentication" if refusal.reputation else "the sender or the message"
	return f"Refused by the mail server for {what} (not a bounce of the address): {refusal.error}"
