"""The one load driver of the benchmarks: gunicorn on loopback with the production configuration,
`wrk` from a second process with every answer checked, and the CPU each request costs.

The interface the bench modules use (keep it stable; bench_load.py, bench_public_list.py and the
others call only these):
- `serve(settings_module, *, ready, workers=None, env=None, log=None, redis=False, app=..., args=(),
  cwd=None)`:
  a context manager yielding a `Server`; gunicorn runs `-c deploy/gunicorn.conf.py` (as production:
  workers 2 x CPUs + 1 unless `workers` or WEB_CONCURRENCY says otherwise, max_requests and its
  jitter included); `args` are extra gunicorn options, which override the file's.
- `serve_bare(...)`: the same for the truly bare Django view (bench/bare.py: a WSGI app of its own,
  no middleware, no apps, no database): the reference of every table, measured in the same run.
- `measure(server, label, path, *, seconds, headers=None, marker=None, paths=None, status=200,
  rate=None)`:
  `wrk` with bench/check.lua: an answer counts as a success only with `status` and `marker` in its
  body (a 302 to the login page is an error, as is an empty body); `paths` is a mix of addresses
  requested in turn (many search terms, many pages). Returns a `Result`. With `rate`, requests
  arrive at that rate instead (bench/_open_loop.py: an open loop, for the p99 at a chosen load).
- `print_table(results, *, title, server, seconds, load)`: requests per second, p50 and p99, the
  ratio to the first row (the bare view), errors, the CPU time per request (gunicorn + PostgreSQL
  (+ Redis) + wrk, read from /proc), what the idle CPUs would serve, and the load average at the end
  of each run.

On a machine shared with other work req/s moves a lot from run to run; the CPU a request costs
hardly moves, so the CPU per request (and the idle-CPU estimate, CPUs / CPU per request) is the
robust number to compare runs by; compare "before" and "after" in one run.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
CHECK_SCRIPT = Path(__file__).with_name("check.lua")
THREADS = 2
CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "50"))
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def ensure_wrk() -> str:
    """wrk, installed with apt-get when missing (as the browser tests install Chromium)."""
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


# --- CPU accounting ---------------------------------------------------------------------------
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


def postmaster_pid() -> int | None:
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


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --- the server -------------------------------------------------------------------------------
@contextmanager
def redis_cache():
    """A throw-away Redis for the server's cache and sessions (production runs with REDIS_URL: the
    sessions are then read through it, `cached_db`); yields (REDIS_URL, its pid), or None without
    redis-server (BENCH_REDIS=0 measures without). The shared cache's test starts one too."""
    binary = shutil.which("redis-server")
    if binary is None or os.environ.get("BENCH_REDIS") == "0":
        yield None
        return
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Server:
    base: str
    pid: int
    postgres: int | None
    workers: int
    worker_class: str
    redis: int | None = None


def production_workers() -> int:
    """What deploy/gunicorn.conf.py starts: WEB_CONCURRENCY, else 2 x CPUs + 1."""
    return int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)


@contextmanager
def serve(
    settings_module: str | None,
    *,
    ready: str,
    workers: int | None = None,
    worker_class: str = "sync",
    env: dict[str, str] | None = None,
    log: Path | None = None,
    redis: bool = False,
    app: str = "nonasn.wsgi:application",
    args: tuple[str, ...] = (),
    cwd: Path | None = None,
):
    """gunicorn with deploy/gunicorn.conf.py and `settings_module` (DEBUG off) on a free loopback
    port, until the block ends.

    `ready` is a path that answers 200 once the server is up. `workers`: default as production
    (WEB_CONCURRENCY, else 2 x CPUs + 1). Persistent database connections, as a production server
    runs (CONN_MAX_AGE=0 in the environment measures without). `redis=True`: with a Redis of its own
    as the cache (sessions through it), as production runs. `args`: gunicorn options that override
    the configuration file's (e.g. ("--max-requests", "0") to measure without recycling). `cwd`:
    the code to serve (another revision exported elsewhere, for a "before" run; default this tree).
    """
    with redis_cache() if redis else _nothing() as cache:
        with _serve(
            settings_module,
            ready=ready,
            workers=workers or production_workers(),
            worker_class=worker_class,
            env={**(env or {}), **({"REDIS_URL": cache[0]} if cache else {})},
            log=log,
            app=app,
            args=args,
            cwd=cwd or ROOT,
        ) as server:
            server.redis = cache[1] if cache else None
            yield server


