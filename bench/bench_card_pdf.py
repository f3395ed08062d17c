"""Card PDF generation time: median over 50 renders of each card (target < 300 ms per card).

Runs in the benchmarks' own database (`nonasn_bench`, created and migrated when missing, so a clean
clone works) inside a transaction that is rolled back, with a throw-away MEDIA_ROOT, so nothing is
left behind.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import tempfile
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image

RUNS = 50
TARGET_MS = 300


class _Rollback(Exception):
    pass


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.effect_noise((1200, 1600), 40).convert("RGB").save(out, "JPEG", quality=90)
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")


def _record():
    from registry.models import Agency, AgencySubmission, Period, WorkerRecord
    from registry.services.worker_data import document_store

    period = Period.objects.active() or Period.objects.create(
        name="Bench period",
        is_active=True,
        input_deadline=timezone.now() + dt.timedelta(days=30),
        correction_deadline=timezone.now() + dt.timedelta(days=40),
        finalisation_deadline=timezone.now() + dt.timedelta(days=50),
    )
    agency = Agency.objects.create(code="BENCHCARD", name="Pemerintah Kabupaten Bench Kartu", kind="regency")
    AgencySubmission.objects.create(agency=agency, period=period)
    record = WorkerRecord.objects.create(
        period=period,
        agency=agency,
        registration_number="NA2022-BENCHCARD0",
        nik="3201015705909999",
        kk="3201012811119999",
        full_name="Siti Nurhaliza Putri Bench",
        birth_place="Bandung",
        birth_date=dt.date(1990, 5, 17),
        sex="F",
        position="Guru Kelas",
        status="submitted",
        submitted_at=timezone.now(),
        education_level="S1",
        education_major="Pendidikan Matematika",
        education_institution="Universitas Padjadjaran",
    )
    document_store(record=record, kind="photo", upload=_photo(), actor=None, check_editable=False)
    return record


def _time(fn, record) -> list[float]:
    fn(record)  # warm-up: fonts and templates load once per process
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn(record)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    from accounts.cards import account_card_pdf, data_card_pdf
    from bench.generate import use_bench_database

    use_bench_database()

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        try:
            with transaction.atomic():
                record = _record()
                for name, fn in (
                    ("account card", account_card_pdf),
                    ("data card (photo + QR)", data_card_pdf),
                ):
                    samples = _time(fn, record)
                    median = statistics.median(samples)
                    p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
                    verdict = "OK" if median < TARGET_MS else "SLOW"
                    print(
                        f"{name:26s} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
                        f"min {min(samples):6.1f} ms  ({RUNS} runs, target < {TARGET_MS} ms: {verdict})",
                        flush=True,
                    )
                raise _Rollback
        except _Rollback:
            pass
