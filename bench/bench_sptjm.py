"""SPTJM for the biggest agency: 140,000 finalised records in the annexed list.

Prints the time to build the PDF (statement by WeasyPrint, annex by ReportLab, joined by pypdf),
the pages and file size, and the process's peak memory. Targets (issue 9): < 60 s, < 500 MB peak.
Runs in its own database (`nonasn_bench`); the records are made with one INSERT ... SELECT and kept.
"""

from __future__ import annotations

import os
import resource
import time

ROWS = int(os.environ.get("BENCH_SPTJM_ROWS", "140000"))


def _fill(period, agency) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO registry_workerrecord (
                period_id, agency_id, status, registration_number, card_token, nik, kk, full_name,
                birth_place, birth_date, sex, category, thk2_number, position, asn_position, pay_source,
                sk_number, sk_signer_position, education_level, education_institution, education_major,
                diploma_number, phone, email, address, flags, revision_note, decision_reason,
                release_reason, created_at, updated_at
            )
            SELECT %(period)s, %(agency)s,
                   (ARRAY['eligible','eligible','eligible','ineligible','not_completed'])[1 + i %% 5],
                   'SP-' || i, md5('sptjm' || i), (3500000000000000 + i)::text, (3600000000000000 + i)::text,
                   'Pegawai Uji ' || initcap(substr(md5(i::text), 1, 8)) || ' ' || i,
                   'Bandung', date '1970-01-01' + (i %% 12000), 'M', 'non_asn', '',
                   (ARRAY['Guru','Perawat','Tenaga Administrasi','Penyuluh Pertanian'])[1 + i %% 4], '',
                   'APBD', '', '', 'S1', '', '', '', '', '', '', '{}'::varchar[], '', '', '', now(), now()
            FROM generate_series(1, %(rows)s) AS s(i)
            """,
            {"period": period.pk, "agency": agency.pk, "rows": ROWS},
        )
        cur.execute("ANALYZE registry_workerrecord")


def main() -> None:
    from bench.generate import bench_fixtures, use_bench_database

    use_bench_database()
    from django.conf import settings

    from accounts.models import Role
    from registry.models import AgencySubmission, WorkerRecord
    from verification.models import Sptjm
    from verification.services.sptjm import sptjm_build, sptjm_start

    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "bench-media"
    period, agency, user = bench_fixtures("SPTJM", period_name="Benchmark SPTJM")
    user.role = Role.AGENCY_ADMIN
    user.save()
    existing = WorkerRecord.objects.filter(period=period, agency=agency).count()
    if existing != ROWS:
        WorkerRecord.objects.filter(period=period, agency=agency).delete()
        t0 = time.perf_counter()
        _fill(period, agency)
        print(f"generated {ROWS:,} records in {time.perf_counter() - t0:.0f} s")
    else:
        print(f"reusing {ROWS:,} generated records")
    AgencySubmission.objects.filter(agency=agency, period=period).update(phase="finalised")
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    for old in Sptjm.objects.filter(submission=submission):
        old.file.delete(save=False)
        old.delete()

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sptjm = sptjm_start(
        submission_id=submission.pk, ppk_name="Pejabat Uji", ppk_nip="197001012000031001",
        ppk_position="Sekretaris", actor=user,
    )  # fmt: skip
    t0 = time.perf_counter()
    sptjm = sptjm_build(sptjm_id=sptjm.pk)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from pypdf import PdfReader

    with sptjm.file.open("rb") as fh:
        pages = len(PdfReader(fh).pages)
        size = sptjm.file.size
    print(f"SPTJM for {sptjm.total_rows:,} records: {seconds:.1f} s, {pages:,} pages, {size / 1e6:.1f} MB")
    print(
        f"peak memory of the process: {peak:.0f} MB (before building: {before:.0f} MB)  [target < 60 s, < 500 MB]"
    )
