# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Collect every user-facing string of the app and keep locale/main.pot and the .po files in step.

Without a bench: ``python -m tools.i18n`` rewrites ``campaign_plus/locale/main.pot`` and adds
missing messages (untranslated) to each ``<lang>.po``; ``python -m tools.i18n --set fr FILE.json``
then fills ``fr.po`` from a JSON object ``{"message": "translation"}``. On a bench, ``bench generate-pot-file
--app campaign_plus`` gives the same messages through Frappe's own extractors.

Sources read: ``_("...")`` calls in Python (engine included, where ``_`` only marks), ``__("...")``
calls in JavaScript, doctype JSON (name, description, labels, field descriptions, Select
options, connection groups), and the data in :mod:`campaign_plus.setup.fields` (custom field
labels and descriptions, default status codes and descriptions).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "campaign_plus"
LOCALE = APP / "locale"

JS_CALL = re.compile(r"""(?<![\w.])__\(\s*(?P<q>["'`])(?P<msg>(?:\\.|(?!(?P=q)).)*?)(?P=q)""", re.S)


def _python_messages(path: Path) -> list[tuple[str, str]]:
	found = []
	for node in ast.walk(ast.parse(path.read_text(), str(path))):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Name)
			and node.func.id in ("_", "_lt")
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
		):
			found.append((node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}"))
	return found


def _js_messages(path: Path) -> list[tuple[str, str]]:
	text = path.read_text()
	found = []
	for match in JS_CALL.finditer(text):
		message = (
			match.group("msg").encode().decode("unicode_escape")
			if "\\" in match.group("msg")
			else match.group("msg")
		)
		found.append((message, f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"))
	return found


def _doctype_messages(path: Path) -> list[tuple[str, str]]:
	data = json.loads(path.read_text())
	where = str(path.relative_to(ROOT))
	if isinstance(data, dict) and data.get("doctype") in ("Report", "Number Card"):
		return [(data.get("label") or data["name"], where)]
	if isinstance(data, dict) and data.get("doctype") == "Workspace":
		labels = [data["label"]] + [link["label"] for link in data.get("links", [])]
		labels += [shortcut["label"] for shortcut in data.get("shortcuts", [])]
		return [(label, where) for label in dict.fromkeys(labels)]
	if not isinstance(data, dict) or data.get("doctype") != "DocType":
		return []
	where = str(path.relative_to(ROOT))
	found = [(data["name"], where)]
	if data.get("description"):
		found.append((data["description"], where))
	for field in data.get("fields", []):
		for key in ("label", "description"):
			if field.get(key):
				found.append((field[key], where))
		if field.get("fieldtype") == "Select" and field.get("options"):
			found += [(o, where) for o in field["options"].split("\n") if o and not o.isdigit()]
	for link in data.get("links", []):
		if link.get("group"):
			found.append((link["group"], where))
	return found


def _setup_messages() -> list[tuple[str, str]]:
	sys.path.insert(0, str(ROOT))
	from campaign_plus.setup import fields

	where = "campaign_plus/setup/fields.py"
	found = []
	for doctype_fields in fields.CUSTOM_FIELDS.values():
		for field in doctype_fields:
			found += [(field[key], where) for key in ("label", "description") if field.get(key)]
	for status in fields.DEFAULT_STATUSES:
		found += [(status["code"], where), (status["description"], where)]
	found += [(color, where) for color in fields.INDICATOR_COLORS]
	return found


def extract() -> dict[str, list[str]]:
	"""Every user-facing message, with where it was found."""
	messages: dict[str, list[str]] = {}
	found: list[tuple[str, str]] = []
	for path in sorted(APP.rglob("*.py")):
		found += _python_messages(path)
	for path in sorted(APP.rglob("*.js")):
		if "dist" not in path.parts and "node_modules" not in path.parts:
			found += _js_messages(path)
	for path in sorted(APP.rglob("*.json")):
		found += _doctype_messages(path)
	found += _setup_messages()
	for message, where in found:
		if message.strip():
			messages.setdefault(message, []).append(where)
	return messages


def read_po(path: Path) -> dict[str, str]:
	from babel.messages.pofile import read_po as babel_read_po

	with path.open("rb") as handle:
		catalog = babel_read_po(handle)
	return {m.id: m.string for m in catalog if m.id and not m.context}


def write(check_only: bool = False) -> int:
	from babel.messages.catalog import Catalog
	from babel.messages.pofile import read_po as babel_read_po
	from babel.messages.pofile import write_po

	messages = extract()
	pot = Catalog(project="Campaign Plus", version="", copyright_holder="campaign_plus contributors")
	for message, places in sorted(messages.items()):
		pot.add(
			message,
			locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1]) if ":" in p else 0) for p in places],
		)
	LOCALE.mkdir(exist_ok=True)
	with (LOCALE / "main.pot").open("wb") as handle:
		write_po(handle, pot, width=0, sort_output=True, omit_header=False, include_lineno=False)
	missing = 0
	for po_path in sorted(LOCALE.glob("*.po")):
		with po_path.open("rb") as handle:
			catalog = babel_read_po(handle)
		for message in messages:
			if message not in catalog:
				catalog.add(message)
				missing += 1
		with po_path.open("wb") as handle:
			write_po(handle, catalog, width=0, sort_output=True, include_lineno=False)
	print(f"{len(messages)} messages; {missing} added untranslated to the .po files")
	return 0


def set_translations(lang: str, path: Path) -> int:
	"""Fill ``<lang>.po`` with the translations of a JSON file ``{"message": "translation"}``."""
	from babel.messages.pofile import read_po as babel_read_po
	from babel.messages.pofile import write_po

	translations = json.loads(Path(path).read_text())
	po_path = LOCALE / f"{lang}.po"
	with po_path.open("rb") as handle:
		catalog = babel_read_po(handle)
	unknown = [message for message in translations if message not in catalog]
	for message, translation in translations.items():
		if message in catalog:
			catalog[message].string = translation
	with po_path.open("wb") as handle:
		write_po(handle, catalog, width=0, sort_output=True, include_lineno=False)
	print(f"{len(translations) - len(unknown)} translations set in {po_path.name}")
	if unknown:
		print(f"not in {po_path.name} (run python -m tools.i18n first): {unknown}")
	return 1 if unknown else 0


if __name__ == "__main__":
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--set", nargs=2, metavar=("LANG", "JSON"), help="fill LANG.po from a JSON file")
	args = parser.parse_args()
	sys.exit(set_translations(args.set[0], Path(args.set[1])) if args.set else write())
