// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt

// Quotation / Sales Order / Sales Invoice: when the customer is a target of a campaign whose
// prices are active, set the campaign (the server does the same, and refuses non-targets), and
// have ERPNext price added items with it, so the campaign price shows while the document is typed.
frappe.provide("campaign_plus.prices");

campaign_plus.prices.DOCTYPES = ["Quotation", "Sales Order", "Sales Invoice"];
campaign_plus.prices.ITEM_DETAILS = "erpnext.stock.get_item_details.get_item_details";
campaign_plus.prices.registered = campaign_plus.prices.registered || new Set();

// ERPNext prices an added item with get_item_details, whose arguments (`args` on ERPNext 15,
// `ctx` on 16 with "legacy reactivity") leave out the document's campaign, which its
// apply_pricing_rule does carry: add it to that one call of this form. (ERPNext 16's default,
// server-side item selection is priced again on the server: pricing.transactions.price_selected_item.)
campaign_plus.prices.carry_campaign = function (frm) {
	if (frm.campaign_plus_carries_campaign) return;
	frm.campaign_plus_carries_campaign = true;
	const call = frm.call;
	frm.call = function (opts, args, ...rest) {
		const method = typeof opts === "string" ? opts : opts && opts.method;
		const params = typeof opts === "string" ? args : opts && opts.args;
		const details = method === campaign_plus.prices.ITEM_DETAILS && params && (params.args || params.ctx);
		if (details && typeof details === "object" && !details.campaign && frm.doc.campaign) {
			details.campaign = frm.doc.campaign;
		}
		return call.call(this, opts, args, ...rest);
	};
};

campaign_plus.prices.set_campaign = function (frm) {
	const customer = frm.doc.customer || (frm.doc.quotation_to === "Customer" ? frm.doc.party_name : null);
	const date = frm.doc.transaction_date || frm.doc.posting_date;
	if (!customer || !date || frm.doc.docstatus !== 0) return;
	// ERPNext may fire the customer event twice in a row: ask once per customer and date.
	const key = `${customer}|${date}`;
	if (frm.campaign_plus_price_key === key) return;
	frm.campaign_plus_price_key = key;
	frappe
		.xcall("campaign_plus.pricing.api.get_campaign_for", { doctype: frm.doctype, customer, date })
		.then((result) => {
			if (!result || frm.doc[result.fieldname] === result.value) return;
			frm.set_value(result.fieldname, result.value);
			if (result.fieldname !== "campaign" && frm.fields_dict.campaign) frm.set_value("campaign", result.value);
			frappe.show_alert({ message: __("Campaign {0} applies to this customer", [result.campaign]), indicator: "green" });
			if (frm.cscript && frm.cscript.apply_pricing_rule) frm.cscript.apply_pricing_rule();
		});
};

for (const doctype of campaign_plus.prices.DOCTYPES) {
	if (campaign_plus.prices.registered.has(doctype)) continue;
	campaign_plus.prices.registered.add(doctype);
	frappe.ui.form.on(doctype, {
		setup(frm) {
			campaign_plus.prices.carry_campaign(frm);
		},
		customer(frm) {
			campaign_plus.prices.set_campaign(frm);
		},
		party_name(frm) {
			campaign_plus.prices.set_campaign(frm);
		},
		utm_campaign(frm) {
			if (frm.fields_dict.campaign && frm.doc.campaign !== frm.doc.utm_campaign) frm.set_value("campaign", frm.doc.utm_campaign);
		},
	});
}
