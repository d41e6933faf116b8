// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Send Log", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		if (frm.doc.email_queue) {
			frm.add_custom_button(
				__("Email Queue"),
				() => frappe.set_route("Form", "Email Queue", frm.doc.email_queue),
				__("View")
			);
		}
	},
});
