# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

app_name = "campaign_plus"
app_title = "Campaign Plus"
app_publisher = "campaign_plus contributors"
app_description = (
	"Marketing campaigns for ERPNext: status codes, campaign card, scheduled emails, segments, "
	"campaign prices and ROI"
)
app_email = "campaign-plus@example.com"
app_license = "mit"

# "org/repo" form, as in frappe/hrms: Frappe 15 resolves a bare "erpnext" through the GitHub API.
required_apps = ["frappe/erpnext"]

# Desk
# ----
doctype_js = {
	"Campaign": ["public/js/campaign.js", "public/js/activity.js", "public/js/deliverability.js"],
	"Campaign Segment": ["public/js/activity.js", "public/js/consent.js"],
	"Lead": ["public/js/activity.js", "public/js/consent.js", "public/js/time_zone.js"],
	"Contact": ["public/js/activity.js", "public/js/consent.js", "public/js/time_zone.js"],
	"Opportunity": "public/js/activity.js",
	"Quotation": "public/js/campaign_prices.js",
	"Sales Order": "public/js/campaign_prices.js",
	"Sales Invoice": "public/js/campaign_prices.js",
	"Email Template": "public/js/email_template.js",
}
doctype_list_js = {"Campaign": "public/js/campaign_list.js", "Campaign Consent": "public/js/consent.js"}

override_doctype_dashboards = {
	"Campaign": "campaign_plus.card.dashboard.get_data",
	"Lead": "campaign_plus.card.dashboard.get_lead_data",
	"Contact": "campaign_plus.card.dashboard.get_contact_data",
}

# Install, migrate, uninstall
# ---------------------------
after_install = "campaign_plus.setup.install.after_install"
after_migrate = "campaign_plus.setup.install.after_migrate"
before_uninstall = "campaign_plus.setup.install.before_uninstall"

# Document events on ERPNext doctypes
# -----------------------------------
doc_events = {
	"Campaign": {
		"validate": [
			"campaign_plus.card.campaign.validate",
			"campaign_plus.consent.rule.set_default_rule",
			"campaign_plus.automation.conditions.validate_conditions",
			"campaign_plus.automation.rules.validate_rules",
		],
		"on_update": "campaign_plus.pricing.activation.deactivate_when_closed",
	},
	("Quotation", "Sales Order", "Sales Invoice"): {
		"before_validate": "campaign_plus.pricing.transactions.apply_campaign",
		# ERPNext 16 prices an added row on the server: again, with the campaign
		"process_item_selection": "campaign_plus.pricing.transactions.price_selected_item",
	},
	"Sales Order": {"on_submit": "campaign_plus.automation.rules.on_order"},
	("Lead", "Contact"): {
		"validate": [
			"campaign_plus.consent.records.set_marketing_consent",
			"campaign_plus.windows.zones.validate_time_zone",
			"campaign_plus.scoring.events.keep_scores",
		],
		"on_update": [
			"campaign_plus.consent.unsubscribe.on_party_update",
			"campaign_plus.scoring.events.on_party_update",
		],
	},
	"Email Unsubscribe": {
		"after_insert": [
			"campaign_plus.consent.unsubscribe.on_email_unsubscribe",
			"campaign_plus.suppression.unsubscribes.on_email_unsubscribe",
			"campaign_plus.scoring.events.on_email_unsubscribe",
		],
		"on_trash": "campaign_plus.suppression.unsubscribes.on_email_unsubscribe_trash",
	},
	"Email Account": {"validate": "campaign_plus.deliverability.accounts.validate_dkim"},
	"Campaign Form Submission": {"after_insert": "campaign_plus.scoring.events.on_form_submission"},
	"Email Group Member": {"on_update": "campaign_plus.consent.unsubscribe.on_group_member_update"},
	"Communication": {
		"before_insert": "campaign_plus.sending.stock.refuse_stock_campaign_email",
		"after_insert": [
			"campaign_plus.tracking.bounces.on_received_email",
			"campaign_plus.feedback.complaints.on_received_email",
			"campaign_plus.stats.responses.record_reply",
			"campaign_plus.optout.mail.on_received_email",
		],
	},
}

# Scheduled campaign email
# ------------------------
# The planner runs every 15 minutes: a step goes out when its local send moment has come.
scheduler_events = {
	"daily": ["campaign_plus.stats.aggregate.refresh_all"],
	# every lead score, valued again (engagement fades day by day)
	"daily_long": ["campaign_plus.scoring.job.enqueue_recompute"],
	"cron": {
		"*/15 * * * *": ["campaign_plus.sending.planner.plan_all"],
		"*/5 * * * *": ["campaign_plus.sending.planner.sync_ledger"],
		# paced delivery: work items whose moment came, leases kept ahead of Frappe's flush;
		# the tracking hits buffered in Redis, written in bulk
		"* * * * *": ["campaign_plus.delivery.job.tick", "campaign_plus.tracking.buffer.flush"],
	},
}

# What became of each delivered campaign email: each function receives a
# campaign_plus.delivery.outcomes.DeliveryReport after every delivery chunk (5xx: .rejected), in
# this order (a refusal is a hard bounce first; the ledger then leaves Bounced rows alone).
campaign_plus_delivery_listeners = [
	"campaign_plus.tracking.bounces.record_rejections",
	"campaign_plus.sending.ledger.record_delivery",
]

