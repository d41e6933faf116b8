# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reputation guard: a campaign (or an outgoing Email Account) whose recent hard bounces,
complaints or reputation refusals reach a threshold is paused before it burns the sender.

**When it judges.** Whenever hard bounces or complaints are recorded — a refusal while delivering,
a DSN or an ARF report by email, an email service's webhook — through the
``campaign_plus_on_feedback`` hook, and whenever a delivery job meets a refusal for the sender's
reputation (the delivery report's class, counted once per row by
:mod:`campaign_plus.reputation.refusals`): the campaigns and the accounts of the rows touched are
judged (two aggregate queries each) by the engine (:mod:`campaign_plus.engine.reputation`), over
their sends since the later of the window's start and their last resume, once a minimum volume
has been sent (Campaign Plus Settings → Sender Reputation).

**What a pause does.** A *Campaign Reputation Pause* records why, with the figures. The
campaign's waiting rows (Planned, and Deferred until a moment) become *Deferred (Paused:
Reputation)* until an event (``ledger.defer``); rows already handed to Frappe's queue without a
delivery lease go back to waiting the same way; delivery jobs stop at their next chunk and give
their rows back (``campaign_plus_delivery_holds``); a send batch of a paused campaign defers its
rows instead of queueing them (``campaign_plus_send_holds``); new rows are recorded Deferred
(a plan rule). Nothing already handed to the mail server is touched, nothing is sent twice: a
row given back loses its unsent Email Queue row and is queued afresh after the resume. The
campaign's owner and the Sales Managers get a notification and an email with the figures; the
Campaign form shows the reason in red. An account's pause holds every campaign sending through it.

**Resume Sending** (Sales Manager) marks the pauses resumed (who, when), and releases the held
rows of every campaign nothing else holds (``ledger.release``): the planner sends them — after
checking exclusions (the addresses that bounced meanwhile are suppressed), send windows and the
frequency cap again — and the guard counts from the resume on.
"""

import datetime as dt

import frappe
from frappe import _
from frappe.utils import add_days, create_batch, get_fullname, now_datetime

from campaign_plus.engine import reputation
from campaign_plus.engine.schedule import DEFERRED, PAUSED_REPUTATION, PLANNED, QUEUED
from campaign_plus.reputation.figures import account_figures, campaign_figures
from campaign_plus.reputation.settings import get_guard_settings
from campaign_plus.sending import ledger
from campaign_plus.utils import feedback
from campaign_plus.utils.runtime import in_test

PAUSE = "Campaign Reputation Pause"
LEDGER = "Campaign Send Log"
PAUSED, RESUMED = "Paused", "Resumed"
CAMPAIGN, ACCOUNT = "Campaign", "Email Account"
EVENT = "campaign_plus_reputation"
CHUNK = 1000


# --- who is held ------------------------------------------------------------------------------


def active_pauses(campaign: str | None = None, accounts=()) -> list[dict]:
	"""The pauses in force over ``campaign`` or any of ``accounts``."""
	accounts = tuple(a for a in accounts or () if a)
	if not campaign and not accounts:
		return []
	conditions, values = [], {"paused": PAUSED, "campaign": campaign, "accounts": accounts or ("",)}
	if campaign:
		conditions.append("(`scope` = 'Campaign' AND `campaign` = %(campaign)s)")
	if accounts:
		conditions.append("(`scope` = 'Email Account' AND `email_account` IN %(accounts)s)")
	return frappe.db.sql(
		f"""SELECT `name`, `scope`, `campaign`, `email_account`, `reason`, `paused_on`
		FROM `tab{PAUSE}` WHERE `status` = %(paused)s AND ({" OR ".join(conditions)})
		ORDER BY `paused_on`""",
		values,
		as_dict=True,
	)


def campaign_accounts(campaign: str) -> set[str]:
	"""The outgoing accounts ``campaign`` sends through: those of its sent rows, and the settings'."""
	accounts = set(
		frappe.db.sql(
			f"""SELECT DISTINCT `email_account` FROM `tab{LEDGER}`
			WHERE `campaign` = %s AND `email_account` IS NOT NULL""",
			(campaign,),
			pluck=True,
		)
	)
	configured = frappe.db.get_single_value("Campaign Plus Settings", "email_account")
	if configured:
		accounts.add(configured)
	return accounts


