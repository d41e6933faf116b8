# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""What campaign_plus adds to ERPNext's own doctypes, as data (no frappe import).

:mod:`campaign_plus.setup.install` creates these on install and on every migrate, and removes
them on uninstall; the conformance tests check them without a site.
"""

from campaign_plus.engine.windows import QUARTER_HOUR_OPTIONS

MODULE = "Campaign Plus"

CUSTOM_FIELDS: dict[str, list[dict]] = {
	"Campaign": [
		{"fieldname": "cp_column_break_card", "fieldtype": "Column Break", "insert_after": "naming_series"},
		{
			"fieldname": "cp_status",
			"label": "Status",
			"fieldtype": "Link",
			"options": "Campaign Status",
			"insert_after": "cp_column_break_card",
			"in_list_view": 1,
			"in_standard_filter": 1,
			"bold": 1,
			"search_index": 1,
		},
		{
			"fieldname": "cp_status_color",
			"label": "Status Colour",
			"fieldtype": "Data",
			"insert_after": "cp_status",
			"fetch_from": "cp_status.indicator_color",
			"read_only": 1,
			"hidden": 1,
		},
		{
			"fieldname": "cp_sales_person",
			"label": "Sales Person",
			"fieldtype": "Link",
			"options": "Sales Person",
			"insert_after": "cp_status_color",
			"in_standard_filter": 1,
		},
		{
			"fieldname": "cp_card_section",
			"label": "Campaign Card",
			"fieldtype": "Section Break",
			"insert_after": "cp_sales_person",
		},
		{
			"fieldname": "cp_start_date",
			"label": "Start Date",
			"fieldtype": "Date",
			"insert_after": "cp_card_section",
			"in_list_view": 1,
		},
		{
			"fieldname": "cp_end_date",
			"label": "End Date",
			"fieldtype": "Date",
			"insert_after": "cp_start_date",
			"in_list_view": 1,
		},
		{"fieldname": "cp_card_column_break", "fieldtype": "Column Break", "insert_after": "cp_end_date"},
		{
			"fieldname": "cp_company",
			"label": "Company",
			"fieldtype": "Link",
			"options": "Company",
			"insert_after": "cp_card_column_break",
		},
		{
			"fieldname": "cp_currency",
			"label": "Currency",
			"fieldtype": "Link",
			"options": "Currency",
			"insert_after": "cp_company",
			"fetch_from": "cp_company.default_currency",
			"read_only": 1,
		},
		{
			"fieldname": "cp_budget",
			"label": "Budget",
			"fieldtype": "Currency",
			"options": "cp_currency",
			"insert_after": "cp_currency",
			"non_negative": 1,
		},
		{
			"fieldname": "cp_statistics_section",
			"label": "Statistics",
			"fieldtype": "Section Break",
			"insert_after": "description",
			"collapsible": 1,
		},
		{
			"fieldname": "cp_statistics_updated_on",
			"label": "Statistics Updated On",
			"fieldtype": "Datetime",
			"insert_after": "cp_statistics_section",
			"read_only": 1,
			"no_copy": 1,
		},
	],
}

CUSTOM_FIELDS["Campaign Email Schedule"] = [
	{
		"fieldname": "cp_date_formula",
		"label": "Date Formula",
		"fieldtype": "Data",
		"insert_after": "send_after_days",
		"in_list_view": 1,
		"columns": 2,
		"description": "Instead of days: a date formula from the recipient's start date, e.g. 10D, 1W, 2M, 1Q, 1Y, CM (end of month), CM+1D (first day of next month), -1W+2D, WD1 (next Monday), -WD5 (previous Friday).",
	},
	{
		"fieldname": "cp_step_label",
		"label": "Step Label",
		"fieldtype": "Data",
		"insert_after": "email_template",
		"in_list_view": 1,
		"columns": 2,
	},
	{
		"fieldname": "cp_send_time",
		"label": "Send Time",
		"fieldtype": "Select",
		"options": QUARTER_HOUR_OPTIONS,
		"insert_after": "cp_date_formula",
		"in_list_view": 1,
		"columns": 1,
		"description": "The time of day the step goes out on its due day. Empty: from the start of the day, at the planner's next run.",
	},
	{
		"fieldname": "cp_in_recipient_time_zone",
		"label": "In the Recipient's Time Zone",
		"fieldtype": "Check",
		"default": "1",
		"insert_after": "cp_send_time",
		"depends_on": "cp_send_time",
		"description": "The send time is each recipient's local time (their own time zone, else their country's, else the site's). Unticked: the site's time.",
	},
]

_EXCLUDE = {
	"fieldname": "cp_exclude_from_segments",
	"label": "Exclude from Campaign Segments",
	"fieldtype": "Check",
	"insert_after": "unsubscribed",
	"description": "Never added to a campaign segment.",
}
CUSTOM_FIELDS["Lead"] = [dict(_EXCLUDE)]
CUSTOM_FIELDS["Contact"] = [dict(_EXCLUDE)]

# Marketing consent: the current consent of the primary address (kept in step by the consent
# service), and the campaign's opt-in rule.
_MARKETING_CONSENT = {
	"fieldname": "cp_marketing_consent",
	"label": "Marketing Consent",
	"fieldtype": "Select",
	"options": "\nGranted\nRefused\nWithdrawn\nPending Confirmation",
	"insert_after": "cp_exclude_from_segments",
	"read_only": 1,
	"no_copy": 1,
	"in_standard_filter": 1,
	"description": "The current consent of this email address to campaign emails (its history: Campaign Consent).",
}
CUSTOM_FIELDS["Lead"].append(dict(_MARKETING_CONSENT))
CUSTOM_FIELDS["Contact"].append(dict(_MARKETING_CONSENT))
CUSTOM_FIELDS["Campaign"].append(
	{
		"fieldname": "cp_opt_in_rule",
		"label": "Opt-in Required For",
		"fieldtype": "Select",
		"options": "\nPrivate Persons\nAll Recipients\nNot Required",
		"insert_after": "campaign_schedules_section",
		"description": "Whose granted marketing consent this campaign's emails need; the others are skipped (No Consent). Private Persons: Leads and Contacts without a company, individual customers and Email Group members. New campaigns take the default of Campaign Plus Settings; campaigns made before this setting existed need none.",
	}
)

# The recipient's own time zone for send windows (an IANA name, checked on save).
_TIME_ZONE = {
	"fieldname": "cp_time_zone",
	"label": "Time Zone",
	"fieldtype": "Autocomplete",
	"insert_after": "cp_marketing_consent",
	"description": "For campaign emails sent at a local time. Empty: the time zone of the country of the primary address, else the site's.",
}
CUSTOM_FIELDS["Lead"].append(dict(_TIME_ZONE))
CUSTOM_FIELDS["Contact"].append(dict(_TIME_ZONE))

# To-dos and events made by campaign activities carry their campaign and assignment.
_TASK_LINKS = [
	{"fieldname": "cp_campaign", "label": "Campaign", "fieldtype": "Link", "options": "Campaign", "read_only": 1, "in_standard_filter": 1, "search_index": 1},
	{"fieldname": "cp_activity_assignment", "label": "Activity Assignment", "fieldtype": "Link",
	 "options": "Campaign Activity Assignment", "read_only": 1, "search_index": 1},
]  # fmt: skip
# Each task carries its step's cost and duration (copied when it is created): once done, it
# counts into the campaign's cost and duration statistics.
_TASK_COSTS = [
	{"fieldname": "cp_cost", "label": "Campaign Cost", "fieldtype": "Currency", "options": "Campaign:cp_campaign:cp_currency",
	 "read_only": 1, "non_negative": 1,
	 "insert_after": "cp_activity_assignment", "depends_on": "eval:doc.cp_activity_assignment",
	 "description": "The activity step's cost, counted in the campaign's statistics once the task is done."},
	{"fieldname": "cp_duration", "label": "Campaign Duration (Minutes)", "fieldtype": "Int", "read_only": 1,
	 "non_negative": 1, "insert_after": "cp_cost", "depends_on": "eval:doc.cp_activity_assignment"},
]  # fmt: skip
CUSTOM_FIELDS["ToDo"] = [
	{**_TASK_LINKS[0], "insert_after": "reference_name"},
	{**_TASK_LINKS[1], "insert_after": "cp_campaign"},
	*(dict(field) for field in _TASK_COSTS),
]
CUSTOM_FIELDS["Event"] = [
	{**_TASK_LINKS[0], "insert_after": "description"},
	{**_TASK_LINKS[1], "insert_after": "cp_campaign"},
	*(dict(field) for field in _TASK_COSTS),
]

# When a campaign's emails may go out: priority under the frequency cap, quiet hours, business days.
CUSTOM_FIELDS["Campaign"] += [
	{"fieldname": "cp_send_window_section", "label": "Send Window", "fieldtype": "Section Break",
	 "insert_after": "campaign_schedules", "collapsible": 1},
	{"fieldname": "cp_priority", "label": "Priority", "fieldtype": "Int", "insert_after": "cp_send_window_section",
	 "default": "0", "description": "When the frequency cap of Campaign Plus Settings lets fewer emails reach an address than are due, campaigns with a higher priority go first; the others wait."},
	{"fieldname": "cp_business_days_only", "label": "Business Days Only", "fieldtype": "Check",
	 "insert_after": "cp_priority", "description": "Send only on the working days of the campaign's company (its default Holiday List, weekends as that list says; Saturday and Sunday off without one), on the recipient's local date."},
	{"fieldname": "cp_send_window_column_break", "fieldtype": "Column Break", "insert_after": "cp_business_days_only"},
	{"fieldname": "cp_quiet_hours", "label": "Quiet Hours", "fieldtype": "Select", "options": "Default\nCustom\nOff",
	 "default": "Default", "insert_after": "cp_send_window_column_break",
	 "description": "Nothing goes out during quiet hours, in the recipient's local time: it waits until they end. Default: the quiet hours of Campaign Plus Settings."},
	{"fieldname": "cp_quiet_hours_start", "label": "Quiet From", "fieldtype": "Select", "options": QUARTER_HOUR_OPTIONS,
	 "insert_after": "cp_quiet_hours", "depends_on": "eval:doc.cp_quiet_hours=='Custom'",
	 "mandatory_depends_on": "eval:doc.cp_quiet_hours=='Custom'"},
	{"fieldname": "cp_quiet_hours_end", "label": "Quiet Until", "fieldtype": "Select", "options": QUARTER_HOUR_OPTIONS,
	 "insert_after": "cp_quiet_hours_start",
	 "depends_on": "eval:doc.cp_quiet_hours=='Custom'", "mandatory_depends_on": "eval:doc.cp_quiet_hours=='Custom'"},
]  # fmt: skip

# Steps that react to what the recipient did with an earlier step.
CUSTOM_FIELDS["Campaign Email Schedule"] += [
	{"fieldname": "cp_condition", "label": "Condition", "fieldtype": "Select", "options": "\nOnly If\nUnless",
	 "insert_after": "cp_in_recipient_time_zone",
	 "description": "Send this step only if (or unless) the recipient did something with an earlier step's email, judged when this step falls due; the others are skipped (Condition Not Met)."},
	{"fieldname": "cp_condition_event", "label": "The Recipient", "fieldtype": "Select",
	 "options": "Opened\nClicked\nReplied", "insert_after": "cp_condition", "depends_on": "cp_condition",
	 "mandatory_depends_on": "cp_condition"},
	{"fieldname": "cp_condition_step", "label": "Step", "fieldtype": "Int", "insert_after": "cp_condition_event",
	 "depends_on": "cp_condition", "mandatory_depends_on": "cp_condition",
	 "description": "The number of an earlier step."},
	{"fieldname": "cp_condition_days", "label": "Within (Days)", "fieldtype": "Int", "insert_after": "cp_condition_step",
	 "depends_on": "cp_condition", "non_negative": 1,
	 "description": "Counted from that step's send. Empty: any time before this step falls due."},
]  # fmt: skip

# What to do, once per recipient, when a recipient clicks, replies or orders.
CUSTOM_FIELDS["Campaign"] += [
	{"fieldname": "cp_automation_section", "label": "Automation", "fieldtype": "Section Break",
	 "insert_after": "cp_quiet_hours_end", "collapsible": 1,
	 "description": "Each rule acts once per recipient, logged as a campaign interaction."},
	{"fieldname": "cp_event_rules", "label": "Event Rules", "fieldtype": "Table", "options": "Campaign Event Rule",
	 "insert_after": "cp_automation_section"},
]  # fmt: skip

# Campaign prices and line discounts (ERPNext Pricing Rules generated on Activate).
CUSTOM_FIELDS["Campaign"] += [
	{"fieldname": "cp_prices_section", "label": "Campaign Prices", "fieldtype": "Section Break",
	 "insert_after": "cp_event_rules", "collapsible": 1},
	{"fieldname": "cp_item_prices", "label": "Item Prices", "fieldtype": "Table", "options": "Campaign Item Price",
	 "insert_after": "cp_prices_section"},
	{"fieldname": "cp_line_discounts", "label": "Line Discounts", "fieldtype": "Table",
	 "options": "Campaign Line Discount", "insert_after": "cp_item_prices"},
	{"fieldname": "cp_prices_active", "label": "Prices Active", "fieldtype": "Check", "insert_after": "cp_line_discounts",
	 "read_only": 1, "no_copy": 1, "in_standard_filter": 1},
	{"fieldname": "cp_prices_column_break", "fieldtype": "Column Break", "insert_after": "cp_prices_active"},
	{"fieldname": "cp_prices_activated_by", "label": "Activated By", "fieldtype": "Link", "options": "User",
	 "insert_after": "cp_prices_column_break", "read_only": 1, "no_copy": 1},
	{"fieldname": "cp_prices_activated_on", "label": "Activated On", "fieldtype": "Datetime",
	 "insert_after": "cp_prices_activated_by", "read_only": 1, "no_copy": 1},
	{"fieldname": "cp_prices_deactivated_by", "label": "Deactivated By", "fieldtype": "Link", "options": "User",
	 "insert_after": "cp_prices_activated_on", "read_only": 1, "no_copy": 1},
	{"fieldname": "cp_prices_deactivated_on", "label": "Deactivated On", "fieldtype": "Datetime",
	 "insert_after": "cp_prices_deactivated_by", "read_only": 1, "no_copy": 1},
]  # fmt: skip
CUSTOM_FIELDS["Pricing Rule"] = [
	{"fieldname": "cp_campaign", "label": "Generated for Campaign", "fieldtype": "Link", "options": "Campaign",
	 "insert_after": "campaign", "read_only": 1, "no_copy": 1, "search_index": 1},
	{"fieldname": "cp_source_row", "label": "Campaign Price Row", "fieldtype": "Data", "insert_after": "cp_campaign",
	 "read_only": 1, "hidden": 1, "no_copy": 1},
]  # fmt: skip

# The campaign card's statistics (read-only; "Refresh Statistics" and a nightly job fill them).
_STATS = [
	("cp_targets_contacted", "Targets Contacted", "Int"),
	("cp_targets_responded", "Targets Responded", "Int"),
	("cp_response_rate", "Response Rate %", "Percent"),
	("cp_cost", "Cost", "Currency"),
	("cp_duration", "Duration (Minutes)", "Float"),
	("cp_cost_per_response", "Cost per Response", "Currency"),
	("cp_duration_per_response", "Duration per Response (Minutes)", "Float"),
	("cp_stats_column_break", None, "Column Break"),
	("cp_leads", "Leads", "Int"),
	("cp_opportunities", "Opportunities", "Int"),
	("cp_opportunity_value", "Opportunity Value", "Currency"),
	("cp_quotations", "Quotations", "Int"),
	("cp_sales_orders", "Sales Orders", "Int"),
	("cp_sales_invoices", "Sales Invoices", "Int"),
	("cp_revenue", "Revenue", "Currency"),
	("cp_roi", "ROI %", "Percent"),
	("cp_budget_used", "Budget Used %", "Percent"),
	# Email engagement (campaign_plus.tracking.statistics).
	("cp_engagement_section", "Email Engagement", "Section Break"),
	("cp_emails_delivered", "Emails Delivered", "Int"),
	("cp_unique_opens", "Unique Opens", "Int"),
	("cp_open_rate", "Open Rate %", "Percent"),
	("cp_unique_clicks", "Unique Clicks", "Int"),
	("cp_click_rate", "Click Rate %", "Percent"),
	("cp_engagement_column_break", None, "Column Break"),
	("cp_hard_bounces", "Hard Bounces", "Int"),
	("cp_soft_bounces", "Soft Bounces", "Int"),
	("cp_bounce_rate", "Bounce Rate %", "Percent"),
	("cp_complaints", "Complaints", "Int"),
	("cp_complaint_rate", "Complaint Rate %", "Percent"),
	("cp_email_unsubscribes", "Unsubscribes", "Int"),
	("cp_email_replies", "Replies", "Int"),
	("cp_reply_rate", "Reply Rate %", "Percent"),
]
_after = "cp_statistics_updated_on"
for _fieldname, _label, _fieldtype in _STATS:
	_field = {"fieldname": _fieldname, "fieldtype": _fieldtype, "insert_after": _after}
	if _fieldtype == "Section Break":
		_field.update({"label": _label, "collapsible": 1})
	elif _label:
		_field.update({"label": _label, "read_only": 1, "no_copy": 1})
	if _fieldtype == "Currency":
		_field["options"] = "cp_currency"
	CUSTOM_FIELDS["Campaign"].append(_field)
	_after = _fieldname

# Engagement tracking: per campaign switches, the recipients' tracking consent, the card's figures.
CUSTOM_FIELDS["Campaign"] += [
	{"fieldname": "cp_tracking_section", "label": "Email Tracking", "fieldtype": "Section Break",
	 "insert_after": "cp_prices_deactivated_on", "collapsible": 1},
	{"fieldname": "cp_track_opens", "label": "Track Opens", "fieldtype": "Check", "default": "1",
	 "insert_after": "cp_tracking_section",
	 "description": "Campaign emails carry an invisible image that tells when they are opened."},
	{"fieldname": "cp_track_clicks", "label": "Track Clicks", "fieldtype": "Check", "default": "1",
	 "insert_after": "cp_track_opens",
	 "description": "Links of campaign emails go through this site, which records the click and forwards."},
]  # fmt: skip
_TRACKING_CONSENT = [
	{"fieldname": "cp_tracking_consent", "label": "Email Tracking Consent", "fieldtype": "Select",
	 "options": "Unknown\nGranted\nRefused", "default": "Unknown", "insert_after": "cp_marketing_consent",
	 "description": "Whether opens and clicks of campaign emails may be recorded for this person (needed when "
	 "Campaign Plus Settings require consent; without it they only count in each step's totals)."},
	{"fieldname": "cp_tracking_consent_date", "label": "Tracking Consent Date", "fieldtype": "Date",
	 "insert_after": "cp_tracking_consent", "depends_on": "eval:doc.cp_tracking_consent != 'Unknown'"},
	{"fieldname": "cp_tracking_consent_source", "label": "Tracking Consent Source", "fieldtype": "Data",
	 "insert_after": "cp_tracking_consent_date", "depends_on": "eval:doc.cp_tracking_consent != 'Unknown'",
	 "description": "Where the answer was given: a web form, a signed document, a call…"},
]  # fmt: skip
CUSTOM_FIELDS["Lead"] += [dict(field) for field in _TRACKING_CONSENT]
CUSTOM_FIELDS["Contact"] += [dict(field) for field in _TRACKING_CONSENT]

# DKIM signing of campaign emails, per outgoing Email Account (campaign_plus.deliverability).
CUSTOM_FIELDS["Email Account"] = [
	{"fieldname": "cp_dkim_section", "label": "DKIM Signing (Campaign Emails)", "fieldtype": "Section Break",
	 "insert_after": "brand_logo", "collapsible": 1, "depends_on": "enable_outgoing"},
	{"fieldname": "cp_dkim_enabled", "label": "Sign Campaign Emails with DKIM", "fieldtype": "Check",
	 "insert_after": "cp_dkim_section",
	 "description": "Campaign emails sent through this account carry a DKIM signature made by this site, covering "
	 "their list headers (List-Unsubscribe, List-Unsubscribe-Post), as Gmail, Yahoo and Outlook.com expect."},
	{"fieldname": "cp_dkim_domain", "label": "DKIM Domain", "fieldtype": "Data", "insert_after": "cp_dkim_enabled",
	 "depends_on": "cp_dkim_enabled", "mandatory_depends_on": "cp_dkim_enabled",
	 "description": "The domain that signs (d=): the domain of the sending address, or its parent domain."},
	{"fieldname": "cp_dkim_selector", "label": "DKIM Selector", "fieldtype": "Data", "insert_after": "cp_dkim_domain",
	 "depends_on": "cp_dkim_enabled", "mandatory_depends_on": "cp_dkim_enabled",
	 "description": "A name of your choice for this key (s=), such as campaign2026."},
	{"fieldname": "cp_dkim_column", "fieldtype": "Column Break", "insert_after": "cp_dkim_selector"},
	{"fieldname": "cp_dkim_private_key", "label": "DKIM Private Key", "fieldtype": "Password",
	 "insert_after": "cp_dkim_column", "depends_on": "cp_dkim_enabled", "no_copy": 1,
	 "description": "An RSA private key (PEM). Left empty, a 2048-bit key is made when you save."},
	{"fieldname": "cp_dkim_dns_record", "label": "DNS Record to Publish", "fieldtype": "Small Text",
	 "insert_after": "cp_dkim_private_key", "depends_on": "cp_dkim_enabled", "read_only": 1, "no_copy": 1,
	 "description": "Publish this TXT record in your domain's DNS, then run Check Deliverability on a campaign."},
]  # fmt: skip

# Lead score (campaign_plus.scoring): the score and its parts, written set-based by the scoring
# service (never by a form); the score is a list column, filter, sort key and segment criterion.
_LEAD_SCORE = [
	{"fieldname": "cp_lead_score", "label": "Lead Score", "fieldtype": "Float", "insert_after": "cp_tracking_consent_source",
	 "read_only": 1, "no_copy": 1, "in_list_view": 1, "in_standard_filter": 1, "search_index": 1, "precision": "2",
	 "description": "Fit points plus engagement points that fade with time (Campaign Plus Settings, Lead Score)."},
	{"fieldname": "cp_score_fit", "label": "Fit Points", "fieldtype": "Float", "insert_after": "cp_lead_score",
	 "read_only": 1, "no_copy": 1, "precision": "2", "depends_on": "cp_score_on"},
	{"fieldname": "cp_score_engagement", "label": "Engagement Points", "fieldtype": "Float",
	 "insert_after": "cp_score_fit", "read_only": 1, "no_copy": 1, "precision": "2", "depends_on": "cp_score_on"},
	{"fieldname": "cp_score_on", "label": "Score Computed On", "fieldtype": "Datetime", "insert_after": "cp_score_engagement",
	 "read_only": 1, "no_copy": 1, "depends_on": "cp_score_on"},
	{"fieldname": "cp_score_checked", "label": "Previous Lead Score", "fieldtype": "Float", "insert_after": "cp_score_on",
	 "read_only": 1, "no_copy": 1, "hidden": 1, "precision": "2"},
]  # fmt: skip
CUSTOM_FIELDS["Lead"] += [dict(field) for field in _LEAD_SCORE]
CUSTOM_FIELDS["Contact"] += [dict(field) for field in _LEAD_SCORE]

# The email designer: a template that points to a design sends the compiled design.
CUSTOM_FIELDS["Email Template"] = [
	{
		"fieldname": "cp_email_design",
		"label": "Email Design",
		"fieldtype": "Link",
		"options": "Campaign Email Design",
		"insert_after": "subject",
		"description": "Sends this design, built in the Email Designer, instead of the text below (the subject stays this template's).",
	},
]

PROPERTY_SETTERS: list[dict] = [
	# The status history of a campaign shows in its timeline.
	{
		"doctype": "Campaign",
		"doctype_or_field": "DocType",
		"property": "track_changes",
		"value": "1",
		"property_type": "Check",
	},
]

# Default status codes, created on install (their labels are translated through locale/*.po).
DEFAULT_STATUSES: list[dict] = [
	{
		"code": "Planned",
		"sequence": 10,
		"next_status": "Active",
		"indicator_color": "blue",
		"is_closed": 0,
		"description": "Being prepared; nothing is sent yet.",
	},
	{
		"code": "Active",
		"sequence": 20,
		"next_status": "Completed",
		"indicator_color": "green",
		"is_closed": 0,
		"description": "Running: emails are sent and campaign prices apply.",
	},
	{
		"code": "On Hold",
		"sequence": 30,
		"next_status": "Active",
		"indicator_color": "orange",
		"is_closed": 0,
		"description": "Paused; it can be resumed.",
	},
	{
		"code": "Completed",
		"sequence": 40,
		"next_status": None,
		"indicator_color": "gray",
		"is_closed": 1,
		"description": "Finished: nothing more is sent.",
	},
	{
		"code": "Canceled",
		"sequence": 50,
		"next_status": None,
		"indicator_color": "red",
		"is_closed": 1,
		"description": "Stopped before the end: nothing more is sent.",
	},
]

# Campaign Status indicator colours (the desk's indicator palette).
INDICATOR_COLORS = ("blue", "green", "orange", "red", "gray", "yellow", "purple", "pink", "cyan")
