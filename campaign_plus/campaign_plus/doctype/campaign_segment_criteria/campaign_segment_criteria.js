// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Segment Criteria", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		if (frm.is_new() || !frm.doc.document_type) return;
		frm.add_custom_button(
			__("Matching {0}", [__(frm.doc.document_type)]),
			() => {
				const options = {};
				for (const [, field, operator, value] of JSON.parse(frm.doc.filters || "[]")) {
					options[field] = [operator, value];
				}
				frappe.route_options = options;
				frappe.set_route("List", frm.doc.document_type);
			},
			__("View")
		);
	},
});
