// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.query_reports["Campaign Form Leads"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{ fieldname: "form", label: __("Form"), fieldtype: "Link", options: "Campaign Form" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
	],
};