@contextmanager
def serve_bare(*, workers: int | None = None, args: tuple[str, ...] = (), log: Path | None = None):
    """The truly bare Django view (bench/bare.py) under the same gunicorn configuration."""
    with serve(
        None,
        ready="/",
        workers=workers,
        app="bench.bare:application",
        args=args,
        log=log or ROOT / "var" / "bench-bare-gunicorn.log",
    ) as server:
        yield server


@contextmanager
def _nothing():
    yield None


@contextmanager
def _serve(settings_module, *, ready, workers, worker_class, env, log, app, args, cwd):
    port = _free_port()
    environment = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        **(env or {}),
    }
    if settings_module:
        environment["DJANGO_SETTINGS_MODULE"] = settings_module
    else:
        environment.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "-c", str(GUNICORN_CONF), app,
        "--worker-class", worker_class, "--log-level", "warning", *args,
    ]  # fmt: skip
    if worker_class == "gthread":
        command += ["--threads", "1"]
    log = log or ROOT / "var" / "bench-gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=cwd, env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + ready, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    sys.exit(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield Server(base, process.pid, postmaster_pid(), workers, worker_class)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # workers stuck in long requests (the admin changelist)
            process.kill()
            process.wait()
    errors = [line for line in log.read_text().splitlines() if "Error" in line or "Traceback" in line]
    if errors:
        print(f"\nserver errors (see {log}):\n" + "\n".join(errors[:10]))


# --- one page under load ----------------------------------------------------------------------
@dataclass
class Result:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float | None  # CPU per request: gunicorn + PostgreSQL + wrk
    split: tuple[float, ...] | None = None  # of which gunicorn, PostgreSQL, wrk
    note: str = ""  # the caller's own column (one at a time, % of page 1, the target)
    load: str = ""  # the load average when the run ended

    @property
    def capacity(self) -> float | None:
        """Requests per second the machine's CPUs would serve with nothing else running."""
        return (os.cpu_count() or 1) * 1000 / self.cpu_ms if self.cpu_ms else None


