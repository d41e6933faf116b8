// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.query_reports["Lead Score Distribution"] = {
	filters: [
		{
			fieldname: "document_type",
			label: __("Document Type"),
			fieldtype: "Select",
			options: ["Lead", "Contact"],
			default: "Lead",
			reqd: 1,
		},
		{ fieldname: "band_width", label: __("Band Width"), fieldtype: "Float", default: 10 },
	],
};
