// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Segment Member", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		frm.add_custom_button(__("Segment"), () => frappe.set_route("Form", "Campaign Segment", frm.doc.segment), __("View"));
		if (frm.doc.party_type && frm.doc.party) {
			frm.add_custom_button(__(frm.doc.party_type), () => frappe.set_route("Form", frm.doc.party_type, frm.doc.party), __("View"));
		}
	},
});
