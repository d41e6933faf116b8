// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt
// Check Deliverability (campaign Actions), and shown before the first send of a step.

const CAMPAIGN_PLUS_LEVELS = {
	error: ["red", () => __("Error")],
	warning: ["orange", () => __("Warning")],
	info: ["blue", () => __("Information")],
	ok: ["green", () => __("OK")],
};

window.campaign_plus_deliverability = {
	findings_html(result) {
		const rows = (result.findings || []).map((f) => {
			const [color, label] = CAMPAIGN_PLUS_LEVELS[f.level] || ["gray", () => f.level];
			const step = f.step ? `<div class="text-muted small">${frappe.utils.escape_html(f.step)}</div>` : "";
			const fix = f.fix
				? `<div class="small"><b>${__("Fix")}:</b> ${frappe.utils.escape_html(f.fix)}</div>`
				: "";
			return `<div class="cp-finding" data-check="${frappe.utils.escape_html(f.check)}" data-level="${f.level}"
				style="padding:8px 0;border-bottom:1px solid var(--border-color)">
				<span class="indicator-pill ${color}">${label()}</span> ${step}
				<div>${frappe.utils.escape_html(f.message)}</div>${fix}</div>`;
		});
		const summary = __("{0} errors, {1} warnings.", [result.errors, result.warnings]);
		return `<div class="cp-deliverability"><p>${summary}</p>${rows.join("")}</div>`;
	},

	run(frm) {
		return frm
			.call({
				method: "campaign_plus.deliverability.api.check_deliverability",
				args: { campaign: frm.doc.name },
				freeze: true,
				freeze_message: __("Checking deliverability..."),
			})
			.then(({ message }) => message);
	},

	check(frm) {
		this.run(frm).then((result) => {
			frappe.msgprint({
				title: __("Check Deliverability"),
				indicator: (CAMPAIGN_PLUS_LEVELS[result.worst] || ["blue"])[0],
				message: this.findings_html(result),
				wide: true,
			});
		});
	},

	// Resolves when sending may go on: no step waits for its first send, or the user chose to send.
	before_first_send(frm) {
		return frappe
			.call({
				method: "campaign_plus.deliverability.api.first_send_pending",
				args: { campaign: frm.doc.name },
			})
			.then(({ message: pending }) => {
				if (!pending) return;
				return this.run(frm).then(
					(result) =>
						new Promise((resolve) => {
							if (result.worst === "ok" || result.worst === "info") return resolve();
							const blocked = result.blocking && result.errors;
							const dialog = new frappe.ui.Dialog({
								title: __("Before the First Send"),
								size: "large",
								fields: [{ fieldtype: "HTML", fieldname: "findings" }],
								primary_action_label: blocked ? __("Close") : __("Send Anyway"),
								primary_action: () => {
									dialog.hide();
									if (!blocked) resolve();
								},
							});
							dialog.fields_dict.findings.$wrapper.html(
								(blocked
									? `<p class="text-danger">${__(
											"Campaign Plus Settings block the first send of a step while errors remain."
									  )}</p>`
									: "") + this.findings_html(result)
							);
							dialog.show();
						})
				);
			});
	},
};

frappe.ui.form.on("Campaign", {
	refresh(frm) {
		if (frm.is_new() || !(frm.doc.campaign_schedules || []).length) return;
		frm.add_custom_button(
			__("Check Deliverability"),
			() => window.campaign_plus_deliverability.check(frm),
			__("Actions")
		);
	},
});
