// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.listview_settings["Campaign Segment Member"] = {
	add_fields: ["segment", "campaign_target"],
	get_indicator(doc) {
		return doc.campaign_target
			? [__("Target"), "green", "campaign_target,=,1"]
			: [__("Not a Target"), "gray", "campaign_target,=,0"];
	},
	onload(listview) {
		const change = (target) => {
			const rows = listview.get_checked_items();
			if (!rows.length) {
				frappe.msgprint(__("Select the members to change first."));
				return;
			}
			const by_segment = {};
			for (const row of rows) (by_segment[row.segment] = by_segment[row.segment] || []).push(row.name);
			Promise.all(
				Object.entries(by_segment).map(([segment, members]) =>
					frappe.xcall("campaign_plus.segments.api.set_target", { segment, members, target })
				)
			).then(() => {
				frappe.show_alert({ message: __("Campaign target flags updated"), indicator: "green" });
				listview.refresh();
			});
		};
		listview.page.add_actions_menu_item(__("Mark as Campaign Target"), () => change(1), false);
		listview.page.add_actions_menu_item(__("Unmark Campaign Target"), () => change(0), false);
	},
};
