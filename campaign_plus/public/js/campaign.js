// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// campaign_plus additions to ERPNext's Campaign form: the campaign card, status moves and
// buttons that open the campaign's documents. Link field names come from the server
// (campaign_plus.links), never from this file.

const CAMPAIGN_PLUS_VIEWS = [
	["Lead", () => __("Leads")],
	["Opportunity", () => __("Opportunities")],
	["Quotation", () => __("Quotations")],
	["Sales Order", () => __("Sales Orders")],
	["Sales Invoice", () => __("Sales Invoices")],
];

frappe.ui.form.on("Campaign", {
	refresh(frm) {
		frm.trigger("set_status_indicator");
		if (frm.is_new()) return;
		frappe
			.xcall("campaign_plus.card.api.get_campaign_context", { campaign: frm.doc.name })
			.then((context) => {
				frm.campaign_plus = context;
				frm.trigger("add_view_buttons");
				frm.trigger("add_action_buttons");
				frm.trigger("set_status_query");
			});
	},

	set_status_indicator(frm) {
		if (frm.doc.cp_status && !frm.is_dirty()) {
			frm.page.set_indicator(__(frm.doc.cp_status), frm.doc.cp_status_color || "gray");
		}
	},

	add_view_buttons(frm) {
		// ERPNext's own "View Leads" button is replaced by the "View" group below.
		frm.remove_custom_button(__("View Leads"));
		const routes = frm.campaign_plus.routes || {};
		for (const [doctype, label] of CAMPAIGN_PLUS_VIEWS) {
			if (!routes[doctype]) continue;
			frm.add_custom_button(
				label(),
				() => {
					frappe.route_options = Object.assign({}, routes[doctype]);
					frappe.set_route("List", doctype);
				},
				__("View")
			);
		}
	},

	add_action_buttons(frm) {
		const next = frm.campaign_plus.next_status;
		if (!next || !frm.has_perm("write")) return;
		frm.add_custom_button(
			__("Next Step: {0}", [__(next)]),
			() => {
				frappe.confirm(
					__("Move campaign {0} to status {1}?", [frm.doc.name.bold(), __(next).bold()]),
					() => {
						frm.call({
							method: "campaign_plus.card.api.next_step",
							args: { campaign: frm.doc.name },
							freeze: true,
							freeze_message: __("Moving to the next status..."),
						}).then(() => frm.reload_doc());
					}
				);
			},
			__("Actions")
		);
	},

	set_status_query(frm) {
		const allowed = frm.campaign_plus.allowed_statuses || [];
		frm.set_query("cp_status", () => ({ filters: { name: ["in", allowed] } }));
	},

	cp_end_date(frm) {
		frm.trigger("check_dates");
	},

	cp_start_date(frm) {
		frm.trigger("check_dates");
	},

	check_dates(frm) {
		const { cp_start_date: start, cp_end_date: end } = frm.doc;
		if (start && end && end < start) {
			frappe.show_alert({
				message: __("The end date {0} is before the start date {1}.", [
					frappe.datetime.str_to_user(end),
					frappe.datetime.str_to_user(start),
				]),
				indicator: "orange",
			});
		}
	},
});
