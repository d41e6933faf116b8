// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// The Time Zone field of Leads and Contacts (campaign emails at the recipient's local time):
// the IANA time zones to choose from. Loaded with both forms (hooks doctype_js); registers once.
frappe.provide("campaign_plus.time_zone");

campaign_plus.time_zone.registered = campaign_plus.time_zone.registered || new Set();

campaign_plus.time_zone.set_options = function (frm) {
	const field = frm.fields_dict.cp_time_zone;
	if (!field) return;
	const apply = (zones) => field.set_data(zones);
	if (campaign_plus.time_zone.zones) {
		apply(campaign_plus.time_zone.zones);
		return;
	}
	frappe.xcall("campaign_plus.windows.api.time_zones").then((zones) => {
		campaign_plus.time_zone.zones = zones;
		apply(zones);
	});
};

for (const doctype of ["Lead", "Contact"]) {
	if (campaign_plus.time_zone.registered.has(doctype)) continue;
	campaign_plus.time_zone.registered.add(doctype);
	frappe.ui.form.on(doctype, {
		onload(frm) {
			campaign_plus.time_zone.set_options(frm);
		},
	});
}