# Where recipients come from: each function takes a campaign name, returns engine Recipients.
campaign_plus_recipient_sources = [
	"campaign_plus.sending.recipients.email_campaign_recipients",
	"campaign_plus.segments.targets.segment_recipients",
]
# Addresses a capability excludes from sends: each function takes (campaign, recipients) and
# returns {reason: addresses} (see campaign_plus.sending.exclusions).
campaign_plus_address_exclusions = [
	"campaign_plus.consent.rule.no_consent",
	# the suppression list: hard bounces (Campaign Bounce), complaints, unsubscribes, by hand
	"campaign_plus.suppression.records.suppressed_addresses",
]
# Rules on the planner's new rows: each function takes (campaign, rows, preview=False) and returns the rows, some
# maybe Skipped or Deferred with a reason (see campaign_plus.sending.planner.apply_plan_rules).
campaign_plus_plan_rules = [
	"campaign_plus.automation.conditions.plan_rule",
	"campaign_plus.experiments.split.plan_rule",
	"campaign_plus.deliverability.gate.plan_rule",
	"campaign_plus.reputation.guard.plan_rule",
]
# Before each planner run: each function takes (campaigns, now).
campaign_plus_before_planning = [
	"campaign_plus.experiments.decisions.decide_due_tests",
	"campaign_plus.deliverability.gate.release_checked",
]
# A recipient engaged with a campaign email — each counting open and click (no bot, tracked
# individually) and each matched reply, exactly once. Opens and clicks come from the flush of
# buffered tracking hits: up to a minute after the hit, in a background job as Administrator,
# inside the flush's transaction (see campaign_plus.utils.engagement). Each function takes
# (ledger row, "click" | "reply"), once per click or reply (opens are not told here):
campaign_plus_on_engagement = []
# … or, in this hook instead, a list of campaign_plus.utils.engagement.Engagement (row, kind
# "open" | "click" | "reply", on) in the order they happened — many at once, for a listener that
# acts set-based:
campaign_plus_on_engagements = [
	"campaign_plus.automation.rules.on_engagements",
	"campaign_plus.scoring.events.on_engagements",
]
# Lead scores moved across thresholds: each function takes a list of
# campaign_plus.utils.scores.ScoreChange(party_type, party, previous, score, on).
campaign_plus_on_score_change = ["campaign_plus.automation.rules.on_score_changes"]
# Score these people now: each function takes a list of (party type, party) (the end of a
# campaign_plus.utils.scores.deferred_refresh block, e.g. a form submission).
campaign_plus_refresh_scores = ["campaign_plus.scoring.events.refresh_parties"]
# What Preview Schedule says of each step: each function takes a campaign and returns
# {schedule row: [sentence, …]}.
campaign_plus_step_notes = [
	"campaign_plus.automation.conditions.step_notes",
	"campaign_plus.experiments.split.step_notes",
]

# Headers of each campaign email, in both send paths (the delivery job's and Frappe's own send):
# each function is called once per send batch as fn(campaign, rows) — rows: the batch's Send Log
# rows about to be queued (frappe._dict: name, email, party_type, party, step_idx, step_label,
# schedule_row, email_template, email_campaign, email_account) — and returns
# {row name: {header name: value}}. Values are one line of ASCII; the headers a message is built
# with (From, To, Subject, Date, Message-ID, MIME headers, DKIM-Signature) cannot be given; the
# first function to give a name keeps it. Every header is in place before the DKIM signature,
# which is made last, at send time (campaign_plus.deliverability.outgoing).
campaign_plus_message_headers = [
	"campaign_plus.deliverability.headers.list_headers",
	# the metadata an email service echoes in its webhook events (SES tags, SendGrid unique
	# arguments, Mailgun variables, Postmark metadata, Brevo X-Mailin-custom), per account's provider
	"campaign_plus.webhooks.headers.provider_headers",
]

# Frappe's own send (and its flush, the delivery's safety net) hands each built message here:
# campaign emails get their queued header block back and their DKIM signature, then the message
# is sent as Frappe would (campaign_plus.deliverability.outgoing.send). Other emails: sent as is.
override_email_send = "campaign_plus.deliverability.outgoing.send"

# Check Deliverability: each function takes a campaign_plus.deliverability.checks.CheckContext (the
# campaign, each step's email rendered as it would be queued, the sending accounts, a DNS TXT
# reader) and returns campaign_plus.engine.deliverability.Finding objects (level, message, fix).
campaign_plus_deliverability_checks = [
	"campaign_plus.deliverability.checks.dns_checks",
	"campaign_plus.deliverability.checks.message_checks",
	"campaign_plus.deliverability.checks.volume_check",
	"campaign_plus.design.checks.deliverability_checks",
]

# Frappe's unsubscribe link (in campaign emails sent before the unsubscribe page) shows that page
# for a campaign — a GET never unsubscribes; any other link is Frappe's own.
override_whitelisted_methods = {
	"frappe.email.queue.unsubscribe": "campaign_plus.optout.api.legacy_unsubscribe",
}

# Campaign forms: their page /campaign-form/<address> and its embedding script (….js).
page_renderer = ["campaign_plus.forms.page.CampaignFormPage"]

# Consent records are kept, as proof, when their Lead, Contact or campaign is deleted.
ignore_links_on_delete = ["Campaign Consent"]

# Controllers carry the auto-generated type annotations of their doctype.
export_python_type_annotations = True

# What came back about sent campaign emails (bounces, complaints, deliveries, unsubscribes — by
# email, by an email service's webhook, from the mail server): each function takes
# {kind: [Send Log names]} (see campaign_plus.utils.feedback).
campaign_plus_on_feedback = ["campaign_plus.reputation.guard.on_feedback"]
# Holding campaign email back (see campaign_plus.utils.holds): a send batch asks each function
# (campaign, accounts) for a reason to defer its rows; a delivery job asks each function
# (campaign, account, names) which rows it takes back before the next chunk.
campaign_plus_send_holds = ["campaign_plus.reputation.guard.hold_reason"]
campaign_plus_delivery_holds = ["campaign_plus.reputation.guard.withhold"]
