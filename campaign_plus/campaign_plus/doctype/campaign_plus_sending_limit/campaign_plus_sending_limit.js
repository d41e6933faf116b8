// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Plus Sending Limit", {
	email_account(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		const others = (frm.doc.sending_limits || []).filter((r) => r.name !== cdn && r.email_account === row.email_account);
		if (row.email_account && others.length) {
			frappe.show_alert({ message: __("{0} has limits already.", [row.email_account]), indicator: "orange" });
		}
	},
});
