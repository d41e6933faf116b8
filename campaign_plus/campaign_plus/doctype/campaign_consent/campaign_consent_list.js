// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.listview_settings["Campaign Consent"] = {
	add_fields: ["status", "source"],
	get_indicator(doc) {
		const colors = { Granted: "green", Refused: "red", Withdrawn: "orange", "Pending Confirmation": "blue" };
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		if (!frappe.user.has_role(["Sales Manager", "System Manager"])) return;
		listview.page.add_inner_button(__("Export for an Address"), () => campaign_plus.consent.export_dialog());
	},
};
