# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Every user-facing string is wrapped for translation and translated in French."""

import ast
import re

import pytest

from tests.conformance._app import APP, ROOT, parse
from tools.i18n import extract, read_po

MESSAGES = extract()
PLACEHOLDER = re.compile(r"\{\d*\}")


def test_messages_found():
	assert len(MESSAGES) > 20


def test_main_pot_is_up_to_date():
	pot = read_po(APP / "locale" / "main.pot")
	assert set(pot) == set(MESSAGES), "run: python -m tools.i18n"


@pytest.mark.parametrize("lang", ["fr"])
def test_every_message_is_translated(lang):
	po = read_po(APP / "locale" / f"{lang}.po")
	missing = sorted(m for m in MESSAGES if not po.get(m))
	assert not missing, f"untranslated in {lang}.po: {missing}"


@pytest.mark.parametrize("lang", ["fr"])
def test_placeholders_survive_translation(lang):
	po = read_po(APP / "locale" / f"{lang}.po")
	for message, translation in po.items():
		if translation:
			assert sorted(PLACEHOLDER.findall(message)) == sorted(PLACEHOLDER.findall(translation)), message


USER_FACING_CALLS = {"throw", "msgprint", "show_alert", "publish_progress"}


def _is_wrapped(node: ast.expr) -> bool:
	"""A translated message: _("...") possibly followed by .format(...), or a variable."""
	if isinstance(node, ast.Call):
		func = node.func
		if isinstance(func, ast.Name) and func.id in ("_", "_lt"):
			return True
		if isinstance(func, ast.Attribute) and func.attr == "format":
			return _is_wrapped(func.value)
	return not isinstance(node, ast.Constant | ast.JoinedStr)


def test_python_messages_are_wrapped():
	offenders = []
	for path in APP.rglob("*.py"):
		for node in ast.walk(parse(path)):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Attribute)
				and node.func.attr in USER_FACING_CALLS
				and ast.unparse(node.func.value) == "frappe"
			):
				candidates = list(node.args[:1]) + [
					k.value for k in node.keywords if k.arg in ("msg", "title")
				]
				offenders += [
					f"{path.relative_to(ROOT)}:{node.lineno}" for c in candidates if not _is_wrapped(c)
				]
	assert not offenders


def test_engine_messages_are_marked():
	"""RuleError messages and titles in the engine go through the _ marker."""
	offenders = []
	for path in (APP / "engine").rglob("*.py"):
		for node in ast.walk(parse(path)):
			if isinstance(node, ast.Call) and ast.unparse(node.func) == "RuleError":
				candidates = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "title"]
				offenders += [f"{path.name}:{node.lineno}" for c in candidates if not _is_wrapped(c)]
	assert not offenders


JS_USER_FACING = re.compile(
	r"(?:frappe\.(?:msgprint|throw|confirm|show_alert)|set_indicator|add_custom_button|set_title)\(\s*(['\"`])"
)


def test_js_messages_are_wrapped():
	offenders = []
	for path in APP.rglob("*.js"):
		if "dist" in path.parts or "node_modules" in path.parts:  # built bundles
			continue
		for match in JS_USER_FACING.finditer(path.read_text()):
			offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
	assert not offenders
