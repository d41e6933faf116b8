// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// The A/B test form: each variant's figures against the criterion, and choosing the winner by hand.

frappe.ui.form.on("Campaign AB Test", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Send Log"),
			() => {
				frappe.route_options = { campaign: frm.doc.campaign, step_idx: frm.doc.step_idx };
				frappe.set_route("List", "Campaign Send Log");
			},
			__("View")
		);
		frm.add_custom_button(__("Campaign"), () => frappe.set_route("Form", "Campaign", frm.doc.campaign), __("View"));
		frm.trigger("render_results");
	},

	render_results(frm) {
		frappe.xcall("campaign_plus.experiments.api.get_results", { test: frm.doc.name }).then((results) => {
			const esc = frappe.utils.escape_html;
			const rate = (value) =>
				value === null || value === undefined
					? "–"
					: results.criterion === "Revenue"
					? format_currency(value)
					: `${(value * 100).toFixed(1)} %`;
			const significance = (row) =>
				row.p_value === null || row.p_value === undefined
					? row.variant === results.leader
						? __("Leading")
						: "–"
					: `${row.p_value.toFixed(3)} ${row.significant ? __("(significant)") : __("(not significant)")}`;
			const rows = results.variants
				.map(
					(row) => `<tr${row.variant === (results.winner || results.leader) ? ' class="font-weight-bold"' : ""}>
						<td>${esc(row.variant)}</td><td>${esc(row.email_template)}</td>
						<td class="text-right">${row.delivered}</td><td class="text-right">${row.tracked}</td>
						<td class="text-right">${row.opens}</td><td class="text-right">${row.clicks}</td>
						<td class="text-right">${row.replies}</td><td class="text-right">${format_currency(row.revenue)}</td>
						<td class="text-right">${rate(row.rate)}</td><td>${significance(row)}</td>
					</tr>`
				)
				.join("");
			frm.get_field("results_html").$wrapper.html(`
				<table class="table table-bordered table-condensed">
					<thead><tr>
						<th>${__("Variant")}</th><th>${__("Email Template")}</th>
						<th class="text-right">${__("Delivered")}</th><th class="text-right">${__("Tracked")}</th>
						<th class="text-right">${__("Unique Opens")}</th><th class="text-right">${__("Unique Clicks")}</th>
						<th class="text-right">${__("Replies")}</th><th class="text-right">${__("Revenue")}</th>
						<th class="text-right">${__("Rate ({0})", [esc(__(results.criterion))])}</th>
						<th>${__("p-value against the leader")}</th>
					</tr></thead>
					<tbody>${rows}</tbody>
				</table>
				<p class="text-muted small">${esc(results.assessment || __("No recipient has received a variant yet."))}</p>
				<p class="text-muted small">${__(
					"Opens and clicks are counted among the recipients tracked individually; replies and revenue among all. A two-sided test at the 5 % level: above it, the difference may be chance."
				)}</p>`);
			if (results.can_choose) {
				for (const row of results.variants) {
					frm.add_custom_button(
						__("Variant {0}", [row.variant]),
						() =>
							frappe.confirm(
								__("Send variant {0} to the recipients who are waiting for the winner?", [row.variant.bold()]),
								() =>
									frappe
										.xcall("campaign_plus.experiments.api.choose_winner", { test: frm.doc.name, variant: row.variant })
										.then((result) => {
											frappe.show_alert({
												message: __("Variant {0} won: {1} recipients released.", [result.winner, result.released]),
												indicator: "green",
											});
											frm.reload_doc();
										})
							),
						__("Choose Winner")
					);
				}
			}
		});
	},
});
