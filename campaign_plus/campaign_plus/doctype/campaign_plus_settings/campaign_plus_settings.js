// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Plus Settings", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		frm.add_custom_button(__("Send Log"), () => frappe.set_route("List", "Campaign Send Log"), __("View"));
	},
});
