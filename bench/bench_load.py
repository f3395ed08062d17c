"""The agency portal under concurrent load: gunicorn + wrk on the list benchmark's data.

Starts gunicorn (production settings with DEBUG off, plain HTTP: bench/load_settings.py) on the
benchmark database (2 million records, 140,000 in the measured agency; bench_worker_list.py fills
it once), logs in as an operator of that agency through the login form, and drives each page from
a second process with `wrk` (50 connections, 12 s). Prints requests per second, p50 and p99 per
page, the ratio to a bare view that returns "ok" (the framework's ceiling), and the median of
requests sent one at a time.

Targets (issue 12): >= 250 req/s and p99 < 400 ms for the list (page 1, deepest page, search by
NIK), the worker detail and the dashboard; >= 120 req/s and p99 < 800 ms for a common-name search;
no errors. BENCH_LOAD_WORKERS (2), BENCH_LOAD_CONNECTIONS (50), BENCH_LOAD_SECONDS (12) change the
run; BENCH_LIST_TOTAL / BENCH_LIST_BIG make the data smaller (see bench_worker_list.py).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "50"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "12"))
THREADS = 2
ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.load_settings"
# page label -> (at least req/s, p99 below ms)
TARGETS = {
    "list, page 1": (250, 400),
    "list, deepest page": (250, 400),
    "list, search 'santoso' (common name)": (120, 800),
    "list, search by full NIK": (250, 400),
    "worker detail": (250, 400),
    "dashboard": (250, 400),
}


@dataclass
class Result:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    one_at_a_time_ms: float
    cpu_ms: float | None  # CPU per request: gunicorn + PostgreSQL + wrk
    split: tuple[float, float, float] | None = None  # of which gunicorn, PostgreSQL, wrk


# --- CPU accounting ---------------------------------------------------------------------------
# Other work on a shared machine moves req/s a lot; the CPU each request costs hardly moves. The
# benchmark reads the CPU time of gunicorn's processes, of the PostgreSQL server and of wrk around
# each run, and estimates what the idle CPUs would serve: CPUs / (CPU time per request).
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the state on (the name may hold spaces)


def _tree_cpu(root: int | None) -> float:
    """CPU seconds of a process, its reaped children and its live children."""
    if root is None or (own := _stat(root)) is None:
        return 0.0
    # utime, stime, cutime, cstime are fields 14-17 of /proc/<pid>/stat (11-14 after the state).
    total = sum(int(v) for v in own[11:15])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == root:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def _postmaster_pid() -> int | None:
    """The local PostgreSQL server's main process (the parent of this connection's backend)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    fields = _stat(backend)
    return int(fields[1]) if fields else None  # None: the server runs elsewhere


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk with apt-get ...", flush=True)
        subprocess.run(
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null",
            shell=True,
            check=True,
        )
        return shutil.which("wrk") or "wrk"
    sys.exit("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # Persistent database connections, as a production server runs (README, CONN_MAX_AGE):
        # opening one per request costs ~3 ms of the 2 CPUs. CONN_MAX_AGE=0 measures without.
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    }
    return env


def _ms(text: str) -> float:
    """wrk's durations ("568.12ms", "1.07s", "912.00us") in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(g) for g in m.groups())
    return rps, p50, p99, requests, errors


class Session:
    """A logged-in browser, enough to check each page and to hand wrk the session cookie."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, path: str, username: str, password: str) -> None:
        _status, _url, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as response:
            if "sessionid" not in self.cookie_header():
                sys.exit(f"login failed: {response.geturl()}")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def _wait_until_up(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/bench/ok/", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer within 120 s")


