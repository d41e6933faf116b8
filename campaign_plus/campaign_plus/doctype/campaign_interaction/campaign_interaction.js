// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Interaction", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		if (frm.doc.entry) {
			frm.add_custom_button(__("Campaign Entry"), () => frappe.set_route("Form", "Campaign Entry", frm.doc.entry), __("View"));
		}
	},
});
