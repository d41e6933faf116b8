// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Activity Assignment", {
	refresh(frm) {
		frm.trigger("add_action_buttons");
		frm.trigger("add_view_buttons");
	},

	add_action_buttons(frm) {
		if (frm.doc.status !== "Open" || !frm.has_perm("write")) return;
		frm.add_custom_button(
			__("Cancel Assignment"),
			() =>
				frappe.confirm(__("Close the open tasks of this assignment?"), () =>
					frm
						.call({
							method: "campaign_plus.activities.api.cancel_assignment",
							args: { assignment: frm.doc.name },
							freeze: true,
						})
						.then(({ message }) => {
							frappe.show_alert({ message: __("{0} tasks closed", [message.closed]), indicator: "green" });
							frm.reload_doc();
						})
				),
			__("Actions")
		);
	},

	add_view_buttons(frm) {
		const open = (doctype) => {
			frappe.route_options = { cp_activity_assignment: frm.doc.name };
			frappe.set_route("List", doctype);
		};
		frm.add_custom_button(__("To Do"), () => open("ToDo"), __("View"));
		frm.add_custom_button(__("Events"), () => open("Event"), __("View"));
	},
});
