// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Send Log", {
	refresh(frm) {
		frm.trigger("add_view_buttons");
		frm.trigger("show_planned_moment");
	},

	add_view_buttons(frm) {
		if (frm.doc.email_queue) {
			frm.add_custom_button(
				__("Email Queue"),
				() => frappe.set_route("Form", "Email Queue", frm.doc.email_queue),
				__("View")
			);
		}
	},

	show_planned_moment(frm) {
		// The UTC moment is shown as stored (the desk would shift a Datetime to the user's zone).
		const { local_send_time: local, time_zone: zone, send_at: utc, status, reason } = frm.doc;
		const esc = frappe.utils.escape_html;
		if (status === "Deferred" && !utc) {
			frm.set_intro(__("Deferred ({0}) until an event releases it.", [esc(__(reason || ""))]), "yellow");
		} else if (status === "Deferred") {
			frm.set_intro(
				__("Deferred ({0}) until {1} in {2} ({3} UTC).", [esc(__(reason || "")), esc(local), esc(zone), esc(utc)]),
				"yellow"
			);
		} else if (local) {
			frm.set_intro(__("Planned for {0} in {1} ({2} UTC).", [esc(local), esc(zone), esc(utc)]), "blue");
		}
	},
});
