// Copyright (c) 2026, campaign_plus contributors
// For license information, please see license.txt
//
// The Email Designer: a campaign email built from blocks, in the desk. GrapesJS (BSD-3) gives
// the canvas, drag and drop, in-place text editing, undo / redo and the device preview; each
// block is a component of its own type whose settings are traits. The editor only edits: the
// design is saved as JSON blocks, checked and compiled on the server (MJML), and every preview
// of the email itself comes from the server. Loaded by the email-designer page only
// (frappe.require), so the desk stays light; nothing is fetched at run time (no icon font, no
// telemetry, GrapesJS's French locale bundled).

import grapesjs from "grapesjs";
import fr from "grapesjs/locale/fr.mjs";

frappe.provide("campaign_plus.email_designer");

const TOP_TYPES = [
	"header",
	"heading",
	"text",
	"image",
	"button",
	"columns",
	"divider",
	"spacer",
	"social",
	"products",
	"coupon",
	"footer",
];
const COLUMN_TYPES = ["heading", "text", "image", "button", "divider", "spacer"];
const TEXT_TYPES = ["heading", "text", "button", "footer-text"];
const NETWORKS = ["facebook", "x", "linkedin", "instagram", "youtube", "pinterest", "tiktok", "github"];
const NETWORK_LABELS = {
	facebook: "Facebook",
	x: "X",
	linkedin: "LinkedIn",
	instagram: "Instagram",
	youtube: "YouTube",
	pinterest: "Pinterest",
	tiktok: "TikTok",
	github: "GitHub",
};

// Each block type's settings (not its text, edited in place) and their defaults.
const PROPS = {
	header: { logo: "", logo_width: 150, alt: "", link: "", align: "center", background: "" },
	heading: { level: "1", align: "left", color: "" },
	text: { align: "left" },
	image: { src: "", alt: "", href: "", width: 0, align: "center" },
	button: { href: "", align: "center", background: "", color: "" },
	columns: {},
	divider: { color: "", thickness: 1 },
	spacer: { height: 20 },
	social: { align: "center" },
	footer: {},
	products: { items: [], per_row: "2", show_description: true, button_label: "", link: "" },
	coupon: { coupon_code: "", title: "", show_validity: true },
};

const MAX_ITEMS = 12; // as the server's design model allows
const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
const ALIGN_OPTIONS = () => [
	{ id: "left", name: __("Left") },
	{ id: "center", name: __("Center") },
	{ id: "right", name: __("Right") },
];

function text_of(html) {
	const div = document.createElement("div");
	div.innerHTML = html || "";
	return (div.textContent || "").trim();
}

// where the caret is in ``el``, as a number of characters of its text (-1: not in it)
function caret_offset(el) {
	const selection = el.ownerDocument.getSelection();
	if (!selection || !selection.rangeCount) return -1;
	const range = selection.getRangeAt(0);
	if (!el.contains(range.endContainer)) return -1;
	const before = el.ownerDocument.createRange();
	before.selectNodeContents(el);
	before.setEnd(range.endContainer, range.endOffset);
	return before.toString().length;
}

// ``text`` inserted at the character ``offset`` of ``el``'s text (-1: at the end)
function insert_text_at(el, offset, text) {
	const doc = el.ownerDocument;
	const walker = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT);
	let node = walker.nextNode();
	let last = null;
	while (node) {
		if (offset >= 0 && offset <= node.data.length) {
			node.insertData(offset, text);
			return;
		}
		if (offset >= 0) offset -= node.data.length;
		last = node;
		node = walker.nextNode();
	}
	if (last) last.insertData(last.data.length, text);
	else (el.querySelector("p") || el).appendChild(doc.createTextNode(text));
}

class EmailDesigner {
	constructor(wrapper, name) {
		this.wrapper = wrapper;
		this.page = wrapper.page;
		this.name = name;
		this.cards = {};
		this.card_waiters = {};
		this.item_names = {};
		this.dirty = false;
	}

	async load() {
		const r = await frappe.call({
			method: "campaign_plus.design.api.editor_context",
			args: { design: this.name },
		});
		this.context = r.message;
		this.settings = Object.assign({}, this.context.design.settings);
		this.page.set_title(__("Email Designer: {0}", [this.context.title]));
		this.make_layout();
		this.make_editor();
		this.set_design(this.context.design);
		this.make_actions();
	}

	// ------------------------------------------------------------------ layout
	make_layout() {
		const body = $(this.page.body).empty();
		this.$root = $(`
			<div class="cp-designer" data-design="${esc(this.name)}">
				<div class="cp-designer-bar">
					<div class="btn-group">
						<button class="btn btn-default btn-sm" data-action="undo" title="${__("Undo")}">${__("Undo")}</button>
						<button class="btn btn-default btn-sm" data-action="redo" title="${__("Redo")}">${__("Redo")}</button>
					</div>
					<div class="btn-group">
						<button class="btn btn-default btn-sm active" data-device="desktop">${__("Desktop")}</button>
						<button class="btn btn-default btn-sm" data-device="mobile">${__("Mobile")}</button>
					</div>
					<div class="btn-group">
						<button class="btn btn-default btn-sm" data-action="move-up">${__("Move Up")}</button>
						<button class="btn btn-default btn-sm" data-action="move-down">${__("Move Down")}</button>
					</div>
					<button class="btn btn-default btn-sm" data-action="preview">${__("Preview with a Recipient")}</button>
					<button class="btn btn-default btn-sm" data-action="send-test">${__("Send Test Email")}</button>
					<span class="cp-designer-state text-muted small"></span>
				</div>
				<div class="cp-designer-main">
					<div class="cp-designer-side cp-designer-blocks">
						<div class="cp-side-title">${__("Blocks")}</div>
						<div class="cp-blocks"></div>
						<div class="cp-side-hint text-muted small">${__(
							"Drag a block into the email. Double-click a text to edit it; select a block to change its settings."
						)}</div>
					</div>
					<div class="cp-designer-canvas"><div class="cp-gjs"></div></div>
					<div class="cp-designer-side cp-designer-settings">
						<div class="cp-side-title">${__("Settings")}</div>
						<div class="cp-settings-empty text-muted small">${__("Select a block to change its settings.")}</div>
						<div class="cp-traits"></div>
						<div class="cp-side-title">${__("Email")}</div>
						<div class="cp-email-settings"></div>
						<div class="cp-side-title">${__("Checks Before Sending")}</div>
						<div class="cp-problems text-muted small">${__("Saved designs are checked here.")}</div>
					</div>
				</div>
			</div>`);
		body.append(this.$root);
		this.make_email_settings();
	}

