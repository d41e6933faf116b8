# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""``benchmarks/run NAME``: run benchmark NAME as its own ``__main__``, with the watchdog of
:mod:`_drive` on (a stalled benchmark fails loudly) and the machine's load printed before and
after (other work on the machine slows every absolute figure; ratios in one run hold)."""

import os
import pathlib
import runpy
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def uptime() -> str:
	load = os.getloadavg()
	return (
		f"{time.strftime('%H:%M:%S')} load average {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} "
		f"on {os.cpu_count()} cores"
	)


def production_like_imports() -> None:
	"""Processes the benchmark starts (workers, web servers) import compiled modules, as on a
	production bench: a shell with ``PYTHONDONTWRITEBYTECODE`` would have every RQ job (a fresh
	fork) compile campaign_plus and Frappe modules from source again. The bytecode goes to a folder
	of its own under /tmp, never beside the sources."""
	os.environ["PYTHONDONTWRITEBYTECODE"] = ""
	os.environ.setdefault("PYTHONPYCACHEPREFIX", "/tmp/campaign_plus_benchmark_pycache")


def main() -> int:
	production_like_imports()
	name, sys.argv = sys.argv[1], [str(HERE / f"{sys.argv[1]}.py"), *sys.argv[2:]]
	sys.path.insert(0, str(HERE))
	import _drive

	_drive.say(f"== benchmark {name} — uptime: {uptime()}")
	_drive.start_watchdog()
	try:
		runpy.run_path(sys.argv[0], run_name="__main__")
	except _drive.Stalled as error:
		_drive.say(f"!!! BENCHMARK {name} FAILED: {error}")
		return 3
	finally:
		_drive.say(f"== benchmark {name} ended after {_drive.elapsed():.0f} s — uptime: {uptime()}")
	return 0


if __name__ == "__main__":
	sys.exit(main())
