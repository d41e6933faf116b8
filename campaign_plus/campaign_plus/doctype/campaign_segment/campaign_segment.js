// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

const CAMPAIGN_PLUS_SEGMENT_ACTIONS = {
	Add: { method: "add_members", label: () => __("Add Members") },
	Reduce: { method: "reduce_members", label: () => __("Reduce Members") },
	Refine: { method: "refine_members", label: () => __("Refine Members") },
};

frappe.ui.form.on("Campaign Segment", {
	refresh(frm) {
		frm.trigger("add_action_buttons");
		frm.trigger("add_view_buttons");
	},

	add_action_buttons(frm) {
		if (frm.is_new() || !frm.has_perm("write")) return;
		for (const [action, { label }] of Object.entries(CAMPAIGN_PLUS_SEGMENT_ACTIONS)) {
			frm.add_custom_button(label(), () => frm.events.criteria_dialog(frm, action), __("Actions"));
		}
		frm.add_custom_button(__("Apply Saved Criteria"), () => frm.events.saved_criteria_dialog(frm), __("Actions"));
		frm.add_custom_button(__("Go Back"), () => frm.events.go_back(frm), __("Actions"));
		frm.add_custom_button(__("Log Segment"), () => frm.events.log_segment(frm), __("Actions"));
	},

	add_view_buttons(frm) {
		if (frm.is_new()) return;
		const open = (doctype) => {
			frappe.route_options = { segment: frm.doc.name };
			frappe.set_route("List", doctype);
		};
		frm.add_custom_button(__("Members"), () => open("Campaign Segment Member"), __("View"));
		frm.add_custom_button(__("History"), () => open("Campaign Segment Step"), __("View"));
	},

	criteria_dialog(frm, action) {
		const { method, label } = CAMPAIGN_PLUS_SEGMENT_ACTIONS[action];
		let filter_group;
		const dialog = new frappe.ui.Dialog({
			title: label(),
			fields: [
				{
					fieldname: "document_type",
					fieldtype: "Select",
					label: __("Document Type"),
					options: [
						{ value: "Lead", label: __("Lead") },
						{ value: "Contact", label: __("Contact") },
						{ value: "Customer", label: __("Customer") },
					],
					default: "Lead",
					reqd: 1,
					onchange: () => make_filters(),
				},
				{ fieldname: "filter_area", fieldtype: "HTML" },
				{
					fieldname: "save_as",
					fieldtype: "Data",
					label: __("Save Criteria As"),
					description: __("Optional: a name under which these criteria can be applied to other segments."),
				},
			],
			primary_action_label: label(),
			primary_action(values) {
				const filters = filter_group ? filter_group.get_filters() : [];
				const save = values.save_as
					? frappe.xcall("campaign_plus.segments.api.save_criteria", {
							criteria_name: values.save_as,
							document_type: values.document_type,
							filters,
					  })
					: Promise.resolve();
				save.then(() =>
					frm
						.call({
							method: `campaign_plus.segments.api.${method}`,
							args: { segment: frm.doc.name, document_type: values.document_type, filters },
							freeze: true,
							freeze_message: __("Updating members..."),
						})
						.then(({ message }) => {
							dialog.hide();
							frm.events.show_result(frm, message);
						})
				);
			},
		});
		const make_filters = () => {
			const doctype = dialog.get_value("document_type");
			const wrapper = dialog.get_field("filter_area").$wrapper.empty();
			frappe.model.with_doctype(doctype, () => {
				filter_group = new frappe.ui.FilterGroup({ parent: wrapper, doctype, on_change: () => {} });
			});
		};
		dialog.show();
		make_filters();
	},

	saved_criteria_dialog(frm) {
		const dialog = new frappe.ui.Dialog({
			title: __("Apply Saved Criteria"),
			fields: [
				{ fieldname: "criteria", fieldtype: "Link", options: "Campaign Segment Criteria", label: __("Criteria"), reqd: 1 },
				{
					fieldname: "action",
					fieldtype: "Select",
					label: __("Action"),
					options: Object.keys(CAMPAIGN_PLUS_SEGMENT_ACTIONS).map((value) => ({ value, label: __(value) })),
					default: "Add",
					reqd: 1,
				},
			],
			primary_action_label: __("Apply"),
			primary_action(values) {
				frm.call({
					method: "campaign_plus.segments.api.apply_saved_criteria",
					args: { segment: frm.doc.name, ...values },
					freeze: true,
				}).then(({ message }) => {
					dialog.hide();
					frm.events.show_result(frm, message);
				});
			},
		});
		dialog.show();
	},

	log_segment(frm) {
		frappe.confirm(__("Log one interaction per campaign-target member, with the unit cost and duration?"), () =>
			frm
				.call({ method: "campaign_plus.stats.api.log_segment", args: { segment: frm.doc.name }, freeze: true })
				.then(({ message }) =>
					frappe.msgprint({
						title: __("Segment Logged"),
						indicator: "green",
						message: __("{0} interactions logged in campaign entry {1}.", [message.interactions, message.entry]),
					})
				)
		);
	},

	go_back(frm) {
		frappe.confirm(__("Undo the last step of this segment?"), () => {
			frm.call({ method: "campaign_plus.segments.api.go_back", args: { segment: frm.doc.name }, freeze: true }).then(
				({ message }) => {
					frappe.show_alert({ message: __("Step {0} undone", [message.undone_step]), indicator: "green" });
					frm.reload_doc();
				}
			);
		});
	},

	show_result(frm, result) {
		const excluded = Object.entries(result.excluded || {})
			.map(([reason, count]) => `${frappe.utils.escape_html(__(reason))}: ${count}`)
			.join(", ");
		frappe.msgprint({
			title: __("Step {0}", [result.step]),
			indicator: "green",
			message:
				__("{0} added, {1} removed; the segment has {2} members.", [result.added, result.removed, result.member_count]) +
				(excluded ? "<br>" + __("Not added: {0}", [excluded]) : ""),
		});
		frm.reload_doc();
	},
});
