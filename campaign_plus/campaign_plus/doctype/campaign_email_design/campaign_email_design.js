// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Email Design", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Open Email Designer"), () =>
			frappe.set_route("email-designer", frm.doc.name)
		);
		frm.add_custom_button(
			__("Check Before Sending"),
			() =>
				frappe
					.call("campaign_plus.design.api.check_design", { design: frm.doc.name })
					.then((r) => campaign_plus_design_show_checks(r.message)),
			__("Actions")
		);
	},
});

function campaign_plus_design_show_checks(problems) {
	if (!problems || !problems.length) {
		frappe.msgprint({
			title: __("Checks Before Sending"),
			indicator: "green",
			message: __("No problem found."),
		});
		return;
	}
	const rows = problems
		.map(
			(p) =>
				`<li><span class="indicator-pill ${p.level === "error" ? "red" : "orange"}">${
					p.level === "error" ? __("Error") : __("Warning")
				}</span> ${frappe.utils.escape_html(p.message)}</li>`
		)
		.join("");
	frappe.msgprint({ title: __("Checks Before Sending"), message: `<ul class="list-unstyled">${rows}</ul>` });
}
