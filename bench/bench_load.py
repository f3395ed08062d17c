"""The agency portal under concurrent load: gunicorn + wrk on the list benchmark's data.

Starts gunicorn (production settings with DEBUG off, plain HTTP: bench/load_settings.py) on the
benchmark database (2 million records, 140,000 in the measured agency; bench_worker_list.py fills
it once), logs in as an operator of that agency through the login form, and drives each page from
a second process with `wrk` (50 connections, 12 s). Prints requests per second, p50 and p99 per
page, the ratio to a bare view that returns "ok" (the framework's ceiling), and the median of
requests sent one at a time.

Targets (issue 12): >= 250 req/s and p99 < 400 ms for the list (page 1, deepest page, search by
NIK), the worker detail, the dashboard and the verification queue (page 1, deepest page); >= 120 req/s and p99 < 800 ms for a common-name search;
no errors. BENCH_LOAD_WORKERS (2), BENCH_LOAD_CONNECTIONS (50), BENCH_LOAD_SECONDS (12) change the
run; BENCH_LIST_TOTAL / BENCH_LIST_BIG make the data smaller (see bench_worker_list.py).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench._load import Result, ensure_wrk, load_average, measure, print_table, serve

WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "12"))
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
    "verification queue, page 1": (250, 400),
    "verification queue, deepest page": (250, 400),
}


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


def _one_at_a_time(session: Session, path: str, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        session.get(path)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _measure(server, session: Session, label: str, path: str, expect: str) -> Result:
    status, url, page = session.get(path)  # warms the worker's caches too
    if status != 200 or not url.endswith(path) or expect not in page:
        sys.exit(f"{label}: {path} answered {status} at {url} without {expect!r}; not measuring it")
    single = _one_at_a_time(session, path)
    result = measure(server, label, path, seconds=SECONDS, headers={"Cookie": session.cookie_header()})
    # wrk counts a redirect as a success: the page must still be the page after the run.
    status, url, page = session.get(path)
    if status != 200 or not url.endswith(path) or expect not in page:
        result.errors += 1
    verdict = ""
    if target := TARGETS.get(label):
        ok = result.rps >= target[0] and result.p99_ms < target[1] and not result.errors
        verdict = f"; target ≥ {target[0]} req/s, p99 < {target[1]} ms: {'met' if ok else 'missed'}"
    result.note = f"1 at a time {single:.1f} ms{verdict}"
    return result


def _queue_deep_cursor(records) -> str:
    """A page link near the end of the agency's verification queue (records waiting for a decision)."""
    from registry.listing import encode_cursor

    waiting = records.filter(status="submitted", submitted_at__isnull=False).order_by("submitted_at", "id")
    total = waiting.count()
    return encode_cursor(*waiting.values_list("submitted_at", "id")[max(0, total - 26)])


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
    ensure_wrk()
    env = {"SECRET_KEY": secrets.token_urlsafe(50)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DEBUG": "0", **env}, check=True,
    )  # fmt: skip
    log = ROOT / "var" / "bench-load-gunicorn.log"
    with serve(SETTINGS, ready="/bench/ok/", workers=WORKERS, env=env, log=log, redis=True) as server:
        session = Session(server.base)
        session.login(reverse("staff:login"), user.username, password)
        listing = reverse("registry:worker-list")
        deepest = deep_cursor(agency, period, depth=BIG_AGENCY)
        queue = reverse("verify:queue")
        queue_deepest = _queue_deep_cursor(records)
        row = 'class="fw-semibold text-decoration-none"'
        pages = [
            ("bare view ('ok')", "/bench/ok/", "ok"),
            ("list, page 1", listing, row),
            ("list, deepest page", f"{listing}?after={deepest}", row),
            ("list, search 'santoso' (common name)", f"{listing}?q=santoso", row),
            ("list, search by full NIK", f"{listing}?q={worker.nik}", worker.full_name),
            ("worker detail", reverse("registry:worker-detail", args=[worker.pk]), worker.nik),
            ("dashboard", reverse("registry:dashboard"), 'data-testid="active-total"'),
            ("verification queue, page 1", queue, "data-record="),
            ("verification queue, deepest page", f"{queue}?after={queue_deepest}", "data-record="),
        ]
        results = []
        load = load_average()
        for label, path, expect in pages:
            print(f"measuring {label} ...", flush=True)
            results.append(_measure(server, session, label, path, expect))
        print_table(results, title="the agency portal, logged in", server=server, seconds=SECONDS, load=load)
