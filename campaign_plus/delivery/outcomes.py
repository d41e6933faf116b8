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
	email_queue: str
	recipient: str
	code: int
	message: str

	@property
	def error(self) -> str:
		return f"{self.code} {self.message}".strip()


@dataclass
class DeliveryReport:
	campaign: str | None = None
	accepted: list[str] = field(default_factory=list)  # the server said 250
	uncertain: list[str] = field(default_factory=list)  # dropped after the final dot: counted sent
	rejected: list[Rejection] = field(default_factory=list)  # 5xx: refused for good
	failed: dict[str, str] = field(default_factory=dict)  # Frappe gave up (retries exhausted): error
	retrying: list[str] = field(default_factory=list)  # 4xx: tried again later
	released: list[str] = field(default_factory=list)  # left to Frappe's queue (lease expired)
	done_elsewhere: dict[str, str] = field(default_factory=dict)  # already Sent / Error: status

	@property
	def sent(self) -> list[str]:
		return [*self.accepted, *self.uncertain]

	def __bool__(self) -> bool:
		return any(
			(
				self.accepted,
				self.uncertain,
				self.rejected,
				self.failed,
				self.retrying,
				self.released,
				self.done_elsewhere,
			)
		)


def notify(report: DeliveryReport) -> None:
	for method in frappe.get_hooks(LISTENERS_HOOK):
		frappe.get_attr(method)(report)


UNCERTAIN_NOTE = (
	"Campaign Plus: the connection was lost after the message was handed to the mail server; "
	"it may have been delivered and is not sent again."
)


def rejection_error(rejection: Rejection) -> str:
	return f"Refused by the mail server for good: {rejection.error}"
