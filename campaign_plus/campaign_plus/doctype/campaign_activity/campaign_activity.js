// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Activity", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Assignments"),
			() => {
				frappe.route_options = { activity: frm.doc.name };
				frappe.set_route("List", "Campaign Activity Assignment");
			},
			__("View")
		);
	},
});