	make_email_settings() {
		const parent = this.$root.find(".cp-email-settings");
		this.preheader = frappe.ui.form.make_control({
			parent,
			df: {
				fieldtype: "Data",
				fieldname: "preheader",
				label: __("Preview Text"),
				description: __("Shown after the subject in the inbox."),
				change: () => {
					this.settings.preheader = this.preheader.get_value() || "";
					this.mark_dirty();
				},
			},
			render_input: true,
		});
		this.preheader.set_value(this.settings.preheader || "");
	}

	// ------------------------------------------------------------------ editor
	make_editor() {
		const canvas_css = this.canvas_css();
		this.editor = grapesjs.init({
			container: this.$root.find(".cp-gjs")[0],
			height: "100%",
			width: "auto",
			fromElement: false,
			storageManager: false,
			telemetry: false,
			cssIcons: "",
			avoidInlineStyle: true,
			panels: { defaults: [] },
			blockManager: { appendTo: this.$root.find(".cp-blocks")[0] },
			traitManager: { appendTo: this.$root.find(".cp-traits")[0] },
			layerManager: { appendTo: document.createElement("div") },
			selectorManager: { appendTo: document.createElement("div"), componentFirst: true },
			styleManager: { appendTo: document.createElement("div"), sectors: [] },
			deviceManager: {
				devices: [
					{ id: "desktop", name: __("Desktop"), width: "" },
					{ id: "mobile", name: __("Mobile"), width: "375px", widthMedia: "480px" },
				],
			},
			canvas: { styles: [], scripts: [] },
			protectedCss: canvas_css,
			assetManager: { custom: true },
			richTextEditor: { actions: ["bold", "italic", "underline", "strikethrough", "link"] },
			i18n: {
				locale: frappe.boot.lang === "fr" ? "fr" : "en",
				detectLocale: false,
				localeFallback: "en",
				// our traits carry their own (translated) labels: GrapesJS's would replace them by name
				messages: { fr: { ...fr, traitManager: { ...fr.traitManager, traits: {} } } },
			},
		});
		this.define_traits();
		this.define_types();
		this.define_blocks();
		this.define_rte();
		const editor = this.editor;
		const wrapper = editor.getWrapper();
		wrapper.set({
			droppable: (source) => TOP_TYPES.includes(this.type_of(source)),
			selectable: false,
			hoverable: false,
			badgable: false,
		});
		// what a text block holds (paragraphs, bold, links…) is its text, edited in place: never a
		// block of its own to select, drag or delete
		editor.on("component:add", (component) => this.lock_inner(component));
		editor.on("component:update component:add component:remove", () => this.mark_dirty());
		editor.on("component:selected", () => this.$root.find(".cp-settings-empty").hide());
		editor.on("component:deselected", () => this.$root.find(".cp-settings-empty").show());
	}

	lock_inner(component) {
		if (TEXT_TYPES.includes(this.type_of(component))) {
			component.components().forEach((child) => this.lock_inner(child));
			return;
		}
		let parent = component.parent && component.parent();
		while (parent && !TEXT_TYPES.includes(this.type_of(parent))) parent = parent.parent && parent.parent();
		if (!parent) {
			component.components().forEach((child) => this.lock_inner(child));
			return;
		}
		const lock = (c) => {
			c.set({
				selectable: false,
				hoverable: false,
				draggable: false,
				droppable: false,
				removable: false,
				copyable: false,
				badgable: false,
				layerable: false,
				editable: false,
			});
			c.components().forEach(lock);
		};
		lock(component);
	}

	stop_editing() {
		const editing = this.editor.getEditing();
		const view = editing && editing.getView && editing.getView();
		if (view && view.disableEditing) view.disableEditing();
	}

