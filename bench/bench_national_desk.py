"""The national admin's desk over 600 agencies and 2,000,000 records.

Prints the median server time of the desk page (the whole Django request; with the CPU time of the
Django process, less sensitive to a busy machine) and, for comparison, the
time of the plain index-only GROUP BY (agency, status) the tally spares. Target (issue 9): < 100 ms.
Reuses the worker-list benchmark's records (`nonasn_bench`, period "Benchmark daftar pegawai"),
making them if missing; the tally is kept by the database triggers as they are inserted.
"""

from __future__ import annotations

import statistics
import time

RUNS = 21


def main() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.bench_worker_list import BIG_AGENCY, TOTAL, _fill, _plain_static_files
    from bench.generate import bench_fixtures, use_bench_database

    use_bench_database()
    from accounts.models import Role, User
    from registry.models import AgencySubmission, Period, WorkerRecord
    from registry.services.counts import tally_compact

    settings.ALLOWED_HOSTS = ["testserver"]
    _plain_static_files(settings)
    period, agency, _user = bench_fixtures("LIST", period_name="Benchmark daftar pegawai")
    Period.objects.exclude(pk=period.pk).update(is_active=False)
    Period.objects.filter(pk=period.pk).update(is_active=True)
    if WorkerRecord.objects.filter(period=period).count() != TOTAL:
        WorkerRecord.objects.filter(period=period).delete()
        t0 = time.perf_counter()
        _fill(period, agency)
        print(
            f"generated {TOTAL:,} records ({BIG_AGENCY:,} in one agency) in {time.perf_counter() - t0:.0f} s"
        )
    agencies = AgencySubmission.objects.filter(period=period).count()
    t0 = time.perf_counter()
    rows = tally_compact(period_id=period.pk)
    print(
        f"{agencies} agencies; tally compacted to {rows:,} rows in {(time.perf_counter() - t0) * 1000:.0f} ms"
    )

    admin, _ = User.objects.get_or_create(
        username="bench.bkn", defaults={"role": Role.NATIONAL_ADMIN, "is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    for label, params in (
        ("desk, all agencies", {}),
        ("desk, regencies sorted by submitted", {"kind": "regency", "sort": "-status_submitted"}),
    ):
        times, cpu = [], []
        for _ in range(RUNS):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(reverse("national:desk"), params, secure=True)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, response.status_code
        print(
            f"{label}: median {statistics.median(times[1:]):.1f} ms server time "
            f"({statistics.median(cpu[1:]):.1f} ms of it Django's CPU)  [target < 100 ms]"
        )

    with connection.cursor() as cur:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            cur.execute(
                "SELECT agency_id, status, count(*) FROM registry_workerrecord WHERE period_id = %s GROUP BY 1, 2",
                [period.pk],
            )
            cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        print(
            f"for comparison, GROUP BY (agency, status) over the records: median {statistics.median(times):.0f} ms"
        )
