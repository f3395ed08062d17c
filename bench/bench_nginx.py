"""Announcement day through nginx: deploy/nginx.conf in front of gunicorn (deploy/gunicorn.conf.py,
production settings, Redis as the cache), the public list pages under `wrk`.

Every answer under load is checked by a wrk Lua script: status 200 and the page's marker (the
version's SHA-256, which every list page of it shows) in the body; any other answer is counted as an
error. Reported per run: req/s, p50/p99, errors, the CPU each request cost (nginx + gunicorn +
PostgreSQL/Redis + wrk, from /proc) and the load average (the machine is shared).

Runs, each `BENCH_NGINX_SECONDS` (10) long, 2 threads x 50 connections:
- gunicorn alone: list page 1 of the 140,000-row agency, and a mix of ~2,000 list addresses (every
  other page of the big agency by number, page 1 of each other agency, eight searches) — what the app costs;
- through nginx: the same two, the mix once cold (the cache empty: misses fill it) and once warm.
Target (issue 22): >= 10,000 req/s through nginx for the public list pages, p99 < 50 ms.

The rows are bench_public_list's (2.36 million in 600 agencies; made once, kept in `nonasn_bench`).
BENCH_NGINX_WORKERS sets gunicorn's workers (default: deploy/gunicorn.conf.py's 2 x CPUs + 1);
BENCH_NGINX_APP_DIR runs the app of another checkout (the code before a change) over the same rows.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"
SECONDS = int(os.environ.get("BENCH_NGINX_SECONDS", "10"))
CONNECTIONS = 50
THREADS = 2
HOST = "127.0.0.1"

# The wrk script: each thread walks its own share of the addresses (one address: all the same),
# and every answer is checked. `done` sums the threads' counts (each thread has its own Lua state).
LUA = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local marker = [==[%(marker)s]==]
local threads = {}

setup = function(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

init = function(args)
  bad = 0
  checked = 0
  i = offset
end

request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end

response = function(status, headers, body)
  checked = checked + 1
  if status ~= 200 or not string.find(body, marker, 1, true) then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  local total_bad, total_checked = 0, 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_checked = total_checked + thread:get("checked")
  end
  io.write(string.format("checked %%d bad %%d\n", total_checked, total_bad))
end
"""


@dataclass
class Run:
    label: str
    rps: float
    p50: float
    p99: float
    checked: int
    bad: int
    cpu_ms: float
    split: tuple[float, float, float, float]  # nginx, gunicorn, PostgreSQL + Redis, wrk
    load: str


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


@contextmanager
def _gunicorn(port: int, env: dict[str, str]):
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "nonasn.wsgi:application",
        "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
    ]  # fmt: skip
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench._nginx_settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "BIND": f"{HOST}:{port}",
        "CONN_MAX_AGE": "600",
        "BEHIND_PROXY": "1",
        "TRUSTED_PROXY_HOPS": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        **env,
    }
    if workers := os.environ.get("BENCH_NGINX_WORKERS"):
        environment["WEB_CONCURRENCY"] = workers
    app_dir = ROOT
    if other := os.environ.get("BENCH_NGINX_APP_DIR"):
        # Another checkout's app (e.g. the code before a change) over this checkout's database.
        from django.db import connection

        app_dir, db = Path(other), connection.settings_dict
        environment.update(BENCH_DB_HOST=db["HOST"], BENCH_DB_PORT=str(db["PORT"]), BENCH_DB_USER=db["USER"])
    # As a deployment does before it starts: the manifest storage needs the collected files.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=app_dir,
        env=environment,
        check=True,
    )
    log = ROOT / "var" / "bench-nginx-gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=app_dir, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait(f"http://{HOST}:{port}/", process, log)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=10).read()
            return
        except urllib.error.HTTPError as error:  # up, answering (the app's own status is checked under load)
            print(f"{url} answered {error.code}", flush=True)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                sys.exit(f"{url} did not answer:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)


def nginx_conf(*, listen: int, upstream: int, directory: Path) -> str:
    """deploy/nginx.conf as shipped, pointed at this run's ports, a temporary directory and this host."""
    text = CONF.read_text()
    replacements = {
        "pid /run/nginx-pendataan.pid;": f"pid {directory}/nginx.pid;",
        "/var/log/nginx/": f"{directory}/",
        "/var/cache/nginx/pendataan": f"{directory}/cache",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 80 default_server;": f"listen {listen} default_server;",
        "listen 80;": f"listen {listen};",
        "server_name pendataan.example.go.id;": f"server_name {HOST} localhost;",
        "/srv/pendataan/static/": f"{ROOT}/var/staticfiles/",
    }
    for old, new in replacements.items():
        if old not in text:
            sys.exit(f"deploy/nginx.conf no longer contains {old!r}: update bench/bench_nginx.py")
        text = text.replace(old, new)
    return text


@contextmanager
def _nginx(listen: int, upstream: int):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    directory = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    directory.chmod(0o755)
    conf = directory / "nginx.conf"
    conf.write_text(nginx_conf(listen=listen, upstream=upstream, directory=directory))
    subprocess.run([binary, "-t", "-q", "-c", str(conf)], check=True)
    process = subprocess.Popen([binary, "-c", str(conf), "-g", "daemon off;"])
    try:
        _wait(f"http://{HOST}:{listen}/pengumuman/", process, directory / "pendataan-error.log")
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)