	canvas_css() {
		const brand = this.context.brand || {};
		const background = this.settings.background || brand.background_color || "#f2f4f7";
		const content = this.settings.content_background || brand.content_background || "#ffffff";
		const text = brand.text_color || "#1f2933";
		const primary = brand.primary_color || "#1f6feb";
		const font = {
			Georgia: "Georgia, serif",
			Verdana: "Verdana, sans-serif",
			"Trebuchet MS": "'Trebuchet MS', sans-serif",
			Tahoma: "Tahoma, sans-serif",
			"Times New Roman": "'Times New Roman', serif",
			"Courier New": "'Courier New', monospace",
		}[brand.font] || "Arial, Helvetica, sans-serif";
		return `
			body { background: ${background}; margin: 0; padding: 16px 0 40px; font-family: ${font};
				color: ${text}; font-size: 15px; line-height: 1.5; }
			[data-gjs-type="wrapper"] { max-width: 600px; margin: 0 auto; min-height: 200px;
				background: ${content}; }
			[data-cp-block] { padding: 10px 25px; position: relative; min-height: 20px; }
			[data-cp-block="heading"] { font-weight: bold; line-height: 1.25; font-size: 28px; }
			[data-cp-block="heading"][data-cp-level="2"] { font-size: 22px; }
			[data-cp-block="heading"][data-cp-level="3"] { font-size: 18px; }
			[data-cp-block="text"] p { margin: 0 0 12px; }
			[data-cp-block="text"] a { color: ${brand.link_color || primary}; }
			[data-cp-block="button"] { text-align: center; }
			.cp-btn { display: inline-block; background: ${primary}; color: #fff; font-weight: bold;
				padding: 12px 28px; border-radius: 4px; }
			[data-cp-block="columns"] { display: flex; gap: 0; padding: 0; }
			[data-cp-block="columns"] > [data-cp-block="column"] { flex: 1; min-height: 60px; padding: 0;
				outline: 1px dashed #d0d5dd; }
			[data-cp-block="column"] > [data-cp-block] { padding: 8px 12px; }
			.cp-placeholder { color: #98a2b3; text-align: center; border: 1px dashed #d0d5dd; padding: 14px;
				font-size: 13px; }
			.cp-img { max-width: 100%; height: auto; display: inline-block; }
			.cp-divider { border-top: 1px solid #d0d5dd; }
			.cp-social a { display: inline-block; margin: 0 4px; padding: 4px 8px; border-radius: 3px;
				background: #475467; color: #fff; font-size: 12px; text-decoration: none; }
			.cp-products { display: flex; flex-wrap: wrap; }
			.cp-product { box-sizing: border-box; padding: 8px; text-align: center; }
			.cp-product img { max-width: 100%; max-height: 160px; }
			.cp-product .cp-name { font-weight: bold; font-size: 16px; }
			.cp-product .cp-price { font-size: 18px; color: ${primary}; }
			.cp-product .cp-missing { color: #d92d20; }
			.cp-coupon { text-align: center; }
			.cp-coupon .cp-code { display: inline-block; border: 2px dashed ${primary}; padding: 10px 22px;
				font-family: 'Courier New', monospace; font-size: 24px; font-weight: bold; letter-spacing: 2px; }
			[data-cp-block="footer"] { background: ${background}; color: #667085; font-size: 12px;
				text-align: center; }
			.cp-legal { margin-top: 8px; }
			.cp-legal a { color: #667085; }
			@media (max-width: 480px) {
				[data-cp-block="columns"] { display: block; }
				.cp-product { width: 100% !important; }
			}
		`;
	}

	type_of(component) {
		const type = (component && component.get && component.get("type")) || "";
		return type.startsWith("cp-") ? type.slice(3) : ""; // "" for GrapesJS's own types
	}

	prop_traits(type) {
		const text = (name, label, extra = {}) => ({ type: "text", name, label, changeProp: true, ...extra });
		const number = (name, label, min, max) => ({
			type: "number",
			name,
			label,
			min,
			max,
			changeProp: true,
		});
		const select = (name, label, options) => ({ type: "select", name, label, options, changeProp: true });
		const color = (name, label) => ({ type: "color", name, label, changeProp: true });
		const check = (name, label) => ({ type: "checkbox", name, label, changeProp: true });
		const upload = (name, label) => ({
			type: "button",
			name: `${name}_upload`,
			label: " ",
			text: label,
			full: true,
			command: (editor) => this.upload_image(editor.getSelected(), name),
		});
		const align = select("align", __("Alignment"), ALIGN_OPTIONS());
		switch (type) {
			case "header":
				return [
					text("logo", __("Logo (URL)"), { placeholder: __("The brand kit's logo") }),
					upload("logo", __("Upload an Image")),
					number("logo_width", __("Logo Width (px)"), 40, 600),
					text("alt", __("Alternative Text")),
					text("link", __("Link")),
					align,
					color("background", __("Background Colour")),
				];
			case "heading":
				return [
					select("level", __("Level"), [
						{ id: "1", name: __("Title") },
						{ id: "2", name: __("Subtitle") },
						{ id: "3", name: __("Small Title") },
					]),
					align,
					color("color", __("Colour")),
				];
			case "text":
				return [align];
			case "image":
				return [
					text("src", __("Image (URL)")),
					upload("src", __("Upload an Image")),
					text("alt", __("Alternative Text")),
					text("href", __("Link")),
					number("width", __("Width (px, 0 = full)"), 0, 600),
					align,
				];
			case "button":
				return [
					text("href", __("Link"), { placeholder: "https://" }),
					align,
					color("background", __("Background Colour")),
					color("color", __("Text Colour")),
				];
			case "divider":
				return [color("color", __("Colour")), number("thickness", __("Thickness (px)"), 1, 10)];
			case "spacer":
				return [number("height", __("Height (px)"), 5, 200)];
			case "social":
				return [
					align,
					...NETWORKS.map((network) =>
						text(`net_${network}`, NETWORK_LABELS[network], { placeholder: "https://" })
					),
				];
			case "products":
				return [
					{ type: "cp-items", name: "items", label: __("Items"), changeProp: true },
					select("per_row", __("Per Row"), [
						{ id: "1", name: "1" },
						{ id: "2", name: "2" },
						{ id: "3", name: "3" },
					]),
					check("show_description", __("Show Description")),
					text("button_label", __("Button Label"), { placeholder: __("See the product") }),
					text("link", __("Link"), { placeholder: "https://shop.example.com/{item_code}" }),
				];
			case "coupon":
				return [
					select(
						"coupon_code",
						__("Coupon Code"),
						[{ id: "", name: "" }].concat(
							(this.context.coupons || []).map((c) => ({
								id: c.value,
								name: c.campaign ? `${c.label} · ${__("this campaign")}` : c.label,
							}))
						)
					),
					text("title", __("Title"), { placeholder: __("Your discount code") }),
					check("show_validity", __("Show Validity")),
				];
			default:
				return [];
		}
	}

