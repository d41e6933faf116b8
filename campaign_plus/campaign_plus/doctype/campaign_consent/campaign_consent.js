// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Consent", {
	setup(frm) {
		frm.set_query("party_type", () => ({ filters: { name: ["in", ["Lead", "Contact", "Customer"]] } }));
	},

	refresh(frm) {
		if (!frm.is_new()) {
			frm.set_intro(__("A consent record is never changed: to correct it, record a new one, which supersedes it."));
			frm.disable_save();
		}
	},
});
