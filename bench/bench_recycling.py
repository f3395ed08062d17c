"""What recycling gunicorn workers costs: deploy/gunicorn.conf.py's max_requests against none at all.

Serves the public list (bench_public_list.py's data, every page rendered; the cheapest real page, where a
worker's restart weighs most) three times with the production configuration, changing only
max_requests: never recycled (0), as configured (GUNICORN_MAX_REQUESTS, default 50,000, jitter 10 %),
and the old 2,000. Each is loaded with `wrk` (every answer checked) on page 1 and on a mix of 20,000
pages; gunicorn's CPU per request (its workers' restarts included) is compared with the
never-recycled run.

Target (issue 22): recycling costs < 5 % at the benchmark's load; p99 < 100 ms.
BENCH_RECYCLING_SECONDS (20) sets each run's length: long enough for the old 2,000 to recycle.
"""

from __future__ import annotations

import os
import random
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_RECYCLING_SECONDS", "20"))


def main() -> None:
    from django.conf import settings

    from bench._load import ensure_wrk, load_average, measure, print_table, serve, serve_bare
    from bench.bench_public_list import BIG_CODE, MARKER, PERIOD_NAME, TOTAL
    from bench.generate import bench_fixtures, use_bench_database

    ensure_wrk()
    use_bench_database()
    from announcements.models import ListSnapshot, SnapshotRow

    period, _agency, _user = bench_fixtures("PUBL", period_name=PERIOD_NAME)
    if SnapshotRow.objects.filter(snapshot__submission__period=period).count() != TOTAL:
        raise SystemExit("run `python -m bench public_list` first: it generates the rows")
    big = ListSnapshot.objects.get(submission__period=period, submission__agency__code=BIG_CODE)
    page = f"/pengumuman/{BIG_CODE}/uji-publik/v1/daftar/"
    rng = random.Random(5)
    mix = [f"{page}?after={rng.randrange(0, big.row_count, 50)}" for _ in range(20_000)]
    configured = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
    variants = [("never recycled", 0), (f"max_requests {configured:,} (configured)", configured)]
    variants.append(("max_requests 2,000 (before)", 2000))
    env = {"SECRET_KEY": settings.SECRET_KEY}
    with serve_bare() as bare_server:
        bare = measure(bare_server, "truly bare Django view", "/", seconds=SECONDS, marker="ok")
    load = load_average()
    table, by_variant = [bare], {}
    for label, max_requests in variants:
        args = ("--max-requests", str(max_requests), "--max-requests-jitter", str(max_requests // 10))
        with serve("bench._public_settings", ready="/bench/minimal/", env=env, args=args) as server:
            for path in (page, *mix[:50]):  # each worker past its first requests
                urllib.request.urlopen(server.base + path).read()
            one = measure(server, f"{label}: page 1", page, seconds=SECONDS, marker=MARKER)
            pages = measure(
                server, f"{label}: mix of 20,000 pages", mix[0], seconds=SECONDS, marker=MARKER, paths=mix
            )
        table += [one, pages]
        by_variant[max_requests] = (one, pages)
    print_table(
        table,
        title="worker recycling (public list, every page rendered)",
        server=server,
        seconds=SECONDS,
        load=load,
    )
    base = by_variant[0]
    print()
    for _label, max_requests in variants[1:]:
        for run, reference in zip(by_variant[max_requests], base, strict=True):
            # gunicorn's own CPU (its workers' boots included): what recycling changes.
            extra = 100 * (run.split[0] / reference.split[0] - 1)
            verdict = "ok" if extra < 5 else "MISSED"
            print(
                f"  [{verdict if max_requests == configured else 'info'}] {run.label}: {extra:+.1f} % app CPU per request (< 5 %), p99 {run.p99_ms:.0f} ms"
            )
