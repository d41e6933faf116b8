// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Form Submission", {
	refresh(frm) {
		frm.disable_save();
	},
});