def hold_reason(campaign: str | None, accounts=None) -> str | None:
	"""Hook ``campaign_plus_send_holds``: the Deferred reason when ``campaign`` (or an account it
	sends through) is paused, else None. ``accounts`` None: the campaign's own."""
	if not campaign and not accounts:
		return None
	if not frappe.db.exists(PAUSE, {"status": PAUSED}):
		return None
	if accounts is None:
		accounts = campaign_accounts(campaign) if campaign else set()
	return PAUSED_REPUTATION if active_pauses(campaign, accounts) else None


def plan_rule(campaign: str, rows: list, preview: bool = False) -> list:
	"""Hook ``campaign_plus_plan_rules``: new rows of a paused campaign wait (until Resume)."""
	if not hold_reason(campaign):
		return rows
	return [
		row.changed(status=DEFERRED, reason=PAUSED_REPUTATION, send_at=None) if row.status == PLANNED else row
		for row in rows
	]


# --- judging ----------------------------------------------------------------------------------


def on_feedback(rows_by_kind: dict[str, list[str]]) -> list[str]:
	"""Hook ``campaign_plus_on_feedback``: hard bounces or complaints recorded → judge their
	campaigns and accounts. Returns the pauses made."""
	names = [*rows_by_kind.get(feedback.HARD_BOUNCE, []), *rows_by_kind.get(feedback.COMPLAINT, [])]
	if not names:
		return []
	campaigns, accounts = set(), set()
	for chunk in create_batch(sorted(set(names)), CHUNK):
		for campaign, account in frappe.db.sql(
			f"SELECT DISTINCT `campaign`, `email_account` FROM `tab{LEDGER}` WHERE `name` IN %(names)s",
			{"names": tuple(chunk)},
		):
			campaigns.add(campaign)
			if account:
				accounts.add(account)
	return judge(campaigns, accounts)


def _since(scope: str, target: str, window_days: int, now) -> dt.datetime:
	start = add_days(now, -window_days)
	field = "campaign" if scope == CAMPAIGN else "email_account"
	resumed = frappe.db.sql(
		f"SELECT MAX(`resumed_on`) FROM `tab{PAUSE}` WHERE `scope` = %s AND `{field}` = %s AND `status` = %s",
		(scope, target, RESUMED),
	)[0][0]
	return max(start, resumed) if resumed else start


def judge(campaigns, accounts, now=None) -> list[str]:
	"""Judge ``accounts`` then ``campaigns`` (each not paused already); pause those past a line."""
	settings = get_guard_settings()
	if not settings.enabled:
		return []
	now = now or now_datetime()
	made = []
	for account in sorted(a for a in accounts if a):
		if active_pauses(None, [account]):
			continue
		since = _since(ACCOUNT, account, settings.window_days, now)
		verdict = reputation.judge(account_figures(account, since), settings.thresholds)
		if verdict.pause:
			made.append(pause(ACCOUNT, account, verdict, since))
	for campaign in sorted(c for c in campaigns if c):
		if any(p.scope == CAMPAIGN for p in active_pauses(campaign)):
			continue
		since = _since(CAMPAIGN, campaign, settings.window_days, now)
		verdict = reputation.judge(campaign_figures(campaign, since), settings.thresholds)
		if verdict.pause:
			made.append(pause(CAMPAIGN, campaign, verdict, since))
	return made


# --- pausing ----------------------------------------------------------------------------------


def campaigns_of_account(account: str, since) -> list[str]:
	"""The campaigns that sent through ``account`` since ``since`` (and may send more)."""
	return frappe.db.sql(
		f"""SELECT DISTINCT `campaign` FROM `tab{LEDGER}`
		WHERE `email_account` = %s AND `queued_on` >= %s""",
		(account, since),
		pluck=True,
	)


