// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt
//
// /app/email-designer/<design>: the Email Designer. Its bundle (GrapesJS and the designer) is
// loaded here only, the first time the page opens.

frappe.pages["email-designer"].on_page_load = function (wrapper) {
	frappe.ui.make_app_page({ parent: wrapper, title: __("Email Designer"), single_column: true });
	wrapper.designer_loaded = frappe.require(["email_designer.bundle.js", "email_designer.bundle.css"]);
};

frappe.pages["email-designer"].on_page_show = function (wrapper) {
	const name = frappe.get_route()[1];
	Promise.resolve(wrapper.designer_loaded).then(() => campaign_plus.email_designer.open(wrapper, name));
};