	define_traits() {
		const designer = this;
		// The products block's items: a search among ERPNext's Items (Frappe's own Link control:
		// by code or name, with the desk's permission checks), and the chosen ones in order, each
		// moved up or down (or dragged) and removed.
		this.editor.TraitManager.addType("cp-items", {
			templateInput: "",
			createInput({ component }) {
				const el = document.createElement("div");
				el.className = "cp-items-trait";
				designer.make_item_picker(el, component);
				return el;
			},
			onUpdate({ elInput, component }) {
				designer.show_items(elInput, component);
			},
		});
	}

	make_item_picker(el, component) {
		const $el = $(el);
		$el.html(`<div class="cp-item-search"></div><div class="cp-item-list"></div>
			<div class="cp-item-count text-muted small"></div>`);
		const control = frappe.ui.form.make_control({
			parent: $el.find(".cp-item-search"),
			df: {
				fieldtype: "Link",
				fieldname: "cp_add_item",
				options: "Item",
				placeholder: __("Add an item: type its code or name"),
				only_select: 1,
				get_query: () => ({ filters: { disabled: 0, is_sales_item: 1 } }),
				onchange: () => {
					const code = control.get_value();
					if (!code) return;
					const items = [...(component.get("items") || [])];
					if (items.length >= MAX_ITEMS) {
						frappe.show_alert({
							message: __("A products block lists at most {0} items.", [MAX_ITEMS]),
							indicator: "orange",
						});
					} else if (!items.includes(code)) {
						items.push(code);
						component.set("items", items);
					}
					control.set_value("");
				},
			},
			render_input: true,
		});
		control.$input.attr("data-cp-item-search", "1");
		// the trait's own "change" handler reads a value from its input: ours has none
		el.addEventListener("change", (e) => e.stopPropagation());
		const list = $el.find(".cp-item-list");
		list.on("click", "[data-item-action]", (e) => {
			e.preventDefault();
			const button = $(e.currentTarget);
			const code = button.closest("[data-item]").attr("data-item");
			const items = [...(component.get("items") || [])];
			const at = items.indexOf(code);
			if (at < 0) return;
			const action = button.attr("data-item-action");
			if (action === "remove") items.splice(at, 1);
			else {
				const to = at + (action === "up" ? -1 : 1);
				if (to < 0 || to >= items.length) return;
				[items[at], items[to]] = [items[to], items[at]];
			}
			component.set("items", items);
		});
		if (window.Sortable) {
			window.Sortable.create(list[0], {
				handle: ".cp-item-handle",
				animation: 150,
				onEnd: () => {
					const items = list
						.find("[data-item]")
						.toArray()
						.map((row) => row.getAttribute("data-item"));
					component.set("items", items);
				},
			});
		}
		this.show_items(el, component);
	}

	show_items(el, component) {
		const items = component.get("items") || [];
		const list = $(el).find(".cp-item-list");
		if (!list.length) return;
		const cards = this.cards_for(items, () => el.isConnected && this.show_items(el, component));
		const found = {};
		if (Array.isArray(cards)) for (const card of cards) found[card.code] = card;
		list.html(
			items
				.map((code, i) => {
					const card = found[code];
					const name = (card && card.found && card.name) || this.item_names[code] || "";
					const missing = card && !card.found;
					return `<div class="cp-item-row" data-item="${esc(code)}">
						<span class="cp-item-handle" title="${esc(__("Drag to reorder"))}">⋮⋮</span>
						<div class="cp-item-label">
							<div class="cp-item-name ${missing ? "text-danger" : ""}">${esc(
								missing ? __("Unknown item") : name || code
							)}</div>
							${name && name !== code ? `<div class="cp-item-code text-muted">${esc(code)}</div>` : ""}
						</div>
						<div class="cp-item-actions btn-group">
							<button class="btn btn-xs btn-default" data-item-action="up" title="${esc(__("Move Up"))}"
								${i === 0 ? "disabled" : ""}>↑</button>
							<button class="btn btn-xs btn-default" data-item-action="down" title="${esc(__("Move Down"))}"
								${i === items.length - 1 ? "disabled" : ""}>↓</button>
							<button class="btn btn-xs btn-default" data-item-action="remove" title="${esc(__("Remove"))}">×</button>
						</div>
					</div>`;
				})
				.join("")
		);
		$(el)
			.find(".cp-item-count")
			.text(
				items.length
					? __("{0} of {1} items at most", [items.length, MAX_ITEMS])
					: __("No item yet: search one above.")
			);
	}

