// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Activity Step", {
	date_formula(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (row.date_formula) frappe.model.set_value(cdt, cdn, "date_formula", row.date_formula.replace(/\s+/g, "").toUpperCase());
	},
});
