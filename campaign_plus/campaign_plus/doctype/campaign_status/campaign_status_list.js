// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.listview_settings["Campaign Status"] = {
	add_fields: ["indicator_color", "is_closed"],
	get_indicator(doc) {
		return [__(doc.name), doc.indicator_color || "gray", "name,=," + doc.name];
	},
};
