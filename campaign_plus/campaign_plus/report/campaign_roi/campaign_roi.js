// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.query_reports["Campaign ROI"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{ fieldname: "status", label: __("Status"), fieldtype: "Link", options: "Campaign Status" },
	],
};
