// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.query_reports["Campaign Form Conversion"] = {
	filters: [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
		{ fieldname: "form", label: __("Form"), fieldtype: "Link", options: "Campaign Form" },
	],
};
