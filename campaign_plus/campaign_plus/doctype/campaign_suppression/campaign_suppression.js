// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Suppression", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.active && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Lift"), () => {
				frappe.confirm(__("Send campaign emails to {0} again?", [frm.doc.email]), () =>
					frappe
						.xcall("campaign_plus.suppression.api.lift", { email: frm.doc.email, reason: frm.doc.reason })
						.then(() => frm.reload_doc())
				);
			});
		}
		if (!frm.is_new() && !frm.doc.active && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Suppress Again"), () =>
				frappe
					.xcall("campaign_plus.suppression.api.add_address", {
						email: frm.doc.email,
						reason: frm.doc.reason,
						note: frm.doc.note,
					})
					.then(() => frm.reload_doc())
			);
		}
	},
});
