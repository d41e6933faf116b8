// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// campaign_plus additions to ERPNext's Campaign form: the campaign card, status moves and
// buttons that open the campaign's documents. Link field names come from the server
// (campaign_plus.links), never from this file.

const CAMPAIGN_PLUS_VIEWS = [
	["Lead", () => __("Leads")],
	["Opportunity", () => __("Opportunities")],
	["Quotation", () => __("Quotations")],
	["Sales Order", () => __("Sales Orders")],
	["Sales Invoice", () => __("Sales Invoices")],
];

// Each step's rates, and its most clicked links.
function campaign_plus_steps_table(steps) {
	const percent = (value) => (value === null || value === undefined ? "–" : `${format_number(value, null, 1)} %`);
	const rows = steps
		.map((step) => {
			const links = step.links
				.map(([url, clicks]) => `<div class="small text-muted text-truncate" title="${frappe.utils.escape_html(url)}">${clicks} × ${frappe.utils.escape_html(url)}</div>`)
				.join("");
			return `<tr>
				<td>${frappe.utils.escape_html(`${step.step_idx}. ${step.label || ""}`)}${links}</td>
				<td class="text-right">${step.delivered}</td>
				<td class="text-right">${percent(step.open_rate)}</td>
				<td class="text-right">${percent(step.click_rate)}</td>
				<td class="text-right">${percent(step.bounce_rate)}</td>
				<td class="text-right">${step.complaints || 0} (${percent(step.complaint_rate)})</td>
				<td class="text-right">${step.unsubscribes}</td>
				<td class="text-right">${step.replies}</td>
			</tr>`;
		})
		.join("");
	return `<table class="table table-sm small">
		<thead><tr><th>${__("Step")}</th><th class="text-right">${__("Delivered")}</th><th class="text-right">${__("Open Rate %")}</th>
		<th class="text-right">${__("Click Rate %")}</th><th class="text-right">${__("Bounce Rate %")}</th>
		<th class="text-right">${__("Complaints")}</th>
		<th class="text-right">${__("Unsubscribes")}</th><th class="text-right">${__("Replies")}</th></tr></thead>
		<tbody>${rows}</tbody></table>`;
}

