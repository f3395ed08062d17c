"""Import a generated 50,000-row XLSX file end to end; print rows per second and peak memory.

Target (issue 3): at least 2,000 valid rows/s, peak memory under 300 MB.
Runs in its own database (`nonasn_bench`), never in the development data.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from bench.generate import bench_fixtures, use_bench_database, write_import_xlsx

    use_bench_database()
    from registry.services.imports import import_run, import_start

    period, agency, user = bench_fixtures("IMPORT", period_name="Benchmark impor XLSX")
    with connection.cursor() as cur:  # a fresh start: this benchmark's own period only
        cur.execute(
            "DELETE FROM registry_auditevent WHERE record_id IN "
            "(SELECT id FROM registry_workerrecord WHERE period_id = %s)",
            [period.pk],
        )
        cur.execute("DELETE FROM registry_workerrecord WHERE period_id = %s", [period.pk])
        cur.execute("DELETE FROM registry_importjob WHERE period_id = %s", [period.pk])

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        t0 = time.perf_counter()
        write_import_xlsx(path, ROWS, bad_every=1000)
        print(
            f"generated {ROWS:,} rows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        rss_before = _rss_mb()
        t0 = time.perf_counter()
        upload = SimpleUploadedFile("bench.xlsx", path.read_bytes())
        job = import_start(agency=agency, period=period, upload=upload, actor=user)
        job = import_run(job_id=job.pk)
        elapsed = time.perf_counter() - t0
    print(
        f"status={job.status} rows={job.total_rows:,} valid={job.valid_rows:,} refused={job.refused_rows:,}"
    )
    print(f"import: {elapsed:.1f} s, {job.valid_rows / elapsed:,.0f} valid rows/s")
    print(f"peak RSS of the process: {_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)")