def _ms(text: str) -> float:
    """wrk's durations ("568.12ms", "1.07s", "912.00us") in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[unit]


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


def measure(
    server: Server,
    label: str,
    path: str,
    *,
    seconds: int,
    headers: dict | None = None,
    marker: str | None = None,
    paths: list[str] | None = None,
    status: int = 200,
    rate: float | None = None,
) -> Result:
    """`wrk -t2 -c50` for `seconds` on one address (or the mix `paths`), every answer checked
    (`status`, and `marker` in the body), with the CPU it cost each process.

    `rate` (requests per second): requests arrive at this rate instead, each on a connection of its
    own, however fast the server answers (bench/_open_loop.py, in this process; the CPU column's
    third part is then this process's). wrk's connections ask again as soon as they are answered,
    so the server is always full, and the p99 measured so is the length of the queue (the
    connections ÷ the requests per second, by Little's law) more than the page's cost."""
    if rate:
        return _measure_arrivals(server, label, paths or [path], seconds, headers, marker, status, rate)
    command = [
        ensure_wrk(),
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(CHECK_SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    env = {**os.environ, "BENCH_STATUS": str(status), "BENCH_MARKER": marker or "", "BENCH_PATHS": ""}
    mix = None
    if paths:
        mix = tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False)  # noqa: SIM115
        mix.write("\n".join(paths) + "\n")
        mix.close()
        env["BENCH_PATHS"] = mix.name

    try:
        before = _tree_cpu(server.pid), _db_cpu(server), _children_cpu()
        run = subprocess.run(
            [*command, server.base + (paths[0] if paths else path)],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        after = _tree_cpu(server.pid), _db_cpu(server), _children_cpu()
    finally:
        if mix:
            os.unlink(mix.name)
    output = run.stdout
    if os.environ.get("BENCH_WRK_VERBOSE"):
        print(output)
    rps, p50, p99, requests, errors = _parse_wrk(output)
    checked = re.search(r"checked-errors: (\d+)", output)
    if checked is None:
        sys.exit(f"wrk ran without the checking script:\n{output}\n{run.stderr}")
    # wrk's own count (socket errors, 4xx/5xx) and the script's (any other status, no marker)
    # overlap for 4xx/5xx answers: the larger of the two plus the socket errors is the honest count.
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    errors = errors - non_2xx + max(non_2xx, int(checked.group(1)))
    if errors:  # which kind: wrk's socket errors, its 4xx/5xx count, the script's checked answers
        kinds = re.findall(
            r"^\s*(?:Socket errors|Non-2xx or 3xx responses|checked-errors|first-bad):.*$", output, re.M
        )
        print(f"  {label}: {errors} errors ({'; '.join(k.strip() for k in kinds)})", flush=True)
    split = tuple((a - b) * 1000 / max(requests, 1) for a, b in zip(after, before, strict=True))
    cpu_ms = sum(split) if requests else None
    return Result(label, rps, p50, p99, requests, errors, cpu_ms, split, load=load_average())


def _settle(server: Server, *, idle_share: float = 0.1, most_seconds: float = 5) -> None:
    """Wait until gunicorn is idle: a run of wrk before leaves up to its connections' worth of
    requests queued (~200 ms of work for 50 list pages), which would otherwise land on the first
    arrivals of the next run and be counted as their wait."""
    deadline = time.monotonic() + most_seconds
    before = _tree_cpu(server.pid)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        after = _tree_cpu(server.pid)
        if after - before < 0.2 * idle_share:
            return
        before = after


def _db_cpu(server: Server) -> float:
    """CPU time of PostgreSQL, and of the Redis of the cache when there is one."""
    return _tree_cpu(server.postgres) + _tree_cpu(server.redis)


def _measure_arrivals(server, label, paths, seconds, headers, marker, status, rate) -> Result:
    from bench import _open_loop

    _settle(server)
    before = _tree_cpu(server.pid), _db_cpu(server)
    outcome = _open_loop.run(
        server.base, paths, rate=rate, seconds=seconds, headers=headers, status=status, marker=marker
    )
    after = _tree_cpu(server.pid), _db_cpu(server)
    requests = max(outcome.requests, 1)
    split = (
        *((a - b) * 1000 / requests for a, b in zip(after, before, strict=True)),
        outcome.client_cpu_s * 1000 / requests,
    )
    return Result(
        label, outcome.rps, outcome.p50_ms, outcome.p99_ms, outcome.requests, outcome.errors,
        sum(split) if outcome.requests else None, split, load=load_average(),
    )  # fmt: skip


def print_table(results: list[Result], *, title: str, server: Server, seconds: int, load: str) -> None:
    """The table every load benchmark prints; the first row is the reference the ratios refer to
    (the truly bare view, `serve_bare()`)."""
    bare = results[0]
    cpus = os.cpu_count() or 1
    print(
        f"\n-- {title}\ngunicorn -c deploy/gunicorn.conf.py: {server.workers} {server.worker_class} workers, "
        f"CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '60')}, "
        f"cache {'Redis (sessions cached_db)' if server.redis else 'per-process memory'}; wrk: {THREADS} threads, {CONNECTIONS} "
        f"connections, {seconds} s, every answer checked (status and a marker in the body); {cpus} CPUs "
        f"shared with wrk and PostgreSQL (and other work); load average before the run {load}"
    )
    print(
        f"{'page':<46} {'req/s':>6} {'p50':>9} {'p99':>9} {'÷ bare':>6} {'err':>5} {'CPU/req':>8} "
        f"{'app/db/wrk':>14} {'idle-CPU req/s':>14} {'÷ bare':>6} {'load 1/5/15':>14}  notes"
    )
    for r in results:
        cpu = f"{r.cpu_ms:6.2f}ms" if r.cpu_ms else "       ?"
        split = "/".join(f"{x:.2f}" for x in r.split) if r.cpu_ms and r.split else "?"
        capacity = f"{r.capacity:14.0f}" if r.capacity else f"{'?':>14}"
        cpu_ratio = f"{r.capacity / bare.capacity:6.3f}" if r.capacity and bare.capacity else f"{'?':>6}"
        print(
            f"{r.label:<46} {r.rps:6.0f} {r.p50_ms:7.1f}ms {r.p99_ms:7.1f}ms {r.rps / bare.rps:6.3f} "
            f"{r.errors:5d} {cpu} {split:>14} {capacity} {cpu_ratio} {r.load:>14}  {r.note}"
        )
    print(
        "÷ bare: req/s ÷ the first row's (the truly bare view), measured and idle-CPU; err: answers other "
        "than the expected status with the page's marker, plus socket errors; CPU/req: CPU time of "
        "gunicorn, PostgreSQL and wrk per request (app/db/wrk: each, in ms; db includes Redis); "
        f"idle-CPU req/s: what the {cpus} CPUs would serve with nothing else running (CPUs ÷ CPU/req).",
        flush=True,
    )
