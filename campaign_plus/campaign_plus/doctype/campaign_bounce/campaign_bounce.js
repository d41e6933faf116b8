// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Bounce", {
	refresh(frm) {
		if (frm.doc.bounce_type === "Hard" && !frm.doc.cleared && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(__("Clear Bounce"), () => {
				frappe.confirm(__("Send campaign emails to {0} again?", [frm.doc.email]), () =>
					frappe
						.xcall("campaign_plus.tracking.api.clear_bounce", { email: frm.doc.email })
						.then((count) => {
							frappe.show_alert({ message: __("{0} bounce(s) cleared", [count]), indicator: "green" });
							frm.reload_doc();
						})
				);
			});
		}
	},
});
