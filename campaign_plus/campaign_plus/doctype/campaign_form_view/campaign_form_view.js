// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Form View", {
	refresh(frm) {
		frm.disable_save();
	},
});
