"""The agency portal under concurrent load: gunicorn + wrk on the list benchmark's data.

Starts gunicorn as deployed (deploy/gunicorn.conf.py: 2 x CPUs + 1 sync workers, max_requests;
production settings with DEBUG off, plain HTTP: bench/load_settings.py; a Redis of its own for cache
and sessions) on the benchmark database (2 million records, 140,000 in the measured agency;
bench_worker_list.py fills it once), logs in as an operator of that agency and of a small one
through the login form, and drives each page from a second process with `wrk` (50 connections,
12 s; every answer checked: status 200 and the page's own marker, so a redirect to the login page
is an error). Beside each page: the truly bare Django view (bench/bare.py, no middleware, measured
in the same run), the site's floor (middleware and session, no query) and the list's floor (its
queries, a plain response). The list is measured on page 1, the deepest page, a cold mix of 20,000
searches of every kind, and each kind of search alone on the big agency and on a small one, with
its CPU as a multiple of that agency's page 1 (issue 22: at most 3 x, a small agency never slower).

BENCH_LOAD_WORKERS, BENCH_LOAD_CONNECTIONS (50), BENCH_LOAD_SECONDS (12) change the run;
BENCH_LIST_TOTAL / BENCH_LIST_BIG make the data smaller (see bench_worker_list.py).
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

# As deploy/gunicorn.conf.py runs it (2 x CPUs + 1) unless BENCH_LOAD_WORKERS says otherwise.
WORKERS = int(os.environ["BENCH_LOAD_WORKERS"]) if os.environ.get("BENCH_LOAD_WORKERS") else None
MIX_SIZE = 20_000
SMALL_CODE = "L0001"
FIRST = ["budi", "siti", "agus", "dewi", "rina", "andi", "yusuf", "putri", "hendra", "eko", "joko", "tuti"]
LAST = ["santoso", "lestari", "pratama", "wijaya", "hidayat", "saputra", "kurniawan", "nugroho", "siregar"]
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


def _measure(server, session: Session, label: str, path: str, expect: str, mix: list[str] | None) -> Result:
    paths = [path + query for query in mix] if mix else None
    first = paths[0] if paths else path
    status, url, page = session.get(first)  # warms the worker's caches too
    if status != 200 or not url.endswith(first) or expect not in page:
        sys.exit(f"{label}: {first} answered {status} at {url} without {expect!r}; not measuring it")
    single = _one_at_a_time(session, first)
    result = measure(
        server,
        label,
        path,
        seconds=SECONDS,
        headers={"Cookie": session.cookie_header()},
        marker=expect,
        paths=paths,
    )
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


def _operator(code: str, password: str):
    """An operator of the agency `code` (the small agencies of the list benchmark have none)."""
    from accounts.models import Role, User
    from registry.models import Agency

    user, _ = User.objects.get_or_create(
        username=f"bench.{code.lower()}",
        defaults={"role": Role.OPERATOR, "agency": Agency.objects.get(code=code)},
    )
    user.set_password(password)
    user.save()
    return user


def _search_mix(words: list[str]) -> list[str]:
    """MIX_SIZE list searches of the kinds people type (each address about once a run: cold)."""
    import random

    rng = random.Random(12)
    first, last = FIRST, LAST
    kinds = [
        lambda: rng.choice(first),
        lambda: rng.choice(last),
        lambda: f"{rng.choice(first)} {rng.choice(last)}",
        lambda: rng.choice(words),
        lambda: "".join(rng.choice("qxzvj") for _ in range(4)),
        lambda: rng.choice("abdeiknorstuy") + rng.choice("aeiounz"),
        lambda: f"{rng.choice(last)} {''.join(rng.choice('qxzvj') for _ in range(2))}",
        lambda: f"{rng.choice(last)} {rng.choice(words)}",
    ]
    return [f"?q={rng.choice(kinds)().replace(' ', '+')}" for _ in range(MIX_SIZE)]


def main() -> None:
    from django.urls import reverse

    from bench._load import serve_bare
    from bench.bench_worker_list import BIG_AGENCY, deep_cursor, prepare
    from registry.models import WorkerRecord

    period, agency, user = prepare()
    password = secrets.token_urlsafe(18)
    user.set_password(password)
    user.save()
    small_user = _operator(SMALL_CODE, password)
    records = WorkerRecord.objects.filter(agency=agency, period=period)
    worker = records.order_by("id")[min(777, BIG_AGENCY - 1)]
    words = [
        n.split()[-1].lower() for n in records.order_by("id").values_list("full_name", flat=True)[:3000:7]
    ]
    ensure_wrk()
    env = {"SECRET_KEY": secrets.token_urlsafe(50)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DEBUG": "0", **env}, check=True,
    )  # fmt: skip
    log = ROOT / "var" / "bench-load-gunicorn.log"
    with serve_bare(workers=WORKERS) as bare_server:
        bare = measure(
            bare_server, "truly bare Django view (no middleware)", "/", seconds=SECONDS, marker="ok"
        )
    with serve(SETTINGS, ready="/bench/ok/", workers=WORKERS, env=env, log=log, redis=True) as server:
        session = Session(server.base)
        session.login(reverse("staff:login"), user.username, password)
        small = Session(server.base)
        small.login(reverse("staff:login"), small_user.username, password)
        listing = reverse("registry:worker-list")
        deepest = deep_cursor(agency, period, depth=BIG_AGENCY)
        queue = reverse("verify:queue")
        queue_deepest = _queue_deep_cursor(records)
        listed = 'id="result-count"'
        rare = worker.full_name.split()[-1].lower()
        big, little = f"{BIG_AGENCY:,} records", f"{small_user.agency.code} (small)"
        # label, session, path, marker, mix
        pages = [
            ("site floor ('ok': middleware + session)", session, "/bench/ok/", "ok", None),
            (
                "list page 1's floor (queries + plain response)",
                session,
                "/bench/list-floor/",
                "floor rows: 25",
                None,
            ),
            ("list, page 1", session, listing, listed, None),
            ("list, deepest page", session, f"{listing}?after={deepest}", listed, None),
            (f"list, mix of {MIX_SIZE:,} searches (cold)", session, listing, listed, _search_mix(words)),
            ("list, search 'santoso' (common name)", session, f"{listing}?q=santoso", listed, None),
            ("list, search 'yusuf' (common first name)", session, f"{listing}?q=yusuf", listed, None),
            ("list, search 'zz' (two letters)", session, f"{listing}?q=zz", listed, None),
            ("list, search 'qxzj' (no match)", session, f"{listing}?q=qxzj", listed, None),
            ("list, search 'santoso zz'", session, f"{listing}?q=santoso+zz", listed, None),
            (f"list, search 'santoso {rare}'", session, f"{listing}?q=santoso+{rare}", listed, None),
            ("list, search by full NIK", session, f"{listing}?q={worker.nik}", worker.full_name, None),
            ("worker detail", session, reverse("registry:worker-detail", args=[worker.pk]), worker.nik, None),
            ("dashboard", session, reverse("registry:dashboard"), 'data-testid="active-total"', None),
            ("verification queue, page 1", session, queue, "data-record=", None),
            (
                "verification queue, deepest page",
                session,
                f"{queue}?after={queue_deepest}",
                "data-record=",
                None,
            ),
            (f"{little}: list, page 1", small, listing, listed, None),
            (f"{little}: search 'santoso'", small, f"{listing}?q=santoso", listed, None),
            (f"{little}: search 'yusuf'", small, f"{listing}?q=yusuf", listed, None),
            (f"{little}: search 'zz'", small, f"{listing}?q=zz", listed, None),
            (f"{little}: search 'qxzj'", small, f"{listing}?q=qxzj", listed, None),
            (f"{little}: search 'santoso zz'", small, f"{listing}?q=santoso+zz", listed, None),
        ]
        results = [bare]
        load = load_average()
        for label, who, path, expect, mix in pages:
            print(f"measuring {label} ...", flush=True)
            results.append(_measure(server, who, label, path, expect, mix))
        own = {"": results[3], "small": results[-6]}
        for r in results[4:]:
            page1 = own["small"] if r.label.startswith(little) else own[""]
            if "search" in r.label and r.cpu_ms and page1.cpu_ms:
                r.note = f"CPU {r.cpu_ms / page1.cpu_ms:.2f} x its agency's page 1; " + r.note
        print_table(
            results,
            title=f"the agency portal, logged in ({big} in the agency)",
            server=server,
            seconds=SECONDS,
            load=load,
        )