	define_types() {
		const designer = this;
		const dc = this.editor.DomComponents;
		const common = (type, label) => ({
			tagName: "div",
			name: label,
			attributes: { "data-cp-block": type },
			droppable: false,
			stylable: false,
			traits: designer.prop_traits(type),
			...PROPS[type],
		});
		const is = (type) => (el) => el && el.getAttribute && el.getAttribute("data-cp-block") === type;
		const labels = {
			header: __("Header"),
			heading: __("Heading"),
			text: __("Text"),
			image: __("Image"),
			button: __("Button"),
			columns: __("Columns"),
			divider: __("Divider"),
			spacer: __("Spacer"),
			social: __("Social Links"),
			footer: __("Footer"),
			products: __("Products"),
			coupon: __("Coupon"),
		};

		// Text blocks: edited in place (GrapesJS's rich text editor)
		for (const type of ["heading", "text", "button"]) {
			dc.addType(`cp-${type}`, {
				extend: "text",
				isComponent: is(type),
				model: {
					defaults: { ...common(type, labels[type]), editable: true },
					init() {
						this.on(`change:${Object.keys(PROPS[type]).join(" change:")}`, this.cp_look);
						this.cp_look();
					},
					cp_look() {
						const attributes = { "data-cp-block": type };
						if (type === "heading") attributes["data-cp-level"] = String(this.get("level") || 1);
						this.addAttributes(attributes);
						const style = { "text-align": this.get("align") || "left" };
						if (type === "heading" && this.get("color")) style.color = this.get("color");
						this.setStyle(style);
					},
				},
				view: {
					onRender() {
						if (type === "button") this.el.classList.add("cp-button-block");
					},
				},
			});
		}

		// Blocks drawn from their settings (selected, dragged, never edited inside)
		const drawn = {
			header: (m) => {
				const logo = m.get("logo") || designer.context.brand.logo;
				const name = m.get("alt") || designer.context.identity.company_name || "";
				const inner = logo
					? `<img class="cp-img" src="${esc(logo)}" alt="${esc(name)}" style="width:${esc(
							m.get("logo_width") || 150
					  )}px">`
					: `<div style="font-size:22px;font-weight:bold">${esc(name)}</div>`;
				return `<div style="text-align:${esc(m.get("align"))};${
					m.get("background") ? "background:" + esc(m.get("background")) : ""
				}">${inner}</div>`;
			},
			image: (m) => {
				if (!m.get("src"))
					return `<div class="cp-placeholder">${__("Image: give its URL or upload it in the settings.")}</div>`;
				const width = Number(m.get("width")) ? `width:${Number(m.get("width"))}px;` : "width:100%;";
				return `<div style="text-align:${esc(m.get("align"))}"><img class="cp-img" src="${esc(
					m.get("src")
				)}" alt="${esc(m.get("alt"))}" style="${width}"></div>`;
			},
			divider: (m) =>
				`<div class="cp-divider" style="border-top:${Number(m.get("thickness")) || 1}px solid ${esc(
					m.get("color") || "#d0d5dd"
				)}"></div>`,
			spacer: (m) => `<div style="height:${Number(m.get("height")) || 20}px"></div>`,
			social: (m) => {
				const links = NETWORKS.filter((n) => m.get(`net_${n}`));
				if (!links.length)
					return `<div class="cp-placeholder">${__("Social links: give their URLs in the settings.")}</div>`;
				return `<div class="cp-social" style="text-align:${esc(m.get("align"))}">${links
					.map((n) => `<a>${esc(NETWORK_LABELS[n])}</a>`)
					.join("")}</div>`;
			},
			products: (m, view) => designer.draw_products(m, view),
			coupon: (m) => {
				const coupon = (designer.context.coupons || []).find((c) => c.value === m.get("coupon_code"));
				if (!coupon)
					return `<div class="cp-placeholder">${__("Coupon: choose a coupon code in the settings.")}</div>`;
				return `<div class="cp-coupon"><div style="font-size:18px;font-weight:bold;margin-bottom:8px">${esc(
					m.get("title") || __("Your discount code")
				)}</div><span class="cp-code">${esc(coupon.label)}</span></div>`;
			},
		};
		for (const [type, draw] of Object.entries(drawn)) {
			const props = type === "social" ? NETWORKS.map((n) => `net_${n}`).concat(["align"]) : Object.keys(PROPS[type]);
			const extra = type === "social" ? Object.fromEntries(NETWORKS.map((n) => [`net_${n}`, ""])) : {};
			dc.addType(`cp-${type}`, {
				isComponent: is(type),
				model: { defaults: { ...common(type, labels[type]), ...extra } },
				view: {
					init() {
						this.listenTo(this.model, props.map((p) => `change:${p}`).join(" "), this.render);
					},
					onRender() {
						this.el.innerHTML = draw(this.model, this);
					},
				},
			});
		}

		// Columns: two or three columns that take the simple blocks
		dc.addType("cp-column", {
			isComponent: is("column"),
			model: {
				defaults: {
					tagName: "div",
					name: __("Column"),
					attributes: { "data-cp-block": "column" },
					draggable: false,
					removable: false,
					copyable: false,
					stylable: false,
					droppable: (source) => COLUMN_TYPES.includes(designer.type_of(source)),
				},
			},
		});
		dc.addType("cp-columns", {
			isComponent: is("columns"),
			model: { defaults: { ...common("columns", labels.columns) } },
		});

		// The footer: its own text (edited in place), then the legal identity and the
		// unsubscribe link, always there
		dc.addType("cp-footer-text", {
			extend: "text",
			model: {
				defaults: {
					tagName: "div",
					name: __("Footer Text"),
					attributes: { "data-cp-part": "footer-text" },
					draggable: false,
					removable: false,
					copyable: false,
					stylable: false,
					editable: true,
				},
			},
		});
		dc.addType("cp-footer-legal", {
			model: {
				defaults: {
					tagName: "div",
					attributes: { class: "cp-legal" },
					selectable: false,
					hoverable: false,
					draggable: false,
					removable: false,
					copyable: false,
					layerable: false,
				},
			},
			view: {
				onRender() {
					const identity = designer.context.identity || {};
					const lines = [identity.company_name]
						.concat(identity.address_lines || [], identity.other_lines || [])
						.filter(Boolean)
						.map(esc)
						.join("<br>");
					this.el.innerHTML = `${lines || `<em>${__("The company's name and address")}</em>`}
						<div style="margin-top:8px"><a href="#">${__("Unsubscribe")}</a></div>`;
				},
			},
		});
		dc.addType("cp-footer", {
			isComponent: is("footer"),
			model: {
				defaults: {
					...common("footer", labels.footer),
					draggable: false,
					removable: false,
					copyable: false,
					traits: [],
				},
			},
		});
	}

