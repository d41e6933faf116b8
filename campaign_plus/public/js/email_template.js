// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt
//
// Email Template: "Design Email" opens the Email Designer on the template's design (made and
// linked the first time).

frappe.ui.form.on("Email Template", {
	refresh(frm) {
		if (frm.is_new() || !frm.has_perm("write")) return;
		const open = () =>
			frappe
				.call({
					method: "campaign_plus.design.api.design_for_template",
					args: { template: frm.doc.name },
				})
				.then((r) => frappe.set_route("email-designer", r.message));
		if (frm.doc.cp_email_design) {
			frm.add_custom_button(__("Open Email Designer"), open);
		} else {
			frm.add_custom_button(__("Design Email"), open);
		}
	},
});
