"""Requests that arrive at a chosen rate, whatever the server does (bench/_load.py `measure(rate=…)`).

wrk keeps its connections asking: each sends its next request when the last answer came, so the
server is always full and a p99 measured that way is the length of the queue (the connections ÷ the
requests per second, by Little's law) more than the cost of the page. A crowd is not like that:
people arrive on their own, independently of how fast the last one was served. So here the
arrival times are drawn first (a Poisson process at `rate` a second: exponential gaps), and each
request is sent at its time on a connection of its own, as a browser opening the page does, and
waited for; a slow answer never delays the next arrival. Each latency is counted from the request's
planned arrival, so a client that fell behind is counted against the measurement, not hidden.

wrk's own think time (a Lua `delay()`) cannot stand in for this: it waits on a connection already
opened, and a sync gunicorn worker that accepted it sits idle until the request comes.

Every answer is checked as check.lua checks it: the expected status and the marker in the body;
anything else, or no answer within the timeout, is an error.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10


@dataclass
class Outcome:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    client_cpu_s: float  # this process's CPU time over the run (the load's own cost)


def run(
    base: str,
    paths: list[str],
    *,
    rate: float,
    seconds: float,
    headers: dict | None = None,
    status: int = 200,
    marker: str | None = None,
) -> Outcome:
    """`rate` requests a second for `seconds` to `base` + the `paths` in turn; every answer checked.

    In a thread of its own, with its own event loop: the caller's thread may be running one."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(
            asyncio.run, _run(base, paths, rate, seconds, headers or {}, status, marker)
        ).result()


async def _run(base, paths, rate, seconds, headers, status, marker) -> Outcome:
    address = urlsplit(base)
    host, port = address.hostname, address.port
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\n{extra}Connection: close\r\n\r\n".encode()
        for path in paths
    ]
    wanted = str(status).encode()
    needle = marker.encode() if marker else None
    latencies: list[float] = []
    errors = 0

    async def one(request: bytes, planned: float) -> None:
        nonlocal errors
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                reader, writer = await asyncio.open_connection(host, port)
                try:
                    writer.write(request)
                    answer = await reader.read()  # to the end: the server closes (Connection: close)
                finally:
                    writer.close()
        except (OSError, TimeoutError):
            errors += 1
            return
        latencies.append(loop.time() - planned)
        head, _sep, body = answer.partition(b"\r\n\r\n")
        if head[9:12] != wanted or (needle and needle not in body):
            errors += 1

    loop = asyncio.get_running_loop()
    cpu_before = time.process_time()
    start = loop.time()
    end = start + seconds
    planned = start
    tasks = set()
    sent = 0
    position = random.randrange(len(requests))
    while True:
        planned += random.expovariate(rate)
        if planned >= end:
            break
        delay = planned - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        position = (position + 1) % len(requests)
        task = asyncio.create_task(one(requests[position], planned))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        sent += 1
    if tasks:
        await asyncio.wait(tasks)
    elapsed = loop.time() - start
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Outcome(
        rps=len(latencies) / elapsed,
        p50_ms=statistics.median(ordered) * 1000,
        p99_ms=p99 * 1000,
        requests=sent,
        errors=errors,
        client_cpu_s=time.process_time() - cpu_before,
    )
