// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.query_reports["Email Account Deliverability"] = {
	filters: [
		{
			fieldname: "days",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "7", label: __("Last 7 Days") },
				{ value: "30", label: __("Last 30 Days") },
			],
			default: "7",
			reqd: 1,
		},
		{ fieldname: "email_account", label: __("Email Account"), fieldtype: "Link", options: "Email Account" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && column.fieldname === "paused" && data.is_paused) {
			value = `<span class="indicator-pill red">${__("Paused")}</span>`;
		}
		if (data && ["hard_bounce_rate", "complaint_rate"].includes(column.fieldname) && data[`${column.fieldname}_over`]) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
