// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Item Price", {
	min_qty(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (row.min_qty < 0) frappe.model.set_value(cdt, cdn, "min_qty", 0);
	},
});
