// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.listview_settings["Campaign Suppression"] = {
	add_fields: ["active", "reason"],
	get_indicator(doc) {
		if (!doc.active) return [__("Lifted"), "gray", "active,=,0"];
		const colors = { "Hard Bounce": "red", "Spam Complaint": "red", Unsubscribed: "orange", "By Hand": "blue" };
		return [__(doc.reason), colors[doc.reason] || "blue", "reason,=," + doc.reason];
	},
	onload(listview) {
		if (frappe.model.can_import("Campaign Suppression")) {
			listview.page.add_inner_button(__("Import CSV"), () => campaign_plus_suppression_import(listview));
		}
		if (frappe.model.can_export("Campaign Suppression")) {
			listview.page.add_inner_button(__("Export CSV"), () =>
				open_url_post("/api/method/campaign_plus.suppression.api.export_csv", { active_only: 1 })
			);
		}
	},
};

function campaign_plus_suppression_import(listview) {
	const dialog = new frappe.ui.Dialog({
		title: __("Import a Suppression List"),
		fields: [
			{
				fieldname: "file_url",
				fieldtype: "Attach",
				label: __("CSV File"),
				reqd: 1,
				description: __(
					"A list exported from another tool: the column of addresses is found by its heading; a reason and a date column are used when present."
				),
			},
			{
				fieldname: "default_reason",
				fieldtype: "Select",
				label: __("Reason When the File Gives None"),
				options: [
					{ value: "By Hand", label: __("By Hand") },
					{ value: "Unsubscribed", label: __("Unsubscribed") },
					{ value: "Hard Bounce", label: __("Hard Bounce") },
					{ value: "Spam Complaint", label: __("Spam Complaint") },
				],
				default: "By Hand",
			},
		],
		primary_action_label: __("Import"),
		primary_action(values) {
			frappe
				.xcall("campaign_plus.suppression.api.import_csv", values)
				.then((result) => {
					dialog.hide();
					const message = result.queued
						? __("{0} addresses are being added in the background.", [result.rows])
						: __("{0} addresses read, {1} added to the list.", [result.rows, result.added]);
					frappe.msgprint(
						message +
							"<br>" +
							__("{0} rows without a valid address, {1} repeated addresses.", [result.invalid, result.duplicates])
					);
					listview.refresh();
				});
		},
	});
	dialog.show();
}
