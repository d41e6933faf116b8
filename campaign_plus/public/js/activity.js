// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// "Assign Activity" on Campaign, Campaign Segment, Lead, Contact and Opportunity forms.
// Loaded with each of those forms (hooks doctype_js); registers its handlers once.
frappe.provide("campaign_plus.activity");

campaign_plus.activity.DOCTYPES = ["Campaign", "Campaign Segment", "Lead", "Contact", "Opportunity"];
campaign_plus.activity.registered = campaign_plus.activity.registered || new Set();

campaign_plus.activity.add_button = function (frm) {
	// The assignment doctype is "in_create" (no New button in its list), so can_create is always
	// false: show the button to whoever can see assignments; the server checks "create".
	if (frm.is_new() || !frappe.model.can_read("Campaign Activity Assignment")) return;
	frm.add_custom_button(__("Assign Activity"), () => campaign_plus.activity.dialog(frm), __("Actions"));
	frm.add_custom_button(
		__("Activity Assignments"),
		() => {
			frappe.route_options = { target_doctype: frm.doctype, target_name: frm.doc.name };
			frappe.set_route("List", "Campaign Activity Assignment");
		},
		__("View")
	);
};

campaign_plus.activity.dialog = function (frm) {
	const ask_campaign = !["Campaign", "Campaign Segment"].includes(frm.doctype);
	const dialog = new frappe.ui.Dialog({
		title: __("Assign Activity"),
		fields: [
			{ fieldname: "activity", fieldtype: "Link", options: "Campaign Activity", label: __("Activity"), reqd: 1 },
			{
				fieldname: "sales_person",
				fieldtype: "Link",
				options: "Sales Person",
				label: __("Sales Person"),
				reqd: 1,
				description: __("A sales team (a group) gives the tasks to each of its members."),
			},
			{ fieldname: "start_date", fieldtype: "Date", label: __("Start Date"), default: frappe.datetime.get_today(), reqd: 1 },
			{ fieldname: "campaign", fieldtype: "Link", options: "Campaign", label: __("Campaign"), hidden: !ask_campaign },
		],
		primary_action_label: __("Assign"),
		primary_action(values) {
			frappe
				.xcall("campaign_plus.activities.api.assign_activity", {
					...values,
					target_doctype: frm.doctype,
					target_name: frm.doc.name,
				})
				.then((result) => {
					dialog.hide();
					let message = __("{0} tasks created.", [result.tasks]);
					if (!result.created) message = __("This activity was already assigned: nothing new was created.");
					else if (result.queued) message = __("{0} tasks are being created in the background.", [result.tasks]);
					frappe.msgprint({ title: __("Assign Activity"), message, indicator: "green" });
				});
		},
	});
	dialog.show();
};

for (const doctype of campaign_plus.activity.DOCTYPES) {
	if (campaign_plus.activity.registered.has(doctype)) continue;
	campaign_plus.activity.registered.add(doctype);
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			frm.trigger("add_assign_activity_button");
		},
		add_assign_activity_button(frm) {
			campaign_plus.activity.add_button(frm);
		},
	});
}