frappe.ui.form.on("Campaign", {
	refresh(frm) {
		frm.trigger("set_status_indicator");
		if (frm.is_new()) return;
		frappe
			.xcall("campaign_plus.card.api.get_campaign_context", { campaign: frm.doc.name })
			.then((context) => {
				frm.campaign_plus = context;
				frm.trigger("add_view_buttons");
				frm.trigger("add_action_buttons");
				frm.trigger("set_status_query");
			});
		frm.trigger("render_charts");
		frm.trigger("show_delivery");
		frm.trigger("show_reputation");
		frm.trigger("show_delivery_doubts");
	},

	show_reputation(frm) {
		// The reputation guard paused this campaign (or its Email Account): why, in red, and for a
		// Sales Manager the button that resumes sending.
		frappe.xcall("campaign_plus.reputation.api.status", { campaign: frm.doc.name }).then((state) => {
			if (!state.paused) return;
			const reasons = state.pauses.map((p) => frappe.utils.escape_html(p.reason)).join("<br>");
			frm.dashboard.set_headline_alert(reasons, "red", true);
			if (state.can_resume) {
				frm.add_custom_button(__("Resume Sending"), () =>
					frappe.confirm(__("Let the held emails go? The guard judges again from now on."), () =>
						frappe
							.xcall("campaign_plus.reputation.api.resume_sending", { campaign: frm.doc.name })
							.then((released) => {
								frappe.show_alert({ message: __("{0} emails released", [released]), indicator: "green" });
								frm.reload_doc();
							})
					)
				);
			}
		});
		if (!frm.campaign_plus_reputation_listener) {
			frm.campaign_plus_reputation_listener = () => frm.doc && !frm.is_new() && frm.reload_doc();
			frappe.realtime.on("campaign_plus_reputation", frm.campaign_plus_reputation_listener);
		}
	},

	show_delivery_doubts(frm) {
		// A fault during delivery (a job or the queue Redis lost mid-send) can leave emails in doubt.
		frappe.xcall("campaign_plus.delivery.api.get_delivery_doubts", { campaign: frm.doc.name }).then((doubts) => {
			if (!doubts) return;
			const parts = [];
			if (doubts.may_not_have_arrived) {
				parts.push(__("{0} emails may not have arrived (a delivery fault)", [doubts.may_not_have_arrived]));
				if (frm.has_perm("write")) {
					frm.add_custom_button(__("Send Again"), () => frm.trigger("send_again"), __("Actions"));
				}
			}
			if (doubts.may_have_arrived_twice) {
				parts.push(__("{0} emails were sent again and may have arrived twice", [doubts.may_have_arrived_twice]));
			}
			if (parts.length) frm.dashboard.set_headline_alert(parts.join(" · "), "orange");
		});
	},

	send_again(frm) {
		frappe.confirm(__("Send again the emails of this campaign that may not have arrived?"), () =>
			frm
				.call({ method: "campaign_plus.delivery.api.send_again", args: { campaign: frm.doc.name }, freeze: true })
				.then(({ message: result }) => {
					frappe.show_alert({ message: __("{0} emails will be sent again", [result.count]), indicator: "green" });
					frm.reload_doc();
				})
		);
	},

	show_delivery(frm) {
		// While a send runs: queued / delivered / failed and the finishing time under the sending
		// limits, on refresh and then live (campaign_plus.delivery publishes after every chunk).
		frappe
			.xcall("campaign_plus.delivery.api.get_delivery_progress", { campaign: frm.doc.name })
			.then((progress) => frm.events.render_delivery(frm, progress));
		if (!frm.campaign_plus_delivery_listener) {
			frm.campaign_plus_delivery_listener = (progress) => {
				if (progress && frm.doc && progress.campaign === frm.doc.name) {
					frm.events.render_delivery(frm, progress);
				}
			};
			frappe.realtime.on("campaign_plus_delivery", frm.campaign_plus_delivery_listener);
		}
	},

	render_delivery(frm, progress) {
		const title = __("Email Delivery");
		if (!progress || !progress.total) {
			if ((frm.dashboard._progress_map || {})[title]) frm.dashboard.hide_progress(title);
			return;
		}
		const share = (n) => `${Math.min(100, (100 * n) / progress.total).toFixed(1)}%`;
		const bars = [
			{ title: __("Delivered"), width: share(progress.delivered), progress_class: "progress-bar-success" },
			{ title: __("Failed"), width: share(progress.failed), progress_class: "progress-bar-danger" },
		];
		const parts = [
			__("{0} queued, {1} delivered, {2} failed", [progress.queued, progress.delivered, progress.failed]),
		];
		if (progress.released) {
			parts.push(__("{0} left to Frappe's email queue", [progress.released]));
		}
		if (progress.running && progress.finish) {
			parts.push(
				__("finishing around {0} ({1})", [
					frappe.datetime.str_to_user(progress.finish),
					frappe.utils.get_formatted_duration(progress.eta_seconds),
				])
			);
		} else if (!progress.running) {
			parts.push(__("done"));
		}
		frm.dashboard.show_progress(title, bars, parts.join(" · "));
	},

	set_status_indicator(frm) {
		if (frm.doc.cp_status && !frm.is_dirty()) {
			frm.page.set_indicator(__(frm.doc.cp_status), frm.doc.cp_status_color || "gray");
		}
		if (frm.doc.cp_prices_active) {
			frm.dashboard.set_headline_alert(__("Prices active"), "green");
		}
	},

	render_charts(frm) {
		frappe.xcall("campaign_plus.stats.api.get_charts", { campaign: frm.doc.name }).then((charts) => {
			const { funnel, emails, engagement, steps } = charts;
			const id = `campaign-plus-charts-${frappe.utils.get_random(6)}`;
			frm.dashboard.add_section(
				`<div class="row">
					<div class="col-sm-6"><div class="text-muted small">${__("Pipeline")}</div><div id="${id}-funnel"></div></div>
					<div class="col-sm-6"><div class="text-muted small">${__("Emails per Day")}</div><div id="${id}-emails"></div></div>
				</div>
				<div class="row">
					<div class="col-sm-6"><div class="text-muted small">${__("Engagement per Step")}</div><div id="${id}-engagement"></div></div>
					<div class="col-sm-6" id="${id}-steps"></div>
				</div>`,
				__("Campaign Statistics")
			);
			new frappe.Chart(`#${id}-funnel`, {
				type: "bar",
				height: 200,
				data: { labels: funnel.labels.map((label) => __(label)), datasets: [{ values: funnel.values }] },
			});
			if (emails.labels.length) {
				new frappe.Chart(`#${id}-emails`, {
					type: "bar",
					height: 200,
					barOptions: { stacked: 1 },
					data: {
						labels: emails.labels.map((day) => frappe.datetime.str_to_user(day)),
						datasets: emails.datasets.map((d) => ({ name: __(d.name), values: d.values })),
					},
				});
			} else {
				$(`#${id}-emails`).html(`<p class="text-muted small">${__("No campaign email yet.")}</p>`);
			}
			if (engagement.labels.length) {
				new frappe.Chart(`#${id}-engagement`, {
					type: "bar",
					height: 200,
					data: {
						labels: engagement.labels,
						datasets: engagement.datasets.map((d) => ({ name: __(d.name), values: d.values })),
					},
				});
				$(`#${id}-steps`).html(campaign_plus_steps_table(steps));
			} else {
				$(`#${id}-engagement`).html(`<p class="text-muted small">${__("No campaign email sent yet.")}</p>`);
			}
		});
	},

	refresh_statistics(frm) {
		frm.call({
			method: "campaign_plus.stats.api.refresh_statistics",
			args: { campaign: frm.doc.name },
			freeze: true,
			freeze_message: __("Computing statistics..."),
		}).then(({ message: figures }) => {
			if (figures && figures.stored) return frm.reload_doc();
			// a reader: the figures computed now, shown without saving them on the campaign
			Object.entries(figures || {}).forEach(([field, value]) => {
				if (frappe.meta.get_docfield(frm.doctype, field, frm.doc.name)) frm.doc[field] = value;
			});
			frm.refresh_fields();
			frappe.show_alert({
				message: __("Statistics computed now; only users who may edit the campaign store them."),
				indicator: "blue",
			});
		});
	},

	activate_prices(frm) {
		frappe.xcall("campaign_plus.pricing.api.get_price_preview", { campaign: frm.doc.name }).then((preview) => {
			frappe.confirm(
				__("Activate {0} pricing rules for {1} target customers?", [preview.rules, preview.customers]),
				() =>
					frm
						.call({ method: "campaign_plus.pricing.api.activate_prices", args: { campaign: frm.doc.name }, freeze: true })
						.then(({ message: r }) => {
							const skipped = Object.entries(r.not_priceable || {})
								.map(([party_type, n]) => `${__(party_type)}: ${n}`)
								.join(", ");
							frappe.msgprint({
								title: __("Prices Active"),
								indicator: "green",
								message:
									__("{0} customers; rules created {1}, updated {2}, disabled {3}.", [r.customers, r.created, r.updated, r.disabled]) +
									(skipped ? "<br>" + __("Not priceable (no customer): {0}", [frappe.utils.escape_html(skipped)]) : ""),
							});
							frm.reload_doc();
						})
			);
		});
	},

	deactivate_prices(frm) {
		frappe.confirm(__("Switch this campaign's prices off?"), () =>
			frm
				.call({ method: "campaign_plus.pricing.api.deactivate_prices", args: { campaign: frm.doc.name }, freeze: true })
				.then(() => frm.reload_doc())
		);
	},

	add_view_buttons(frm) {
		// ERPNext's own "View Leads" button is replaced by the "View" group below.
		frm.remove_custom_button(__("View Leads"));
		const routes = frm.campaign_plus.routes || {};
		for (const [doctype, label] of CAMPAIGN_PLUS_VIEWS) {
			if (!routes[doctype]) continue;
			frm.add_custom_button(
				label(),
				() => {
					frappe.route_options = Object.assign({}, routes[doctype]);
					frappe.set_route("List", doctype);
				},
				__("View")
			);
		}
		for (const [doctype, label] of [
			["Campaign Send Log", () => __("Send Log")],
			["Campaign Segment", () => __("Segments")],
			["Campaign Target Customer", () => __("Target Customers")],
			["Campaign Entry", () => __("Entries")],
			["Campaign AB Test", () => __("A/B Tests")],
			["Pricing Rule", () => __("Pricing Rules")],
		]) {
			frm.add_custom_button(
				label(),
				() => {
					frappe.route_options = doctype === "Pricing Rule" ? { cp_campaign: frm.doc.name } : { campaign: frm.doc.name };
					frappe.set_route("List", doctype);
				},
				__("View")
			);
		}
	},

	add_action_buttons(frm) {
		frm.add_custom_button(__("Refresh Statistics"), () => frm.trigger("refresh_statistics"), __("Actions"));
		if (!frm.has_perm("write")) return;
		if ((frm.doc.campaign_schedules || []).length) {
			frm.add_custom_button(__("Send Due Emails Now"), () => frm.trigger("send_due_emails_now"), __("Actions"));
			frm.add_custom_button(__("Send Test Email"), () => frm.trigger("send_test_email"), __("Actions"));
			frm.add_custom_button(__("Preview Schedule"), () => frm.trigger("preview_schedule"), __("Actions"));
			if (frappe.model.can_create("Campaign AB Test")) {
				frm.add_custom_button(
					__("A/B Test a Step"),
					() => frappe.new_doc("Campaign AB Test", { campaign: frm.doc.name }),
					__("Actions")
				);
			}
		}
		if (frappe.user.has_role(["Sales Manager", "System Manager"])) {
			if (frm.doc.cp_prices_active) {
				frm.add_custom_button(__("Deactivate Prices"), () => frm.trigger("deactivate_prices"), __("Actions"));
			} else if ((frm.doc.cp_item_prices || []).length || (frm.doc.cp_line_discounts || []).length) {
				frm.add_custom_button(__("Activate Prices"), () => frm.trigger("activate_prices"), __("Actions"));
			}
		}
		const next = frm.campaign_plus.next_status;
		if (!next) return;
		frm.add_custom_button(
			__("Next Step: {0}", [__(next)]),
			() => {
				frappe.confirm(
					__("Move campaign {0} to status {1}?", [frm.doc.name.bold(), __(next).bold()]),
					() => {
						frm.call({
							method: "campaign_plus.card.api.next_step",
							args: { campaign: frm.doc.name },
							freeze: true,
							freeze_message: __("Moving to the next status..."),
						}).then(() => frm.reload_doc());
					}
				);
			},
			__("Actions")
		);
	},

	send_due_emails_now(frm) {
		window.campaign_plus_deliverability.before_first_send(frm).then(() => frm.trigger("plan_due_emails"));
	},

	plan_due_emails(frm) {
		frm.call({
			method: "campaign_plus.sending.api.send_due_emails_now",
			args: { campaign: frm.doc.name },
			freeze: true,
			freeze_message: __("Planning due emails..."),
		}).then(({ message: result }) => {
			const reasons = Object.entries(result.reasons || {})
				.map(([reason, count]) => `${__(reason)}: ${count}`)
				.join(", ");
			frappe.msgprint({
				title: __("Due Emails"),
				indicator: result.planned ? "green" : "blue",
				message:
					__("{0} emails planned and queued for sending in {1} batches; {2} recipients skipped.", [
						result.planned,
						result.batches,
						result.skipped,
					]) +
					(result.deferred
						? " " + __("{0} deferred to a later moment (quiet hours, day off or frequency cap).", [result.deferred])
						: "") +
					(reasons ? "<br>" + frappe.utils.escape_html(reasons) : ""),
			});
		});
	},

	send_test_email(frm) {
		const steps = (frm.doc.campaign_schedules || []).map((row) => ({
			value: row.name,
			label: [row.idx, row.cp_step_label || row.email_template].join(" – "),
		}));
		const dialog = new frappe.ui.Dialog({
			title: __("Send Test Email"),
			fields: [
				{ fieldname: "schedule_row", fieldtype: "Select", label: __("Step"), options: steps, reqd: 1, default: steps[0]?.value },
				{
					fieldname: "help",
					fieldtype: "HTML",
					options: `<p class="text-muted">${__("The step is rendered for the first recipient and sent to you only; nothing is recorded in the Send Log.")}</p>`,
				},
			],
			primary_action_label: __("Send"),
			primary_action({ schedule_row }) {
				frm.call({
					method: "campaign_plus.sending.api.send_test_email",
					args: { campaign: frm.doc.name, schedule_row },
					freeze: true,
				}).then(({ message: email }) => {
					dialog.hide();
					frappe.show_alert({ message: __("Test email queued for {0}", [email]), indicator: "green" });
				});
			},
		});
		dialog.show();
	},

	preview_schedule(frm) {
		const dialog = new frappe.ui.Dialog({
			title: __("Preview Schedule"),
			size: "large",
			fields: [
				{ fieldname: "days", fieldtype: "Int", label: __("Days Ahead"), default: 30, reqd: 1 },
				{ fieldname: "calendar", fieldtype: "HTML" },
			],
			primary_action_label: __("Refresh"),
			primary_action: () => load(),
		});
		const load = () => {
			frappe
				.xcall("campaign_plus.sending.api.preview_schedule", {
					campaign: frm.doc.name,
					days: dialog.get_value("days"),
				})
				.then((days) => dialog.fields_dict.calendar.$wrapper.html(frm.events.render_preview(days)));
		};
		dialog.show();
		load();
	},

	render_preview(days) {
		if (!days.length) {
			return `<p class="text-muted">${__("Nothing is due in this period.")}</p>`;
		}
		const esc = frappe.utils.escape_html;
		const counts = (figures) =>
			Object.entries(figures || {})
				.map(([reason, count]) => `${esc(__(reason))}: ${count}`)
				.join(", ") || "–";
		const times = (figures) =>
			Object.entries(figures || {})
				.map(([label, count]) => `${esc(label)} (${count})`)
				.join("<br>") || "–";
		const split = (variants) => {
			const parts = Object.entries(variants || {}).map(([variant, count]) => __("Variant {0}: {1}", [esc(variant), count]));
			return parts.length ? `<div class="small">${parts.join(", ")}</div>` : "";
		};
		const notes = (sentences) =>
			(sentences || []).map((sentence) => `<div class="small text-muted">${esc(sentence)}</div>`).join("");
		const rows = days
			.map(
				(day) => `<tr>
					<td>${frappe.datetime.str_to_user(day.date)}</td>
					<td>${day.step} ${esc(day.step_label || day.email_template || "")}${split(day.variants)}${notes(day.notes)}</td>
					<td class="text-right">${day.to_send}</td>
					<td class="small">${times(day.local_times)}</td>
					<td>${counts(day.deferred)}</td>
					<td>${counts(day.excluded)}</td>
				</tr>`
			)
			.join("");
		return `<table class="table table-bordered table-condensed">
			<thead><tr>
				<th>${__("Date")}</th><th>${__("Step")}</th>
				<th class="text-right">${__("To Send")}</th><th>${__("Local Send Times")}</th>
				<th>${__("Deferred to a Later Day")}</th><th>${__("Excluded")}</th>
			</tr></thead>
			<tbody>${rows}</tbody>
		</table>
		<p class="text-muted small">${__(
			"Dates are the site's; local send times are each recipient's, with their time zone. Deferred: due that day, sent later because of quiet hours, a day off or the frequency cap."
		)}</p>`;
	},

	setup(frm) {
		// An event rule adds recipients to one of this campaign's own segments.
		frm.set_query("segment", "cp_event_rules", () => ({ filters: { campaign: frm.doc.name } }));
	},

	set_status_query(frm) {
		const allowed = frm.campaign_plus.allowed_statuses || [];
		frm.set_query("cp_status", () => ({ filters: { name: ["in", allowed] } }));
	},

	cp_end_date(frm) {
		frm.trigger("check_dates");
	},

	cp_start_date(frm) {
		frm.trigger("check_dates");
	},

	check_dates(frm) {
		const { cp_start_date: start, cp_end_date: end } = frm.doc;
		if (start && end && end < start) {
			frappe.show_alert({
				message: __("The end date {0} is before the start date {1}.", [
					frappe.datetime.str_to_user(end),
					frappe.datetime.str_to_user(start),
				]),
				indicator: "orange",
			});
		}
	},
});
