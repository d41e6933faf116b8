# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The reports of lead capture and scoring: leads per form and campaign with UTM source / medium,
form conversion (views → submissions → confirmed), score distribution, and the Campaign ROI
report's leads from forms."""

import frappe

from campaign_plus.campaign_plus.report.campaign_form_conversion import campaign_form_conversion
from campaign_plus.campaign_plus.report.campaign_form_leads import campaign_form_leads
from campaign_plus.campaign_plus.report.campaign_roi import campaign_roi
from campaign_plus.campaign_plus.report.lead_score_distribution import lead_score_distribution
from campaign_plus.consent import double_opt_in
from campaign_plus.forms import submit as submission
from campaign_plus.forms.views import count_view
from tests.integration.test_forms import email, setup, token, values  # setup: the forms' fixture


def test_form_reports_count_views_submissions_confirmations_by_source(setup):  # noqa: F811
	form = setup.form.name
	for _ in range(4):
		count_view(form, "https://partner.example.com")
	first = submission.submit(form, token(form), values(email(), utm_source="news", utm_medium="email"), None)
	submission.submit(form, token(form), values(email(), utm_source="news", utm_medium="email"), None)
	submission.submit(form, token(form), values(email(), utm_source="ads", utm_medium="cpc"), None)
	pending = frappe.db.get_value(
		"Campaign Form Submission", first.submission, ["consent", "email"], as_dict=True
	)
	assert double_opt_in.confirm((pending.consent, pending.email, "en")).outcome == double_opt_in.CONFIRMED

	_columns, rows = campaign_form_leads.execute({"form": form})
	by_source = {(r.utm_source, r.utm_medium): r for r in rows}
	assert {k: (r.submissions, r.new_parties, r.confirmed) for k, r in by_source.items()} == {
		("news", "email"): (2, 2, 1),
		("ads", "cpc"): (1, 1, 0),
	}
	assert all(r.campaign == setup.campaign for r in rows)

	_columns, rows, _message, chart = campaign_form_conversion.execute({"form": form})
	assert [(r["views"], r["submissions"], r["confirmed"], r["submission_rate"]) for r in rows] == [
		(4, 3, 1, 75.0)
	]
	assert chart["data"]["datasets"][0]["values"] == [4]

	_columns, rows = campaign_roi.execute({})
	[row] = [r for r in rows if r["campaign"] == setup.campaign]
	assert row["leads_from_forms"] == 3 and row["leads"] >= 3


def test_score_distribution_in_bands():
	city = f"Dist-{frappe.generate_hash(length=6)}"
	scores = [0, 4.5, 12, 19.99, 25, -3]
	before = {r["low"]: r["count"] for r in lead_score_distribution.execute({"band_width": 10})[1]}
	for i, score in enumerate(scores):
		lead = frappe.get_doc(
			{
				"doctype": "Lead",
				"first_name": f"D{i}",
				"email_id": f"d{i}-{city.lower()}@example.com",
				"city": city,
			}
		).insert()
		frappe.db.set_value("Lead", lead.name, "cp_lead_score", score, update_modified=False)
	_columns, rows, _message, chart = lead_score_distribution.execute(
		{"document_type": "Lead", "band_width": 10}
	)
	after = {r["low"]: r["count"] for r in rows}
	added = {low: after.get(low, 0) - before.get(low, 0) for low in set(after) | set(before)}
	assert {low: n for low, n in added.items() if n} == {-10.0: 1, 0.0: 2, 10.0: 2, 20.0: 1}
	assert chart["type"] == "bar"
