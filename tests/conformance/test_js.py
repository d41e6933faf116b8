# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""JavaScript parses (node --check) and follows the desk conventions."""

import re
import shutil
import subprocess

import pytest

from tests.conformance._app import APP

JS_FILES = sorted(p for p in APP.rglob("*.js") if "node_modules" not in p.parts and "dist" not in p.parts)
NODE = shutil.which("node")


def test_there_is_javascript():
	assert JS_FILES


@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_parses(path):
	assert NODE, "node is required for the conformance tier (.ci/run installs it)"
	result = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
	assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_desk_conventions(path):
	text = path.read_text()
	assert "cur_frm" not in text, "use frm, never cur_frm"
	assert text.startswith("// Copyright"), "licence header"
	for call in re.finditer(r"add_custom_button\(\s*([^,]+),", text):
		assert call.group(1).strip().startswith(("__(", "label(")), f"untranslated button {call.group(1)}"
