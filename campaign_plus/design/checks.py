# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Checks before sending a design (rules in :func:`campaign_plus.engine.design.check`): images
without alternative text, insecure or unreachable links, Gmail's 102 KB clipping, the unsubscribe
link and the legal identity, products without price or image, unusable coupons.

:func:`campaign_checks` gives the problems of every design a campaign's steps send, for the
campaign's pre-send checks; :func:`deliverability_checks` joins them to Check Deliverability
(the ``campaign_plus_deliverability_checks`` hook), which also renders each designed step as it
is sent and judges that email itself (size, images' alternative text, http links, unsubscribe
link): those checks are not repeated here."""

import frappe
from frappe import _

from campaign_plus.design import catalogue, compiler, identity, model
from campaign_plus.engine import design as engine
from campaign_plus.engine import tracking
from campaign_plus.engine.design_mjml import UNSUBSCRIBE, marker_pattern
from campaign_plus.engine.design_render import message_size


def _translated(problem: engine.Problem) -> dict:
	message = _(problem.message).format(*(str(arg) for arg in problem.args))
	return {"level": problem.level, "message": message}


def problems_for(design: dict, compiled, campaign: str | None, campaign_doc: dict | None) -> list[dict]:
	return [_translated(problem) for problem in problems(design, compiled, campaign, campaign_doc)]


def problems(design: dict, compiled, campaign: str | None, campaign_doc: dict | None) -> list[engine.Problem]:
	codes = engine.item_codes(design)
	unsubscribe = {i for i, slot in enumerate(compiled.slots) if slot.kind == UNSUBSCRIBE}
	in_html = {int(m.group(1)) for m in marker_pattern(compiled.nonce).finditer(compiled.html)}
	return engine.check(
		design,
		message_size(compiled.html),
		bool(unsubscribe & in_html),
		catalogue.items(codes),
		catalogue.prices(codes, campaign_doc),
		catalogue.coupons(engine.coupon_codes(design)),
		identity.legal_identity(campaign),
		len(tracking.tracked_links(compiled.html)),
	)


def check_design(name: str, campaign: str | None = None) -> list[dict]:
	row, design, compiled = compiler.compiled(name, campaign)
	campaign = campaign or row.campaign
	campaign_doc = frappe.get_doc("Campaign", campaign).as_dict() if campaign else None
	return problems_for(design, compiled, campaign, campaign_doc)


def campaign_checks(campaign: str) -> list[dict]:
	"""The problems of the designs the campaign's email steps send, each naming its step."""
	from campaign_plus.design.sending import template_designs

	steps = frappe.get_all(
		"Campaign Email Schedule",
		filters={"parent": campaign, "parenttype": "Campaign"},
		fields=["idx", "email_template"],
		order_by="idx",
	)
	designs = template_designs({step.email_template for step in steps})
	out = []
	for step in steps:
		name = designs.get(step.email_template)
		if not name or not frappe.db.exists(model.DOCTYPE, name):
			continue
		for problem in check_design(name, campaign):
			out.append(
				{
					**problem,
					"message": _("Step {0} ({1}): {2}").format(
						step.idx, step.email_template, problem["message"]
					),
				}
			)
	return out


# judged by Check Deliverability on the rendered email of each step
COVERED = {"size", "image_alt", "http_link", "unsubscribe"}


def deliverability_checks(ctx) -> list:
	"""Hook ``campaign_plus_deliverability_checks``: the design checks of each designed step."""
	from campaign_plus.design.sending import template_designs
	from campaign_plus.engine.deliverability import Finding

	designs = template_designs({step.template for step in ctx.steps})
	if not designs:
		return []
	campaign_doc = frappe.get_doc("Campaign", ctx.campaign).as_dict()
	findings = []
	for step in ctx.steps:
		name = designs.get(step.template)
		if not name:
			continue
		_row, design, compiled = compiler.compiled(name, ctx.campaign)
		for problem in problems(design, compiled, ctx.campaign, campaign_doc):
			if problem.code not in COVERED:
				findings.append(
					Finding(
						f"design.{problem.code}",
						problem.level,
						problem.message,
						problem.args,
						step=step.label,
					)
				)
	return findings
