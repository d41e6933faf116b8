# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""HTTP requests sent from a process of their own, as mail readers and proxies send them from
elsewhere: the sending clients' CPU and Python's interpreter lock kept apart from the process that
times the desk (a burst sent from that process made the desk's own client wait for the lock).

    python _load.py SPEC.json RESULT.json

SPEC: ``{"port", "site", "paths": [[path, user agent], …], "concurrency", "rate", "niceness"}``
(``rate``: requests start at that pace, at most ``concurrency`` in flight; null: as fast as
``concurrency`` clients get answers; ``niceness``: added to this process's, here). Started
without a ``preexec_fn`` on purpose: with one (Python code run in a fork of the benchmark's
process), the benchmark's own database connection was lost on Frappe 16 (mysqlclient: "Lost
connection to server"; seen, its cause not traced). Prints the number answered so far (a line every 0.2 s), then writes
RESULT: ``{"statuses", "latencies", "errors", "seconds"}``. Standard library only.
"""

import asyncio
import collections
import json
import os
import sys
import time


async def send(port: int, site: str, paths: list, concurrency: int, rate: float | None) -> dict:
	statuses, latencies, errors = collections.Counter(), [], []
	queue = collections.deque(enumerate(paths))
	answered = [0]
	start = time.perf_counter()

	async def client():
		while queue:
			number, (path, agent) = queue.popleft()
			if rate:
				await asyncio.sleep(max(0.0, start + number / rate - time.perf_counter()))
			begun = time.perf_counter()
			try:
				reader, writer = await asyncio.open_connection("127.0.0.1", port)
				writer.write(
					f"GET {path} HTTP/1.0\r\nHost: {site}\r\nUser-Agent: {agent}\r\nAccept: */*\r\n\r\n".encode()
				)
				await writer.drain()
				data = await reader.read()
				writer.close()
				status = int(data[9:12]) if len(data) >= 12 else 0
				statuses[str(status)] += 1
				if status >= 500 and len(errors) < 3:
					errors.append(data[:3000].decode(errors="replace"))
			except OSError:
				statuses["error"] += 1
			latencies.append(time.perf_counter() - begun)
			answered[0] += 1

	async def report():
		while True:
			print(answered[0], flush=True)
			await asyncio.sleep(0.2)

	reporter = asyncio.create_task(report())
	await asyncio.gather(*(client() for _ in range(concurrency)))
	reporter.cancel()
	seconds = time.perf_counter() - start
	print(answered[0], flush=True)
	return {"statuses": statuses, "latencies": latencies, "errors": errors, "seconds": seconds}


def main() -> None:
	spec_path, result_path = sys.argv[1:3]
	with open(spec_path) as spec_file:
		spec = json.load(spec_file)
	if spec.get("niceness"):
		os.nice(spec["niceness"])
	result = asyncio.run(send(spec["port"], spec["site"], spec["paths"], spec["concurrency"], spec["rate"]))
	with open(result_path, "w") as result_file:
		json.dump(result, result_file)


if __name__ == "__main__":
	main()
