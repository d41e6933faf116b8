// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Entry", {
	refresh(frm) {
		frm.trigger("add_action_buttons");
	},

	add_action_buttons(frm) {
		if (frm.is_new() || frm.doc.canceled || !frappe.user.has_role(["Sales Manager", "System Manager"])) return;
		frm.add_custom_button(
			__("Cancel Entry"),
			() =>
				frappe.confirm(__("Cancel this entry (and its interactions)?"), () =>
					frm
						.call({ method: "campaign_plus.stats.api.cancel_entry", args: { entry: frm.doc.name }, freeze: true })
						.then(() => frm.reload_doc())
				),
			__("Actions")
		);
	},
});