	// name, image and prices of ``items`` (codes) as the server gives them: the cards, or null while
	// they load (``redraw`` is called once they are there), or "error"
	cards_for(items, redraw) {
		const key = JSON.stringify(items);
		const cards = this.cards[key];
		if (cards) return cards;
		(this.card_waiters[key] = this.card_waiters[key] || []).push(redraw);
		if (cards === null) return null;
		this.cards[key] = null;
		Promise.resolve(
			frappe.call({
				method: "campaign_plus.design.api.item_cards",
				args: { items: key, campaign: this.context.campaign || null },
			})
		)
			.then((r) => {
				this.cards[key] = (r && r.message) || [];
				for (const card of this.cards[key]) if (card.found) this.item_names[card.code] = card.name;
			})
			.catch(() => (this.cards[key] = "error"))
			.then(() => {
				const waiters = this.card_waiters[key] || [];
				delete this.card_waiters[key];
				waiters.forEach((fn) => fn());
			});
		return null;
	}

	draw_products(model, view) {
		const items = model.get("items") || [];
		if (!items.length)
			return `<div class="cp-placeholder">${__("Products: choose the items in the settings.")}</div>`;
		const cards = this.cards_for(items, () => view.el && view.el.isConnected && view.render());
		if (cards === "error")
			return `<div class="cp-placeholder">${__("The items could not be read.")}</div>`;
		if (!cards) return `<div class="cp-placeholder">${__("Loading the items…")}</div>`;
		const width = `${100 / (Number(model.get("per_row")) || 2)}%`;
		return `<div class="cp-products">${cards
			.map(
				(card) => `<div class="cp-product" style="width:${width}">
					${card.image ? `<img src="${esc(card.image)}" alt="${esc(card.name)}">` : ""}
					<div class="cp-name">${esc(card.name)}</div>
					${model.get("show_description") && card.description ? `<div>${esc(card.description)}</div>` : ""}
					<div class="cp-price">${
						card.found
							? esc(card.campaign_price || card.price || __("No price"))
							: `<span class="cp-missing">${__("Unknown item")}</span>`
					}</div>
					${card.campaign_price ? `<div class="small">${__("Campaign price, for its targets")}</div>` : ""}
				</div>`
			)
			.join("")}</div>`;
	}

	define_blocks() {
		const bm = this.editor.BlockManager;
		const layout = __("Layout");
		const content = __("Content");
		const erp = __("ERP");
		const add = (id, label, category, def) =>
			bm.add(`cp-${id}`, {
				label: `<div class="cp-block-label" data-cp-new="${id}">${esc(label)}</div>`,
				category,
				content: def,
				select: true,
				activate: false,
			});
		const text_def = (html) => ({ type: "cp-text", components: html, ...PROPS.text });
		add("header", __("Header with Logo"), layout, { type: "cp-header", ...PROPS.header });
		add("heading", __("Heading"), content, {
			type: "cp-heading",
			components: esc(__("Your heading")),
			...PROPS.heading,
		});
		add("text", __("Text"), content, text_def(`<p>${esc(__("Your text. Double-click to edit it."))}</p>`));
		add("image", __("Image"), content, { type: "cp-image", ...PROPS.image });
		add("button", __("Button"), content, { type: "cp-button", components: esc(__("Click here")), ...PROPS.button });
		const columns = (n) => ({
			type: "cp-columns",
			components: Array.from({ length: n }, (_, i) => ({
				type: "cp-column",
				components: [text_def(`<p>${esc(__("Column {0}", [i + 1]))}</p>`)],
			})),
		});
		add("columns-2", __("Two Columns"), layout, columns(2));
		add("columns-3", __("Three Columns"), layout, columns(3));
		add("divider", __("Divider"), layout, { type: "cp-divider", ...PROPS.divider });
		add("spacer", __("Spacer"), layout, { type: "cp-spacer", ...PROPS.spacer });
		add("social", __("Social Links"), content, { type: "cp-social", ...PROPS.social });
		add("products", __("Products"), erp, { type: "cp-products", ...PROPS.products, items: [] });
		add("coupon", __("Coupon"), erp, { type: "cp-coupon", ...PROPS.coupon });
	}

	define_rte() {
		const designer = this;
		this.editor.RichTextEditor.add("cp-field", {
			icon: `<span class="cp-rte-field" title="${esc(__("Insert a personalisation field"))}">{ }</span>`,
			attributes: { title: __("Insert a personalisation field") },
			result: (rte) => designer.insert_field(rte),
		});
	}