def _measure(label, base, paths, marker, pids, load_before, seconds: int = SECONDS) -> Run:
    from bench._load import _children_cpu, _tree_cpu, ensure_wrk

    with tempfile.TemporaryDirectory() as work:
        listing = Path(work) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = Path(work) / "check.lua"
        script.write_text(LUA % {"paths": listing, "marker": marker})
        command = [
            ensure_wrk(), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
            "--timeout", "10s", "-s", str(script), base + paths[0],
        ]  # fmt: skip
        cpu = [_tree_cpu(p) for p in pids]
        own = _children_cpu()
        run = subprocess.run(command, capture_output=True, text=True, check=True)
        output = run.stdout
        if "checked" not in output:
            sys.exit(f"wrk's script failed:\n{output}\n{run.stderr}")
        after = [_tree_cpu(p) for p in pids]
        wrk_cpu = _children_cpu() - own
    if os.environ.get("BENCH_WRK_VERBOSE"):
        print(output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    checked, bad = map(int, re.search(r"checked (\d+) bad (\d+)", output).groups())
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad += sum(int(g) for g in errors.groups()) if errors else 0
    per = [(a - b) * 1000 / max(requests, 1) for a, b in zip(after, cpu, strict=True)]
    nginx_ms, app_ms, db_ms = per[0], per[1], sum(per[2:])
    split = (nginx_ms, app_ms, db_ms, wrk_cpu * 1000 / max(requests, 1))
    return Run(
        label,
        float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        checked,
        bad,
        sum(split),
        split,
        load_before,
    )


def _fill_cache(base: str, paths: list[str], marker: str, pids: list, load: str) -> Run:
    """Every address once through nginx, 8 at a time, every answer checked: the cold cache's cost."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    from bench._load import _tree_cpu

    parts = urlsplit(base)

    def get(path: str) -> tuple[float, bool]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        connection.request("GET", path)
        response = connection.getresponse()
        ok = response.status == 200 and marker.encode() in response.read()
        connection.close()
        return (time.perf_counter() - started) * 1000, ok

    before = [_tree_cpu(p) for p in pids]
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(get, paths))
    elapsed = time.perf_counter() - started
    per = [(_tree_cpu(p) - b) * 1000 / len(paths) for p, b in zip(pids, before, strict=True)]
    times = sorted(ms for ms, _ok in answers)
    split = (per[0], per[1], sum(per[2:]), 0.0)  # the client here is this process: not counted
    return Run(
        "nginx: mix once, cold cache (8 at a time)",
        len(paths) / elapsed,
        times[len(times) // 2],
        times[int(len(times) * 0.99)],
        len(answers),
        sum(1 for _ms, ok in answers if not ok),
        sum(split),
        split,
        load,
    )


def addresses() -> tuple[list[str], list[str], str, str]:
    """(page 1 of the big agency, the mix of list addresses, the big list's marker, the others')"""
    from announcements.models import ListSnapshot
    from bench.bench_public_list import BIG_CODE, PERIOD_NAME

    snapshots = list(
        ListSnapshot.objects.filter(submission__period__name=PERIOD_NAME, kind="public_test", version=1)
        .select_related("submission__agency")
        .order_by("submission__agency__code")
    )
    big = next(s for s in snapshots if s.submission.agency.code == BIG_CODE)
    base = f"/pengumuman/{BIG_CODE}/uji-publik/v1/daftar/"
    mix = [f"{base}?after={after}" for after in range(0, big.row_count, 50 * 2)]  # every other page
    words = ["santoso", "siti", "budi lestari", "zz", "ay", "dewi wijaya", "nur", "eko"]
    mix += [f"{base}?q={word.replace(' ', '+')}" for word in words]
    # The other agencies' pages answer with their own hash: the mix checks for the list's table id.
    mix += [
        f"/pengumuman/{s.submission.agency.code}/uji-publik/v1/daftar/" for s in snapshots if s is not big
    ]
    return [base], mix, big.sha256, 'id="worker-list"'


def main() -> None:
    from bench._load import _free_port, load_average, postmaster_pid, redis_cache
    from bench.generate import use_bench_database

    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        sys.exit("nginx is not installed (Debian/Ubuntu: apt-get install nginx)")
    use_bench_database()
    page1, mix, sha, table_marker = addresses()
    if not mix:
        sys.exit("no generated public list: run `python -m bench public_list` once first")
    postgres = postmaster_pid()
    results: list[Run] = []
    with redis_cache() as cache:
        env = {"REDIS_URL": cache[0]} if cache else {}
        app_port, web_port = _free_port(), _free_port()
        with _gunicorn(app_port, env) as app_pid, _nginx(web_port, app_port) as nginx_pid:
            pids = [nginx_pid, app_pid, postgres, cache[1] if cache else None]
            app, web = f"http://{HOST}:{app_port}", f"http://{HOST}:{web_port}"
            # Every gunicorn worker past its first requests (imports, templates, connections).
            _measure("warm-up", app, page1 + mix[:50], table_marker, pids, "", seconds=3)
            for label, base, paths, marker in (
                ("gunicorn alone: list page 1", app, page1, sha),
                (f"gunicorn alone: mix of {len(mix)} list addresses", app, mix, table_marker),
                ("nginx: list page 1", web, page1, sha),
            ):
                print(f"measuring {label} ...", flush=True)
                results.append(_measure(label, base, paths, marker, pids, load_average()))
            print("nginx: every address of the mix once (the cache fills) ...", flush=True)
            results.append(_fill_cache(web, mix, table_marker, pids, load_average()))
            label = f"nginx: mix of {len(mix)} addresses, warm"
            print(f"measuring {label} ...", flush=True)
            results.append(_measure(label, web, mix, table_marker, pids, load_average()))
    print(
        f"\n-- public list pages (wrk {THREADS} threads x {CONNECTIONS} connections, {SECONDS} s a run; "
        f"gunicorn -c deploy/gunicorn.conf.py, {os.environ.get('BENCH_NGINX_WORKERS') or 'its default'} workers; "
        f"nginx -c deploy/nginx.conf; {os.cpu_count()} CPUs shared with other work)"
    )
    print(
        f"{'run':<46} {'req/s':>7} {'p50':>8} {'p99':>8} {'checked':>8} {'bad':>5} {'CPU/req':>8} "
        f"{'nginx/app/db/wrk ms':>22} {'idle-CPU req/s':>14}  load before"
    )
    for r in results:
        split = "/".join(f"{x:.2f}" for x in r.split)
        print(
            f"{r.label:<46} {r.rps:7.0f} {r.p50:6.1f}ms {r.p99:6.1f}ms {r.checked:8d} {r.bad:5d} "
            f"{r.cpu_ms:6.3f}ms {split:>22} {(os.cpu_count() or 1) * 1000 / r.cpu_ms:14.0f}  {r.load}"
        )
    warm = results[-1]
    verdict = "ok" if warm.rps >= 10_000 and warm.p99 < 50 and warm.bad == 0 else "MISSED"
    print(f"\n[{verdict}] through nginx, warm mix: >= 10,000 req/s, p99 < 50 ms, every answer checked")
    print(
        "idle-CPU req/s: what the CPUs would serve with nothing else running (CPUs / CPU per request;"
        " the client's CPU included): the robust number on a shared machine, where req/s follows the load."
    )
