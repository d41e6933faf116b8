# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Packaging: flit, no frappe on PyPI, licence headers everywhere."""

import re
import subprocess
import sys

import pytest

from tests.conformance._app import APP, ROOT

if sys.version_info >= (3, 11):
	import tomllib
else:  # pragma: no cover
	tomllib = pytest.importorskip("tomli")

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_build_backend_is_flit():
	assert PYPROJECT["build-system"]["build-backend"] == "flit_core.buildapi"


def test_frappe_and_erpnext_are_bench_dependencies_only():
	deps = " ".join(PYPROJECT["project"].get("dependencies", []))
	assert "frappe" not in deps and "erpnext" not in deps
	bench = PYPROJECT["tool"]["bench"]["frappe-dependencies"]
	assert set(bench) == {"frappe", "erpnext"}
	for spec in bench.values():
		assert spec == ">=15.0.0,<17.0.0"


def test_version_is_declared():
	assert re.search(r'^__version__ = "\d+\.\d+\.\d+"$', (APP / "__init__.py").read_text(), re.M)


def _tracked_files():
	try:
		out = subprocess.run(
			["git", "ls-files", "--cached", "--others", "--exclude-standard"],
			cwd=ROOT,
			capture_output=True,
			text=True,
			check=True,
		).stdout.split()
	except (OSError, subprocess.CalledProcessError):
		out = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
	return [ROOT / name for name in out]


def test_licence_header_on_every_source_file():
	missing = []
	for path in _tracked_files():
		if not path.exists():
			continue
		text = path.read_text(errors="replace")
		if path.suffix in (".py", ".js") or path.name == "run" or path.name == "run-tests":
			head = "\n".join(text.splitlines()[:3])
			if "Copyright" not in head and "license" not in head.lower():
				missing.append(str(path.relative_to(ROOT)))
	assert not missing


def test_nothing_fetched_is_committed():
	# Built from pieces so that this file does not match itself.
	pattern = re.compile(
		"|".join(
			re.escape(a + b)
			for a, b in ((".mir", "ror/"), ("frappe+", "gunicorn"), ("air-datepicker", ".git"))
		)
	)
	for path in _tracked_files():
		if path.exists() and path.suffix in (".py", ".md", ".toml", ".txt", ".sh", "") and path.is_file():
			assert not pattern.search(path.read_text(errors="replace")), path
