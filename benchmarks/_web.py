# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""The site served as in production for a benchmark: gunicorn (``--preload``, sync workers, the
bench's own settings), on 127.0.0.1 only, with this checkout's code and the probe on."""

import http.client
import os
import pathlib
import signal
import subprocess
import sys
import tempfile

from _drive import wait
from _probe import PROBE

CHECKOUT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT))

from tests.smtp_server import free_port


class WebServer:
	"""``app``: ``frappe.app:application`` (the API, as gunicorn serves it behind nginx) or
	``served:application`` (with the assets, for a browser)."""

	def __init__(
		self,
		bench_path: pathlib.Path,
		queue,
		probe: str,
		*,
		env: dict | None = None,
		workers: int = 2,
		app: str = "frappe.app:application",
	):
		self.port = free_port()
		self.log = tempfile.NamedTemporaryFile(
			prefix="campaign_plus_gunicorn_", suffix=".log", delete=False
		).name
		path = os.environ.get("PYTHONPATH")
		variables = {
			key: value
			for key, value in os.environ.items()
			if key not in ("CI", "CAMPAIGN_PLUS_BENCH_AT_ONCE")
		}
		variables.update(
			PYTHONPATH=os.pathsep.join(filter(None, [str(PROBE), str(CHECKOUT), path])),
			FRAPPE_REDIS_QUEUE=queue.url,
			CAMPAIGN_PLUS_PROBE=probe,
			SITES_PATH=".",
			**(env or {}),
		)
		command = [
			str(bench_path / "env" / "bin" / "gunicorn"), "-b", f"127.0.0.1:{self.port}", "-w", str(workers),
			"--max-requests", "5000", "--max-requests-jitter", "500", "-t", "120", "--graceful-timeout", "30",
			"-c", str(PROBE / "gunicorn_conf.py"), app, "--preload",
		]  # fmt: skip
		with open(self.log, "w") as log:
			self.process = subprocess.Popen(
				command, cwd=bench_path / "sites", env=variables, stdout=log, stderr=subprocess.STDOUT,
				start_new_session=True,
			)  # fmt: skip

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.port}"

	def wait_ready(self, site: str, path: str = "/api/method/ping", status: int = 200) -> None:
		"""Until ``path`` answers ``status`` (the tracking server answers only its own paths)."""

		def up() -> bool:
			if self.process.poll() is not None:
				raise RuntimeError(f"gunicorn stopped:\n{pathlib.Path(self.log).read_text()[-3000:]}")
			try:
				return request("GET", self.port, site, path)[0] == status
			except OSError:
				return False

		wait(up, lambda: pathlib.Path(self.log).stat().st_size, "the web server", poll=0.3)

	def log_tail(self, size: int = 4000) -> str:
		return pathlib.Path(self.log).read_text(errors="replace")[-size:]

	def stop(self) -> None:
		if self.process.poll() is None:
			os.killpg(self.process.pid, signal.SIGTERM)
			try:
				self.process.wait(40)
			except subprocess.TimeoutExpired:
				os.killpg(self.process.pid, signal.SIGKILL)
				self.process.wait()
		pathlib.Path(self.log).unlink(missing_ok=True)


def request(method: str, port: int, site: str, path: str, headers=None, body=None, timeout=60):
	connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
	try:
		connection.request(method, path, body=body, headers={"Host": site, **(headers or {})})
		response = connection.getresponse()
		return response.status, response.getheaders(), response.read()
	finally:
		connection.close()
