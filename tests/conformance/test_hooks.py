# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Every dotted path and file named in hooks.py exists in the source."""

import ast

import pytest

from tests.conformance._app import APP, ROOT, load_doctypes, parse

HOOKS_FILE = APP / "hooks.py"
FILE_HOOKS = {"doctype_js", "doctype_list_js", "doctype_tree_js", "doctype_calendar_js", "page_js"}
INCLUDE_HOOKS = {"app_include_js", "app_include_css", "web_include_js", "web_include_css"}


def load_hooks() -> dict:
	tree = parse(HOOKS_FILE)
	for node in ast.walk(tree):
		assert not isinstance(node, ast.Import | ast.ImportFrom), "hooks.py imports nothing"
	namespace: dict = {}
	exec(compile(tree, str(HOOKS_FILE), "exec"), namespace)
	return {k: v for k, v in namespace.items() if not k.startswith("__")}


HOOKS = load_hooks()


def _strings(value):
	if isinstance(value, str):
		yield value
	elif isinstance(value, dict):
		for item in value.values():
			yield from _strings(item)
	elif isinstance(value, list | tuple):
		for item in value:
			yield from _strings(item)


def dotted_paths():
	for key, value in HOOKS.items():
		if key.startswith("app_") or key in FILE_HOOKS | INCLUDE_HOOKS or key in ("required_apps",):
			continue
		for text in _strings(value):
			if text.startswith("campaign_plus."):
				yield key, text


def resolve(path: str) -> bool:
	module, _, attr = path.rpartition(".")
	base = ROOT.joinpath(*module.split("."))
	source = base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
	if not source.exists():
		return False
	tree = parse(source)
	return any(
		isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == attr
		for node in tree.body
	)


def test_required_app_and_type_export():
	assert HOOKS["app_name"] == "campaign_plus"
	assert HOOKS["required_apps"] == ["frappe/erpnext"]
	assert HOOKS["export_python_type_annotations"] is True


def test_hooks_name_dotted_paths():
	assert list(dotted_paths()), "no dotted paths found in hooks.py"


@pytest.mark.parametrize("key, path", sorted(set(dotted_paths())))
def test_dotted_path_resolves_to_a_function(key, path):
	assert resolve(path), f"{key}: {path} does not resolve to a function or class"


@pytest.mark.parametrize("key", sorted(FILE_HOOKS & set(HOOKS)))
def test_js_hook_files_exist(key):
	for doctype, relpaths in HOOKS[key].items():
		for relpath in [relpaths] if isinstance(relpaths, str) else relpaths:
			assert (APP / relpath).exists(), f"{key}[{doctype}] → {relpath} missing"


def test_doc_events_name_real_events():
	events = {
		"before_insert", "after_insert", "validate", "before_save", "on_update", "before_submit",
		"on_submit", "before_cancel", "on_cancel", "on_trash", "after_delete", "on_change",
		"before_rename", "after_rename", "on_update_after_submit", "before_validate",
	}  # fmt: skip
	# controller methods the desk runs through Document.run_method, which calls doc_events after them
	events |= {"process_item_selection"}  # ERPNext 16: pricing an added row on the server
	for doctype, handlers in HOOKS.get("doc_events", {}).items():
		assert set(handlers) <= events, doctype


def test_whitelisted_functions_are_annotated_and_check_permissions():
	"""Every @frappe.whitelist() function annotates its arguments and checks permissions."""
	found = 0
	for path in APP.rglob("*.py"):
		for node in ast.walk(parse(path)):
			if not isinstance(node, ast.FunctionDef):
				continue
			decorators = [ast.unparse(d) for d in node.decorator_list]
			if not any(d.startswith("frappe.whitelist") for d in decorators):
				continue
			found += 1
			args = [a for a in node.args.args if a.arg != "self"]
			assert all(a.annotation is not None for a in args), f"{path.name}:{node.name} unannotated"
			body = ast.unparse(node)
			checks = ["check_permission", "has_permission", "only_for"]
			if any("allow_guest=True" in d for d in decorators):
				checks.append("read_token")  # a guest's permission is a token signed by the site
				checks.append("verify_request")  # or an email service's signature or secret (webhooks)
			assert any(check in body for check in checks), f"{path.name}:{node.name} checks no permission"
	assert found


def test_own_doctype_scripts_are_where_frappe_loads_them():
	for name, data in load_doctypes().items():
		path = data["_path"]
		assert path.with_suffix(".js").exists(), f"{name} has no form script"