	insert_field(rte) {
		// The dialog takes the focus (and GrapesJS may end the editing, drawing the text again):
		// the caret is kept as a character offset in the block's text, and the field goes there.
		const component = this.editor.getEditing() || this.editor.getSelected();
		const view = component && component.getView && component.getView();
		if (!view) return;
		const offset = caret_offset(view.el);
		const dialog = new frappe.ui.Dialog({
			title: __("Personalisation Field"),
			fields: [
				{
					fieldtype: "Select",
					fieldname: "field",
					label: __("Field"),
					options: this.context.fields,
					reqd: 1,
					default: "first_name",
				},
				{
					fieldtype: "Data",
					fieldname: "fallback",
					label: __("When Empty"),
					description: __("Written instead when the recipient's value is empty."),
				},
			],
			primary_action_label: __("Insert"),
			primary_action: (values) => {
				dialog.hide();
				const fallback = (values.fallback || "").replace(/[{}|]/g, "").trim();
				const token = `{{ ${values.field}${fallback ? " | " + fallback : ""} }}`;
				if (this.editor.getEditing() === component) view.disableEditing();
				insert_text_at(view.el, offset, token);
				component.components(view.el.innerHTML);
				this.lock_inner(component);
				this.mark_dirty();
			},
		});
		dialog.show();
	}

	upload_image(component, prop) {
		if (!component) return;
		new frappe.ui.FileUploader({
			allow_multiple: false,
			make_attachments_public: true,
			restrictions: { allowed_file_types: ["image/*"] },
			on_success: (file) => {
				const url = file.file_url.startsWith("/") ? this.context.site_url + file.file_url : file.file_url;
				component.set(prop, url);
			},
		});
	}

	// ------------------------------------------------------------------ design ⇄ components
	to_component(block) {
		const type = block.type;
		const def = { type: `cp-${type}`, cp_id: block.id };
		for (const [key, value] of Object.entries(PROPS[type] || {})) {
			def[key] = block[key] === undefined || block[key] === null ? value : block[key];
		}
		// a select's options are strings (GrapesJS shows none chosen for a number); to_block makes
		// them numbers again
		for (const key of ["level", "per_row"]) if (key in def) def[key] = String(def[key]);
		if (type === "heading" || type === "text") def.components = block.html || "";
		if (type === "button") def.components = esc(block.label || "");
		if (type === "columns")
			def.components = (block.columns || []).map((column) => ({
				type: "cp-column",
				components: column.map((child) => this.to_component(child)),
			}));
		if (type === "social") {
			for (const link of block.links || []) def[`net_${link.network}`] = link.url;
		}
		if (type === "products") def.items = [...(block.items || [])];
		if (type === "footer")
			def.components = [
				{ type: "cp-footer-text", components: block.html || "" },
				{ type: "cp-footer-legal" },
			];
		return def;
	}

	to_block(component) {
		const type = this.type_of(component);
		if (!TOP_TYPES.includes(type)) return null;
		const block = { type, id: component.get("cp_id") || component.getId() };
		for (const key of Object.keys(PROPS[type])) {
			const value = component.get(key);
			block[key] = value === undefined ? PROPS[type][key] : value;
		}
		for (const key of ["logo_width", "width", "thickness", "height", "per_row", "level"]) {
			if (key in block) block[key] = Number(block[key]) || 0;
		}
		if (type === "heading" || type === "text") block.html = component.getInnerHTML();
		if (type === "button") block.label = text_of(component.getInnerHTML());
		if (type === "columns")
			block.columns = component
				.components()
				.map((column) =>
					column
						.components()
						.map((child) => this.to_block(child))
						.filter(Boolean)
				);
		if (type === "social")
			block.links = NETWORKS.filter((n) => component.get(`net_${n}`)).map((n) => ({
				network: n,
				url: component.get(`net_${n}`).trim(),
			}));
		if (type === "footer") {
			const part = component.components().find((c) => c.get("type") === "cp-footer-text");
			block.html = part ? part.getInnerHTML() : "";
		}
		return block;
	}

	set_design(design) {
		this.loading = true;
		this.editor.setComponents(design.blocks.map((block) => this.to_component(block)));
		this.editor.getWrapper().components().forEach((component) => this.lock_inner(component));
		this.editor.UndoManager.clear();
		this.loading = false;
		this.dirty = false;
		this.show_state();
	}

	get_design() {
		this.stop_editing(); // the text being typed goes into the model first
		const blocks = this.editor
			.getWrapper()
			.components()
			.map((c) => this.to_block(c))
			.filter(Boolean);
		return { schema: 1, settings: this.settings, blocks };
	}

	// ------------------------------------------------------------------ actions
	make_actions() {
		const editor = this.editor;
		if (this.context.can_write) {
			this.page.set_primary_action(__("Save"), () => this.save(), "save");
		}
		this.page.set_secondary_action(__("Open Design"), () =>
			frappe.set_route("Form", "Campaign Email Design", this.name)
		);
		this.$root.on("click", "[data-action=undo]", () => editor.UndoManager.undo());
		this.$root.on("click", "[data-action=redo]", () => editor.UndoManager.redo());
		this.$root.on("click", "[data-device]", (e) => {
			const device = $(e.currentTarget).attr("data-device");
			editor.setDevice(device);
			this.$root.find("[data-device]").removeClass("active");
			$(e.currentTarget).addClass("active");
		});
		this.$root.on("click", "[data-action=move-up]", () => this.move_selected(-1));
		this.$root.on("click", "[data-action=move-down]", () => this.move_selected(1));
		this.$root.on("click", "[data-action=preview]", () => this.preview_dialog());
		this.$root.on("click", "[data-action=send-test]", () => this.send_test_dialog());
		frappe.ui.keys.add_shortcut({
			shortcut: "ctrl+s",
			action: () => this.save(),
			description: __("Save the design"),
			page: this.page,
		});
	}

