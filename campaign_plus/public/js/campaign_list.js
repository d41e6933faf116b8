// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// Campaign list: the status code as indicator, in its own colour.
(function () {
	const settings = (frappe.listview_settings["Campaign"] = frappe.listview_settings["Campaign"] || {});
	settings.add_fields = [...(settings.add_fields || []), "cp_status", "cp_status_color"];
	settings.get_indicator = function (doc) {
		if (doc.cp_status) {
			return [__(doc.cp_status), doc.cp_status_color || "gray", "cp_status,=," + doc.cp_status];
		}
	};
})();