def pause(scope: str, target: str, verdict: reputation.Verdict, since) -> str:
	now = now_datetime()
	figures = verdict.figures
	doc = frappe.get_doc(
		{
			"doctype": PAUSE,
			"status": PAUSED,
			"scope": scope,
			"campaign": target if scope == CAMPAIGN else None,
			"email_account": target if scope == ACCOUNT else None,
			"reason": describe(verdict),
			"paused_on": now,
			"counted_since": since,
			"emails_sent": figures.sent,
			"hard_bounces": figures.hard_bounces,
			"complaints": figures.complaints,
			"reputation_refusals": figures.refusals,
			"hard_bounce_rate": figures.rate(reputation.HARD_BOUNCES),
			"complaint_rate": figures.rate(reputation.COMPLAINTS),
			"refusal_rate": figures.rate(reputation.REFUSALS),
		}
	).insert(ignore_permissions=True)
	campaigns = [target] if scope == CAMPAIGN else campaigns_of_account(target, since)
	held = hold_waiting(campaigns) + len(withdraw_from_frappes_queue(campaigns))
	doc.db_set("rows_deferred", held, update_modified=False)
	frappe.db.savepoint("campaign_plus_pause_notice")
	try:
		notify(doc, campaigns)
	except Exception:  # the pause stands even if nobody could be told: the error is logged
		frappe.db.rollback(save_point="campaign_plus_pause_notice")
		frappe.log_error(title=f"Campaign Plus: notifying the pause {doc.name} failed")
	for campaign in campaigns:
		frappe.publish_realtime(
			EVENT, {"paused": doc.name}, doctype="Campaign", docname=campaign, after_commit=True
		)
	return doc.name


def describe(verdict: reputation.Verdict) -> str:
	return _("Sending paused for the sender's reputation: {0}").format(reputation.describe(verdict, _))


def hold_waiting(campaigns: list[str]) -> int:
	"""The campaigns' Planned rows, and their rows deferred until a moment, wait until Resume."""
	if not campaigns:
		return 0
	names = frappe.db.sql(
		f"""SELECT `name` FROM `tab{LEDGER}` WHERE `campaign` IN %(campaigns)s
		AND (`status` = %(planned)s OR (`status` = %(deferred)s AND `send_at` IS NOT NULL))""",
		{"campaigns": tuple(campaigns), "planned": PLANNED, "deferred": DEFERRED},
		pluck=True,
	)
	ledger.defer(names, PAUSED_REPUTATION, None)
	return len(names)


def withdraw(names: list[str]) -> list[str]:
	"""Take rows back from the queue before they go: their Email Queue rows still *Not Sent* are
	deleted and their ledger rows wait again (Deferred, Paused: Reputation). The rows taken."""
	taken = []
	for chunk in create_batch(list(names), CHUNK):
		rows = frappe.db.sql(
			"""SELECT `name` FROM `tabEmail Queue` WHERE `name` IN %(names)s AND `status` = 'Not Sent'
			FOR UPDATE""",
			{"names": tuple(chunk)},
			pluck=True,
		)
		if not rows:
			continue
		values = {"names": tuple(rows)}
		frappe.db.sql(
			"""DELETE FROM `tabEmail Queue Recipient`
			WHERE `parenttype` = 'Email Queue' AND `parent` IN %(names)s""",
			values,
		)
		frappe.db.sql("DELETE FROM `tabEmail Queue` WHERE `name` IN %(names)s", values)
		frappe.db.sql(
			f"""UPDATE `tab{LEDGER}` SET `status` = %(deferred)s, `reason` = %(reason)s, `send_at` = NULL,
				`email_queue` = NULL, `queued_on` = NULL, `email_account` = NULL, `modified` = %(now)s
			WHERE `name` IN %(names)s AND `status` = %(queued)s""",
			{
				**values,
				"deferred": DEFERRED,
				"reason": PAUSED_REPUTATION,
				"queued": QUEUED,
				"now": now_datetime(),
			},
		)
		taken += rows
	return taken


def withdraw_from_frappes_queue(campaigns: list[str]) -> list[str]:
	"""Rows queued without a delivery lease (Frappe's own queue sends them): taken back now. Rows
	leased to delivery are given back by their job at its next chunk (:func:`withhold`)."""
	if not campaigns:
		return []
	names = frappe.db.sql(
		f"""SELECT l.`name` FROM `tab{LEDGER}` l JOIN `tabEmail Queue` q ON q.`name` = l.`email_queue`
		WHERE l.`campaign` IN %(campaigns)s AND l.`status` = %(queued)s AND q.`status` = 'Not Sent'
			AND (q.`send_after` IS NULL OR q.`send_after` <= %(now)s)""",
		{"campaigns": tuple(campaigns), "queued": QUEUED, "now": now_datetime()},
		pluck=True,
	)
	return withdraw(names)


def withhold(campaign: str | None, account: str | None, names: list[str]) -> list[str]:
	"""Hook ``campaign_plus_delivery_holds``: a delivery job about to send ``names`` of ``campaign``
	through ``account``: the rows of a paused campaign (or account) are taken back (committed)."""
	if not names or not frappe.db.exists(PAUSE, {"status": PAUSED}):
		return []
	if not active_pauses(campaign, [account] if account else []):
		return []
	taken = withdraw(names)
	if taken and not in_test():
		frappe.db.commit()
	return taken


