// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.listview_settings["Campaign Send Log"] = {
	add_fields: ["status", "reason", "opens", "clicks", "replied_on", "soft_bounces"],
	get_indicator(doc) {
		const colors = { Planned: "blue", Queued: "orange", Sent: "green", Failed: "red", Skipped: "gray",
			Deferred: "yellow", Bounced: "red" };
		if (doc.status === "Sent" || doc.status === "Queued") {
			// What the recipient did with it, most telling first.
			if (doc.replied_on) return [__("Replied"), "purple", "replied_on,is,set"];
			if (doc.clicks) return [__("Clicked"), "green", "clicks,>,0"];
			if (doc.opens) return [__("Opened"), "cyan", "opens,>,0"];
			if (doc.soft_bounces) return [__("Soft Bounce"), "orange", "soft_bounces,>,0"];
		}
		const label = doc.reason ? __("{0}: {1}", [__(doc.status), __(doc.reason)]) : __(doc.status);
		return [label, colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
