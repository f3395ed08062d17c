"""The open statistics (/statistik/) at national scale: 600 agencies, 2,360,000 records.

The page reads what production reads — registry's record tally, the agencies' submissions and
published lists, yesterday's daily snapshot — never the records. So the benchmark writes those
directly: the tally rows that 2.36 million records would leave (per agency, status, category and
flag; one agency of 140,000), plus 15,000 change rows that cancel out (a tally between two
compactions), instead of inserting 2.36 million records to have the triggers write them.

Prints the median server time (the whole Django request through the test client) of:
- building the tables (the tally summed, suppression, yesterday's figures) — once per 5 minutes;
- the page and each download with the tables built but the answer not yet stored (a new query or
  the first visitor after a renewal), and with the answer stored (every other visitor);
- the page with a known ETag (304).
Target (issue 19): < 100 ms for the page and each download.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time

RUNS = 15
AGENCIES = {"central": 66, "province": 38, "regency": 400, "city": 96}
TOTAL = 2_360_000
BIG = 140_000
PERIOD_NAME = "Benchmark statistik"


def _median_ms(fn, runs: int = RUNS, before=None) -> float:
    """Median wall time; the CPU time of this process (Django's, without PostgreSQL's) is kept in
    CPU_MS, less sensitive to a machine busy with other work."""
    times, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    CPU_MS.append(statistics.median(cpu[1:]))
    return statistics.median(times[1:])


CPU_MS: list[float] = []


def _fill(period) -> None:
    from django.db import connection

    from announcements.models import ListSnapshot
    from registry.models import Agency, AgencySubmission, Category, Flag, RecordTally, Status
    from registry.regions import PROVINCES

    rng = random.Random(19)
    provinces = sorted(PROVINCES)
    agencies = []
    for kind, n in AGENCIES.items():
        for i in range(n):
            province = provinces[i % len(provinces)]
            code = {"central": f"K{i:03d}", "province": f"P{province}", "regency": f"B{province}{i:02d}",
                    "city": f"C{province}{70 + i % 30:02d}{i}"}[kind]  # fmt: skip
            agencies.append(Agency(code=f"S{code}"[:10] if kind != "province" else code, name=f"Instansi {kind} {i}",
                                   kind=kind))  # fmt: skip
    # Regional codes keep their province digits after the letter: the "S" prefix is only on central ones.
    for a in agencies:
        if a.kind != "central" and a.code.startswith("S"):
            a.code = a.code[1:]
    Agency.objects.bulk_create(agencies, ignore_conflicts=True)
    agencies = list(Agency.objects.filter(code__in=[a.code for a in agencies]))
    phases = ["open"] * 4 + ["prefinalised"] * 3 + ["finalised"] * 2 + ["completed"]
    subs = AgencySubmission.objects.bulk_create(
        [AgencySubmission(agency=a, period=period, phase=rng.choice(phases)) for a in agencies]
    )
    ListSnapshot.objects.bulk_create(
        [
            ListSnapshot(
                submission=s, kind="public_test", version=1, state="published", published_at=period.created_at
            )
            for s in subs
            if s.phase != "open"
        ]
    )
    weights = [rng.paretovariate(1.2) for _ in agencies]
    scale = (TOTAL - BIG) / sum(weights[1:])
    sizes = [BIG] + [max(1, int(w * scale)) for w in weights[1:]]
    sizes[-1] += TOTAL - sum(sizes)
    statuses = [s for s in Status.values if s != Status.RELEASED]
    rows = []
    for agency, size in zip(agencies, sizes, strict=True):
        mix = [rng.random() for _ in statuses]
        for status, share in zip(statuses, mix, strict=True):
            n_status = int(size * share / sum(mix))
            for category, part in ((Category.THK2, 0.2), (Category.NON_ASN, 0.8)):
                n = int(n_status * part)
                if not n:
                    continue
                rows.append(
                    RecordTally(period=period, agency=agency, status=status, category=category, flag="", n=n)
                )
                flagged = 0
                for flag in Flag.values:
                    k = int(n * rng.uniform(0, 0.08))
                    if k:
                        flagged += k
                        rows.append(RecordTally(period=period, agency=agency, status=status, category=category,
                                                flag=flag, n=k))  # fmt: skip
                if flagged:
                    rows.append(RecordTally(period=period, agency=agency, status=status, category=category,
                                            flag="*", n=min(n, flagged)))  # fmt: skip
    # A tally between compactions: change rows that add up to nothing.
    for _ in range(7_500):
        a = rng.choice(agencies)
        status = rng.choice(statuses)
        for sign in (1, -1):
            rows.append(
                RecordTally(period=period, agency=a, status=status, category="non_asn", flag="", n=sign)
            )
    RecordTally.objects.bulk_create(rows, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_recordtally")
    print(f"generated {len(agencies)} agencies and {len(rows):,} tally rows ({sum(sizes):,} records' worth)")


def main() -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench.bench_worker_list import _plain_static_files
    from bench.generate import use_bench_database

    use_bench_database()
    from announcements.services.statistics import (
        TABLES,
        build_statistics,
        statistics_refresh,
        statistics_snapshot,
    )
    from registry.models import Period, RecordTally

    settings.ALLOWED_HOSTS = ["testserver"]
    _plain_static_files(settings)
    period = Period.objects.filter(name=PERIOD_NAME).first()
    if period is None:
        now = timezone.now()
        period = Period.objects.create(
            name=PERIOD_NAME,
            input_deadline=now + dt.timedelta(days=30),
            correction_deadline=now + dt.timedelta(days=40),
            finalisation_deadline=now + dt.timedelta(days=50),
        )
    Period.objects.exclude(pk=period.pk).update(is_active=False)
    Period.objects.filter(pk=period.pk).update(is_active=True)
    if not RecordTally.objects.filter(period=period).exists():
        _fill(period)
    statistics_snapshot(period=period, now=timezone.now() - dt.timedelta(days=1))  # "yesterday"
    print(f"{RecordTally.objects.filter(period=period).count():,} tally rows in the period")

    ms = _median_ms(lambda: build_statistics(period=period), runs=7)
    print(f"{'building the tables (every 5 minutes)':<52} median {ms:6.1f} ms ({CPU_MS[-1]:.1f} ms CPU)")

    client = Client()
    page = reverse("statistics:page")

    def get(url: str, **headers):
        response = client.get(url, secure=True, **headers)
        assert response.status_code in (200, 304), (url, response.status_code)
        return response

    statistics_refresh(period=period, force=True)  # the task worker's build (never a request's)
    get(page)  # the tables kept, as between two renewals

    def measure(url: str) -> tuple[float, float]:
        """(a new answer: rendered from the kept tables, the stored answer)."""
        etag = get(url)["ETag"]
        fresh = _median_ms(lambda: get(url), before=lambda: cache.delete(f"statistics:answer:{etag}"))
        fresh_cpu = CPU_MS[-1]
        stored = _median_ms(lambda: get(url))
        cpus.append((fresh_cpu, CPU_MS[-1]))
        return fresh, stored

    cpus: list[tuple[float, float]] = []

    worst = 0.0
    for label, url in [("page", page), ("page, sorted by records", page + "?sort=-records"),
                       ("page, search", page + "?q=kota"), ("page, flag shares", page + "?view=flags&page=3")]:  # fmt: skip
        fresh, stored = measure(url)
        worst = max(worst, fresh, stored)
        print(f"{label + ' (new / stored answer)':<52} median {fresh:6.1f} / {stored:5.1f} ms"
              f"  (CPU {cpus[-1][0]:.1f} / {cpus[-1][1]:.1f})")  # fmt: skip
    etag = get(page)["ETag"]
    ms = _median_ms(lambda: get(page, HTTP_IF_NONE_MATCH=etag))
    print(f"{'page, known ETag (304)':<52} median {ms:6.1f} ms")
    for table in TABLES:
        for fmt in ("csv", "json"):
            fresh, stored = measure(reverse(f"statistics:{fmt}", args=[table]))
            worst = max(worst, fresh, stored)
            print(f"{f'{table}.{fmt} (new / stored answer)':<52} median {fresh:6.1f} / {stored:5.1f} ms"
                  f"  (CPU {cpus[-1][0]:.1f} / {cpus[-1][1]:.1f})")  # fmt: skip
    print(
        f"slowest page or download: {worst:.1f} ms, {max(max(c) for c in cpus):.1f} ms CPU  [target < 100 ms]"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
