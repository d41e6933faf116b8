# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The engine never imports frappe, so it runs (and is tested) anywhere."""

import ast
import pathlib

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "campaign_plus" / "engine"


def test_engine_modules_never_import_frappe():
	offenders = []
	for path in ENGINE.rglob("*.py"):
		for node in ast.walk(ast.parse(path.read_text())):
			names = []
			if isinstance(node, ast.Import):
				names = [alias.name for alias in node.names]
			elif isinstance(node, ast.ImportFrom) and node.module:
				names = [node.module]
			offenders += [
				f"{path.name}: {name}" for name in names if name.split(".")[0] in ("frappe", "erpnext")
			]
	assert not offenders
	assert list(ENGINE.rglob("*.py")), "engine package not found"
