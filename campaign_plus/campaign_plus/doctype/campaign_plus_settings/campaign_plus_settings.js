// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Plus Settings", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
	},

	add_view_buttons(frm) {
		frm.add_custom_button(__("Send Log"), () => frappe.set_route("List", "Campaign Send Log"), __("View"));
		frm.add_custom_button(
			__("Lead Score Distribution"),
			() => frappe.set_route("query-report", "Lead Score Distribution"),
			__("View")
		);
		frm.add_custom_button(
			__("Recompute Lead Scores"),
			() =>
				frappe.xcall("campaign_plus.scoring.api.recompute_scores").then(() =>
					frappe.show_alert({ message: __("Lead scores are being recomputed."), indicator: "blue" })
				),
			__("Actions")
		);
	},
});

// A fit rule's conditions are chosen with the desk's filters, as a segment's criteria are.
frappe.ui.form.on("Campaign Score Rule", {
	set_conditions(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		const doctype = row.document_type || "Lead";
		let filter_group;
		const dialog = new frappe.ui.Dialog({
			title: __("Conditions of the rule ({0})", [__(doctype)]),
			fields: [{ fieldname: "filter_area", fieldtype: "HTML" }],
			primary_action_label: __("Set"),
			primary_action() {
				const filters = filter_group ? filter_group.get_filters() : [];
				frappe.model.set_value(cdt, cdn, "filters", JSON.stringify(filters));
				dialog.hide();
			},
		});
		frappe.model.with_doctype(doctype, () => {
			filter_group = new frappe.ui.FilterGroup({
				parent: dialog.get_field("filter_area").$wrapper,
				doctype,
				on_change: () => {},
			});
			try {
				const current = JSON.parse(row.filters || "[]");
				if (Array.isArray(current) && current.length) filter_group.add_filters_to_filter_group(current);
			} catch (e) {
				// conditions typed by hand and not valid JSON: start afresh
			}
		});
		dialog.show();
	},
});
