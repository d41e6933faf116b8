// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// Marketing consent on Lead, Contact and Campaign Segment forms (hooks doctype_js): ask for an
// opt-in confirmation, record a consent by hand, export what is held on an address.
frappe.provide("campaign_plus.consent");

campaign_plus.consent.DOCTYPES = ["Lead", "Contact", "Campaign Segment"];
campaign_plus.consent.registered = campaign_plus.consent.registered || new Set();

campaign_plus.consent.is_manager = () => frappe.user.has_role(["Sales Manager", "System Manager"]);

campaign_plus.consent.add_buttons = function (frm) {
	if (frm.is_new() || !frappe.model.can_create("Campaign Consent")) return;
	const is_party = frm.doctype !== "Campaign Segment";
	if (!is_party || frm.doc.email_id) {
		frm.add_custom_button(__("Request Opt-in Confirmation"), () => campaign_plus.consent.request(frm), __("Actions"));
	}
	if (!is_party || !frm.doc.email_id) return;
	frm.add_custom_button(
		__("Record Consent"),
		() =>
			frappe.new_doc("Campaign Consent", {
				email: frm.doc.email_id,
				party_type: frm.doctype,
				party: frm.doc.name,
			}),
		__("Actions")
	);
	if (campaign_plus.consent.is_manager()) {
		frm.add_custom_button(
			__("Export Consent and Emails"),
			() => campaign_plus.consent.export_dialog(frm.doc.email_id),
			__("Actions")
		);
	}
};

campaign_plus.consent.request = function (frm) {
	const message =
		frm.doctype === "Campaign Segment"
			? __("Email every member of this segment a link to confirm they want to receive campaign emails?")
			: __("Email {0} a link to confirm they want to receive campaign emails?", [frm.doc.email_id]);
	frappe.confirm(message, () =>
		frappe
			.xcall("campaign_plus.consent.api.request_confirmation", { doctype: frm.doctype, name: frm.doc.name })
			.then((result) => {
				let text = result.queued
					? __("{0} addresses are being asked in the background.", [result.requested])
					: __("{0} confirmation emails queued.", [result.requested]);
				const skipped = Object.entries(result.skipped || {}).map(([reason, count]) => `${__(reason)}: ${count}`);
				if (skipped.length) text += "<br>" + __("Not asked: {0}", [skipped.join(", ")]);
				frappe.msgprint({ title: __("Request Opt-in Confirmation"), message: text, indicator: "green" });
				frm.reload_doc();
			})
	);
};

campaign_plus.consent.export_dialog = function (email) {
	const dialog = new frappe.ui.Dialog({
		title: __("Export Consent and Emails"),
		fields: [
			{ fieldname: "email", fieldtype: "Data", options: "Email", label: __("Email"), reqd: 1, default: email || "" },
			{
				fieldname: "file_format",
				fieldtype: "Select",
				label: __("Format"),
				options: "CSV\nJSON",
				default: "CSV",
				description: __("The consent history of this address and every campaign email planned or sent to it."),
			},
		],
		primary_action_label: __("Download"),
		primary_action(values) {
			if (!frappe.utils.validate_type(values.email, "email")) {
				frappe.msgprint(__("Enter a valid email address."));
				return;
			}
			open_url_post("/api/method/campaign_plus.consent.api.export_consent", values);
			dialog.hide();
		},
	});
	dialog.show();
};

for (const doctype of campaign_plus.consent.DOCTYPES) {
	if (campaign_plus.consent.registered.has(doctype)) continue;
	campaign_plus.consent.registered.add(doctype);
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			frm.trigger("add_consent_buttons");
		},
		add_consent_buttons(frm) {
			campaign_plus.consent.add_buttons(frm);
		},
	});
}
