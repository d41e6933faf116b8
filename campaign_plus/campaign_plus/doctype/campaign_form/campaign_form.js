// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

frappe.ui.form.on("Campaign Form", {
	setup(frm) {
		frm.set_query("segment", () => ({ filters: frm.doc.campaign ? { campaign: frm.doc.campaign } : {} }));
	},
	refresh(frm) {
		frm.trigger("load_field_choices");
		frm.trigger("show_embed_code");
		if (!frm.is_new() && frm.doc.enabled) {
			frm.add_custom_button(__("Open Form Page"), () => {
				frappe
					.xcall("campaign_plus.forms.api.embed_code", { name: frm.doc.name })
					.then((r) => window.open(r.url, "_blank", "noopener"));
			});
		}
	},
	document_type(frm) {
		frm.trigger("load_field_choices");
	},
	load_field_choices(frm) {
		if (!frm.doc.document_type) return;
		frappe
			.xcall("campaign_plus.forms.api.field_choices", { document_type: frm.doc.document_type })
			.then((choices) => {
				frm.fields_dict.form_fields.grid.update_docfield_property("fieldname", "options", choices);
			});
	},
	show_embed_code(frm) {
		const wrapper = frm.get_field("embed_code").$wrapper;
		wrapper.empty();
		if (frm.is_new()) return;
		frappe.xcall("campaign_plus.forms.api.embed_code", { name: frm.doc.name }).then((r) => {
			$(`<p class="text-muted small"></p>`)
				.text(__("Paste one of these into a page of a website listed above:"))
				.appendTo(wrapper);
			$(`<pre class="small" style="white-space:pre-wrap"></pre>`).text(r.code).appendTo(wrapper);
		});
	},
});