def notify(doc, campaigns: list[str]) -> None:
	"""The campaigns' owners and the Sales Managers: a notification and an email with the figures."""
	owners = (
		set(frappe.get_all("Campaign", filters={"name": ("in", campaigns)}, pluck="owner"))
		if campaigns
		else set()
	)
	managers = set(
		frappe.get_all(
			"Has Role", filters={"role": "Sales Manager", "parenttype": "User"}, pluck="parent", distinct=True
		)
	)
	users = frappe.get_all(
		"User",
		filters={"name": ("in", list(owners | managers)), "enabled": 1, "user_type": "System User"},
		fields=["name", "email"],
	)
	users = [u for u in users if u.name not in ("Guest",)]
	if not users:
		return
	what = (
		_("Campaign {0}").format(doc.campaign)
		if doc.scope == CAMPAIGN
		else _("Email Account {0}").format(doc.email_account)
	)
	subject = _("{0}: sending paused for the sender's reputation").format(what)
	body = "<p>{}</p><p>{}</p>".format(
		frappe.utils.escape_html(doc.reason),
		_("Campaigns held: {0}. A Sales Manager resumes sending from the campaign (Resume Sending).").format(
			frappe.utils.escape_html(", ".join(campaigns) or "-")
		),
	)
	for user in users:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"subject": subject,
				"email_content": body,
				"for_user": user.name,
				"type": "Alert",
				"document_type": "Campaign" if campaigns else PAUSE,
				"document_name": campaigns[0] if campaigns else doc.name,
				"from_user": "Administrator",
			}
		).insert(ignore_permissions=True)
	recipients = sorted({u.email for u in users if u.email})
	if recipients:
		frappe.sendmail(
			recipients=recipients,
			subject=subject,
			message=body,
			reference_doctype=PAUSE,
			reference_name=doc.name,
			delayed=True,
		)


# --- resuming -----------------------------------------------------------------------------------


def resume(pauses: list[str], user: str | None = None) -> int:
	"""Resume these pauses (who, when) and release the held rows of every campaign no other pause
	holds; planning is enqueued for them. The number of rows released."""
	user = user or frappe.session.user
	now = now_datetime()
	docs = [frappe.get_doc(PAUSE, name) for name in pauses]
	docs = [doc for doc in docs if doc.status == PAUSED]
	if not docs:
		return 0
	for doc in docs:
		doc.db_set({"status": RESUMED, "resumed_by": user, "resumed_on": now})
	held = frappe.db.sql(
		f"""SELECT `campaign`, `name` FROM `tab{LEDGER}`
		WHERE `status` = %(deferred)s AND `reason` = %(reason)s AND `send_at` IS NULL""",
		{"deferred": DEFERRED, "reason": PAUSED_REPUTATION},
	)
	by_campaign: dict[str, list[str]] = {}
	for campaign, name in held:
		by_campaign.setdefault(campaign, []).append(name)
	released, freed = 0, []
	for campaign, names in by_campaign.items():
		if hold_reason(campaign):
			continue
		ledger.release(names)
		released += len(names)
		freed.append(campaign)
	for doc in docs:
		doc.db_set("rows_released", released, update_modified=False)
		target = doc.campaign or doc.email_account
		for campaign in [doc.campaign] if doc.campaign else freed:
			frappe.get_doc("Campaign", campaign).add_comment(
				"Info",
				_("Sending resumed by {0} ({1}): the reputation guard counts again from now.").format(
					get_fullname(user), target
				),
			)
			frappe.publish_realtime(EVENT, {"resumed": doc.name}, doctype="Campaign", docname=campaign,
				after_commit=True)  # fmt: skip
	if freed:
		frappe.enqueue(  # a planner run over these campaigns, under the planner lock, at once
			"campaign_plus.sending.planner.scheduled_run",
			queue="long",
			timeout=3600,
			job_id=f"campaign_plus:resume:{','.join(sorted(freed))}"[:200],
			deduplicate=True,
			enqueue_after_commit=True,
			now=in_test(),
			campaigns=sorted(freed),
		)
	return released


def resume_campaign(campaign: str, user: str | None = None) -> int:
	"""Resume every pause that holds ``campaign`` (its own, and its accounts')."""
	pauses = [p.name for p in active_pauses(campaign, campaign_accounts(campaign))]
	return resume(pauses, user)
