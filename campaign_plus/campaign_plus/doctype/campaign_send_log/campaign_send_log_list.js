// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.listview_settings["Campaign Send Log"] = {
	add_fields: ["status", "reason"],
	get_indicator(doc) {
		const colors = { Planned: "blue", Queued: "orange", Sent: "green", Failed: "red", Skipped: "gray",
			Deferred: "yellow", Bounced: "red" };
		const label = doc.reason ? __("{0}: {1}", [__(doc.status), __(doc.reason)]) : __(doc.status);
		return [label, colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
