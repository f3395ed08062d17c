"""Load driver of the public-list benchmark: a gunicorn server and `wrk` on loopback."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        return shutil.which("wrk") or "wrk"
    raise SystemExit("wrk is missing: install it with `apt-get install wrk`")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _secret_key() -> str:
    """The calling process's key, so the sessions it made (the admin's login) are valid on the server."""
    from django.conf import settings

    return settings.SECRET_KEY


@contextmanager
def gunicorn(*, workers: int = 2, env: dict[str, str] | None = None):
    """Serve the site with the benchmark settings; yields the base URL."""
    port = _free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench._public_settings",
        "SECRET_KEY": _secret_key(),
        "DEBUG": "0",
        **(env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "nonasn.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
        "--threads", "1", "--keep-alive", "5", "--backlog", "512", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/bench/minimal/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # workers stuck in long requests (the admin changelist)
            process.kill()
            process.wait()


@dataclass
class Result:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if match is None:
        raise ValueError(f"unexpected wrk latency {value!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]


def wrk(
    url: str, label: str, *, seconds: int = 10, connections: int = 50, headers: dict | None = None
) -> Result:
    command = [ensure_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if os.environ.get("BENCH_WRK_VERBOSE"):
        print(out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(label, rps, p50, p99, requests, errors)