def _one_at_a_time(session: Session, path: str, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        session.get(path)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _measure(
    wrk: str, session: Session, label: str, path: str, expect: str, *, server: int, postgres: int | None
) -> Result:
    status, url, page = session.get(path)  # warms the worker's caches too
    if status != 200 or not url.endswith(path) or expect not in page:
        sys.exit(f"{label}: {path} answered {status} at {url} without {expect!r}; not measuring it")
    single = _one_at_a_time(session, path)
    command = [
        wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s",
        "-H", f"Cookie: {session.cookie_header()}", session.base + path,
    ]  # fmt: skip
    before = _tree_cpu(server), _tree_cpu(postgres), _children_cpu()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = _tree_cpu(server), _tree_cpu(postgres), _children_cpu()
    rps, p50, p99, requests, errors = _parse_wrk(output)
    split = tuple((a - b) * 1000 / max(requests, 1) for a, b in zip(after, before, strict=True))
    cpu_ms = sum(split) if requests and postgres else None
    # wrk counts a redirect as a success: the page must still be the page after the run.
    status, url, page = session.get(path)
    if status != 200 or not url.endswith(path) or expect not in page:
        errors += 1
    return Result(label, rps, p50, p99, requests, errors, single, cpu_ms, split)


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _print(results: list[Result], load: str) -> None:
    bare = results[0].rps
    cpus = os.cpu_count() or 1
    print(
        f"\ngunicorn: {WORKERS} sync workers, CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '60')}; "
        f"wrk: {THREADS} threads, {CONNECTIONS} connections, {SECONDS} s; "
        f"{cpus} CPUs shared with wrk and PostgreSQL; load average before the run {load}"
    )
    print(
        f"{'page':<38} {'req/s':>6} {'p50':>9} {'p99':>9} {'÷ bare':>6} {'err':>4} {'1 at a time':>11} "
        f"{'CPU/req':>8} {'app/db/wrk':>14} {'idle-CPU req/s':>14}  target"
    )
    for r in results:
        target = TARGETS.get(r.label)
        verdict = ""
        if target:
            ok = r.rps >= target[0] and r.p99_ms < target[1] and not r.errors
            verdict = f"≥ {target[0]} req/s, p99 < {target[1]} ms: {'met' if ok else 'missed'}"
        cpu = f"{r.cpu_ms:6.2f}ms" if r.cpu_ms else "       ?"
        split = "/".join(f"{x:.1f}" for x in r.split) if r.cpu_ms and r.split else "?"
        capacity = f"{cpus * 1000 / r.cpu_ms:14.0f}" if r.cpu_ms else f"{'?':>14}"
        print(
            f"{r.label:<38} {r.rps:6.0f} {r.p50_ms:7.1f}ms {r.p99_ms:7.1f}ms {r.rps / bare:6.3f} "
            f"{r.errors:4d} {r.one_at_a_time_ms:8.1f} ms {cpu} {split:>14} {capacity}  {verdict}"
        )
    print(
        "CPU/req: CPU time of gunicorn, PostgreSQL and wrk per request (app/db/wrk: each, in ms); "
        "idle-CPU req/s: what the "
        f"{cpus} CPUs would serve with nothing else running (CPUs ÷ CPU/req)."
    )


def main() -> None:
    from django.urls import reverse

    from bench.bench_worker_list import BIG_AGENCY, deep_cursor, prepare
    from registry.models import WorkerRecord

    period, agency, user = prepare()
    password = secrets.token_urlsafe(18)
    user.set_password(password)
    user.save()
    records = WorkerRecord.objects.filter(agency=agency, period=period)
    worker = records.order_by("id")[min(777, BIG_AGENCY - 1)]
    wrk = _wrk()

    env = _server_env()
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = ROOT / "var" / "bench-load-gunicorn.log"
    gunicorn = str(Path(python).with_name("gunicorn"))
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            [gunicorn, "nonasn.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
             "--worker-class", "sync", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_until_up(base, proc, log)
        session = Session(base)
        session.login(reverse("staff:login"), user.username, password)
        listing = reverse("registry:worker-list")
        deepest = deep_cursor(agency, period, depth=BIG_AGENCY)
        row = 'class="fw-semibold text-decoration-none"'
        pages = [
            ("bare view ('ok')", "/bench/ok/", "ok"),
            ("list, page 1", listing, row),
            ("list, deepest page", f"{listing}?after={deepest}", row),
            ("list, search 'santoso' (common name)", f"{listing}?q=santoso", row),
            ("list, search by full NIK", f"{listing}?q={worker.nik}", worker.full_name),
            ("worker detail", reverse("registry:worker-detail", args=[worker.pk]), worker.nik),
            ("dashboard", reverse("registry:dashboard"), 'data-testid="active-total"'),
        ]
        results = []
        load = _load()
        postgres = _postmaster_pid()
        for label, path, expect in pages:
            print(f"measuring {label} ...", flush=True)
            results.append(_measure(wrk, session, label, path, expect, server=proc.pid, postgres=postgres))
        _print(results, load)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    errors = [line for line in log.read_text().splitlines() if "Error" in line or "Traceback" in line]
    if errors:
        print(f"\nserver errors (see {log}):\n" + "\n".join(errors[:10]))