	move_selected(step) {
		const component = this.editor.getSelected();
		if (!component) return;
		const parent = component.parent();
		const at = component.index() + step;
		if (!parent || at < 0 || at >= parent.components().length) return;
		if (this.type_of(parent.components().at(at)) === "footer") return;
		component.move(parent, { at: step > 0 ? at + 1 : at });
		this.editor.select(component);
		this.mark_dirty();
	}

	mark_dirty() {
		if (this.loading) return;
		this.dirty = true;
		this.show_state();
	}

	show_state() {
		const state = this.dirty
			? __("Not saved")
			: __("Saved · version {0}", [this.context.version || 1]);
		this.$root.find(".cp-designer-state").text(state);
		this.page.set_indicator(this.dirty ? __("Not Saved") : __("Saved"), this.dirty ? "orange" : "green");
	}

	async save() {
		const r = await frappe.call({
			method: "campaign_plus.design.api.save_design",
			args: { design: this.name, data: JSON.stringify(this.get_design()) },
			freeze: true,
			freeze_message: __("Saving and checking the email…"),
		});
		const result = r.message;
		this.context.version = result.version;
		this.dirty = false;
		this.show_state();
		this.show_problems(result.problems);
		frappe.show_alert({ message: __("Design saved"), indicator: "green" });
		return result;
	}

	show_problems(problems) {
		const $p = this.$root.find(".cp-problems").empty();
		if (!problems || !problems.length) {
			$p.append(`<div class="text-success">${__("No problem found.")}</div>`);
			return;
		}
		for (const problem of problems) {
			$p.append(
				`<div class="cp-problem cp-problem-${esc(problem.level)}"><span class="indicator-pill ${
					problem.level === "error" ? "red" : "orange"
				}">${problem.level === "error" ? __("Error") : __("Warning")}</span> ${esc(problem.message)}</div>`
			);
		}
	}

	recipient_fields() {
		return [
			{
				fieldtype: "Select",
				fieldname: "party_type",
				label: __("Recipient Type"),
				options: ["Lead", "Contact"],
				default: "Lead",
			},
			{
				fieldtype: "Dynamic Link",
				fieldname: "party",
				label: __("Recipient"),
				options: "party_type",
				description: __("Their data fills the personalisation fields; a campaign target sees the campaign price."),
			},
		];
	}

	preview_dialog() {
		const dialog = new frappe.ui.Dialog({
			title: __("Preview with a Recipient"),
			size: "extra-large",
			fields: [
				...this.recipient_fields(),
				{ fieldtype: "Column Break" },
				{
					fieldtype: "Select",
					fieldname: "width",
					label: __("Width"),
					options: [
						{ value: "800", label: __("Desktop (800 px)") },
						{ value: "375", label: __("Mobile (375 px)") },
					],
					default: "800",
				},
				{ fieldtype: "Section Break" },
				{ fieldtype: "HTML", fieldname: "preview" },
			],
			primary_action_label: __("Refresh"),
			primary_action: () => show(),
		});
		const show = async () => {
			const values = dialog.get_values(true) || {};
			const r = await frappe.call({
				method: "campaign_plus.design.api.preview",
				args: {
					design: this.name,
					data: JSON.stringify(this.get_design()),
					party_type: values.party ? values.party_type : null,
					party: values.party || null,
				},
			});
			const width = Number(values.width) || 800;
			const wrapper = dialog.fields_dict.preview.$wrapper.empty();
			const note = r.message.target
				? __("This recipient is a campaign target: campaign prices.")
				: __("List prices (not a campaign target).");
			wrapper.append(`<div class="text-muted small cp-preview-note">${esc(note)}</div>`);
			const frame = $(
				`<iframe class="cp-preview-frame" style="width:${width}px;max-width:100%;height:70vh;border:1px solid var(--border-color);background:#fff"></iframe>`
			);
			wrapper.append(frame);
			frame[0].srcdoc = r.message.html;
			const text = $(`<details class="mt-2"><summary>${__("Plain-text part")}</summary><pre></pre></details>`);
			text.find("pre").text(r.message.text);
			wrapper.append(text);
		};
		dialog.fields_dict.party.df.onchange = show;
		dialog.fields_dict.width.df.onchange = show;
		dialog.show();
		show();
	}

	send_test_dialog() {
		const dialog = new frappe.ui.Dialog({
			title: __("Send Test Email"),
			fields: [
				{
					fieldtype: "Data",
					fieldname: "email",
					label: __("Send To"),
					options: "Email",
					reqd: 1,
					default: this.context.user_email || "",
				},
				...this.recipient_fields(),
			],
			primary_action_label: __("Send"),
			primary_action: async (values) => {
				if (this.dirty) await this.save();
				const r = await frappe.call({
					method: "campaign_plus.design.api.send_test",
					args: {
						design: this.name,
						email: values.email,
						party_type: values.party ? values.party_type : null,
						party: values.party || null,
					},
					freeze: true,
					freeze_message: __("Sending…"),
				});
				dialog.hide();
				frappe.show_alert({ message: __("Test email sent to {0}", [esc(r.message)]), indicator: "green" });
			},
		});
		dialog.show();
	}
}

campaign_plus.email_designer.open = async function (wrapper, name) {
	if (!name) {
		frappe.set_route("List", "Campaign Email Design");
		return;
	}
	if (wrapper.designer && wrapper.designer.name === name) return;
	if (wrapper.designer && wrapper.designer.editor) wrapper.designer.editor.destroy();
	wrapper.designer = new EmailDesigner(wrapper, name);
	await wrapper.designer.load();
	return wrapper.designer;
};
campaign_plus.email_designer.EmailDesigner = EmailDesigner;
