# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Desk pages timed as a user opens them: headless Chromium (Python's playwright, as the browser
tier) signed in to a served site, each page opened from inside the desk (``frappe.set_route``,
the document taken out of the browser's cache first), timed from the route change until its
content shows and no request of the page is left (half a second without one).

Run with a Python that has playwright (the system's ``python3``), by a benchmark:

    python3 benchmarks/_pages.py URL PASSWORD RUNS 'label|kind|target|filters-json' …

kind: ``form`` (target "Doctype/name"), ``list`` (target the doctype, filters as route options)
or ``report`` (target the report's name). Prints one JSON line per page: label, each run's
milliseconds, the median, the requests of the last run (method and seconds of the slowest).
"""

import json
import os
import sys
import time


def median(values):
	ordered = sorted(values)
	return ordered[len(ordered) // 2]


CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
QUIET = 0.5  # seconds without a request of the page: loaded
# The page is there: the desk's own objects say so (the desk keeps earlier pages hidden in the DOM).
READY = {
	"form": "(([d, n]) => window.cur_frm && cur_frm.doctype === d && cur_frm.docname === n && cur_frm.layout"
	" && cur_frm.wrapper.offsetParent !== null)",
	"list": "(([d]) => window.cur_list && cur_list.doctype === d && cur_list.$result"
	" && cur_list.$result.is(':visible'))",
	"report": "(([r]) => window.frappe && frappe.query_report && frappe.query_report.report_name === r"
	" && frappe.query_report.datatable)",
}


# The request that loads the page's data: each timed opening must have made it.
DATA = {
	"form": "frappe.desk.form.load.getdoc",
	"list": "frappe.desk.reportview.get",
	"report": "frappe.desk.query_report.run",
}


def ready_arguments(kind: str, target: str) -> list[str]:
	return target.split("/", 1) if kind == "form" else [target]


def route_script(kind: str, target: str, filters: dict) -> str:
	if kind == "form":
		doctype, name = target.split("/", 1)
		return (
			f"(() => {{ const d = {json.dumps(doctype)}, n = {json.dumps(name)};"
			" if (locals[d]) delete locals[d][n]; frappe.set_route('Form', d, n); })()"
		)
	if kind == "list":
		return (
			f"(() => {{ frappe.route_options = {json.dumps(filters)};"
			f" frappe.set_route('List', {json.dumps(target)}, 'List'); }})()"
		)
	# the report page stays loaded: opened again, it runs the report again (as its Refresh button)
	return (
		f"(async () => {{ const r = {json.dumps(target)}; await frappe.set_route('query-report', r);"
		" if (frappe.query_report && frappe.query_report.report_name === r && frappe.query_report.datatable)"
		" frappe.query_report.refresh(); })()"
	)


class Watcher:
	"""The page's requests in flight, and when the last one ended."""

	def __init__(self, page):
		self.pending, self.last, self.log = set(), time.perf_counter(), []
		page.on("request", self.started)
		page.on("requestfinished", self.ended)
		page.on("requestfailed", self.ended)

	@staticmethod
	def counted(request) -> bool:
		"""The page's own requests (not the realtime connection's retries)."""
		return "socket.io" not in request.url

	def started(self, request):
		if not self.counted(request):
			return
		self.pending.add(request)
		self.last = time.perf_counter()
		request.campaign_plus_started = self.last

	def ended(self, request):
		if not self.counted(request):
			return
		self.pending.discard(request)
		self.last = time.perf_counter()
		self.log.append((request.url, self.last - getattr(request, "campaign_plus_started", self.last)))

	def settle(self, page, timeout: float = 120.0) -> float:
		"""Wait until no request for QUIET seconds: the moment the last one ended."""
		deadline = time.perf_counter() + timeout
		while time.perf_counter() < deadline:
			page.wait_for_timeout(50)
			if not self.pending and time.perf_counter() - self.last >= QUIET:
				return self.last
		raise TimeoutError(f"requests still pending: {[r.url for r in self.pending]}")


def main() -> None:
	url, password, runs, *pages = sys.argv[1:]
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(
			executable_path=CHROMIUM,
			args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--no-first-run"],
		)  # fmt: skip
		context = browser.new_context(viewport={"width": 1400, "height": 900})
		page = context.new_page()
		page.goto(url + "/login")
		response = page.request.post(
			url + "/api/method/login", form={"usr": "Administrator", "pwd": password}
		)
		if not response.ok:
			raise SystemExit(f"login failed: {response.status}")
		page.goto(url + "/app/todo")
		page.wait_for_function("() => window.frappe && frappe.boot && frappe.router", timeout=120_000)
		watcher = Watcher(page)
		watcher.settle(page)
		for spec in pages:
			label, kind, target, filters = spec.split("|", 3)
			script = route_script(kind, target, json.loads(filters or "{}"))
			timings = []
			for run in range(int(runs) + 1):  # the first run loads the page's code: not counted
				page.evaluate("frappe.set_route('List', 'ToDo', 'List')")
				watcher.settle(page)
				page.wait_for_timeout(3200)  # a list asked the same within 3 s answers from memory
				watcher.log = []
				begun = time.perf_counter()
				page.evaluate(script)
				page.wait_for_function(READY[kind], arg=ready_arguments(kind, target), timeout=120_000)
				shown = time.perf_counter()
				ended = watcher.settle(page)
				if not any(DATA[kind] in url for url, _seconds in watcher.log):
					raise SystemExit(f"{label}: the page did not load its data ({DATA[kind]}) — not timed")
				if run:
					timings.append((max(shown, ended) - begun) * 1000)
			slowest = sorted(watcher.log, key=lambda item: -item[1])[:3]
			print(
				json.dumps(
					{
						"page": label,
						"runs": [round(t) for t in timings],
						"median": round(median(timings)),
						"requests": len(watcher.log),
						"slowest": [
							(u.split("?")[0].rsplit("/", 1)[-1], round(s * 1000)) for u, s in slowest
						],
					}
				),
				flush=True,
			)
		browser.close()


if __name__ == "__main__":
	main()
