// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Status", {
	refresh(frm) {
		frm.trigger("set_next_status_query");
		frm.trigger("add_view_buttons");
	},

	set_next_status_query(frm) {
		frm.set_query("next_status", () => ({
			filters: { name: ["!=", frm.doc.name || ""] },
		}));
	},

	add_view_buttons(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Campaigns"),
			() => {
				frappe.route_options = { cp_status: frm.doc.name };
				frappe.set_route("List", "Campaign");
			},
			__("View")
		);
	},
});
