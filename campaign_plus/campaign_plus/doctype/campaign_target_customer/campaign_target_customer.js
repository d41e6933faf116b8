// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Target Customer", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		frm.add_custom_button(__("Campaign"), () => frappe.set_route("Form", "Campaign", frm.doc.campaign), __("View"));
	},
});
