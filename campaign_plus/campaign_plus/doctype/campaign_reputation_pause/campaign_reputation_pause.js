// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Reputation Pause", {
	refresh(frm) {
		if (frm.doc.status === "Paused") {
			frm.dashboard.set_headline_alert(frm.doc.reason || "", "red");
			if (frappe.user.has_role(["Sales Manager", "System Manager"])) {
				frm.add_custom_button(__("Resume Sending"), () =>
					frappe.confirm(__("Let the held emails go? The guard judges again from now on."), () =>
						frappe
							.xcall("campaign_plus.reputation.api.resume_pause", { name: frm.doc.name })
							.then(() => frm.reload_doc())
					)
				);
			}
		}
	},
});
