// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// A row of its parent form: nothing of its own here.
frappe.ui.form.on("Campaign AB Variant", {});
