"""The HR-system API at the largest agency's size: bulk upsert against the XLSX import, and the list
endpoint under load beside the portal's list page.

1. The agency holds BENCH_API_BIG records (140,000 by default; made once with generate_series and kept).
2. The same BENCH_API_ROWS workers (50,000 by default; the import benchmark's generator) are imported
   from an XLSX file (the portal's import) and, after those records are removed again, sent to
   POST /api/v1/workers/bulk/ in batches of 1,000 with an Idempotency-Key (in process, through the
   whole Django request stack, after one read that loads the site as a running server has it).
   Both print rows per second and the CPU per row of the Django process and of PostgreSQL (the
   robust numbers on a shared machine). A retried batch is sent once more.
3. gunicorn serves the site (bench/load_settings.py, DEBUG off) and `wrk -c50` drives the bare view,
   the portal's list page (logged in) and the API's list (API key), printing req/s, p50, p99, the CPU
   per request and the load average (the machine is shared).

Runs in the benchmark database (`nonasn_bench`), never in the development data.
BENCH_API_ROWS, BENCH_API_BIG, BENCH_LOAD_SECONDS (12), BENCH_LOAD_WORKERS (2) change the run;
BENCH_API_LOAD=0 stops after step 2 (the bulk against the import, without the load of step 3).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_API_ROWS", "50000"))
BIG = int(os.environ.get("BENCH_API_BIG", "140000"))
BATCH = 1000
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "12"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
LOAD = os.environ.get("BENCH_API_LOAD", "1") != "0"
ROOT = Path(__file__).resolve().parent.parent
# The prefilled records' NIKs (3200000000xxxxxx) never meet the generated workers' (32xx01…).
PREFILL_NIK = 3200000000000000


def _prefill(period, agency) -> None:
    from django.db import connection

    from bench.bench_worker_list import FIRST, LAST

    sql = f"""
        INSERT INTO registry_workerrecord (
            period_id, agency_id, status, registration_number, card_token, nik, kk, full_name,
            birth_place, birth_date, sex, category, thk2_number, position, asn_position, pay_source,
            sk_number, sk_signer_position, education_level, education_institution, education_major,
            diploma_number, phone, email, address, flags, revision_note, decision_reason,
            release_reason, created_at, updated_at, sk_date, start_date
        )
        SELECT %(period)s, %(agency)s,
               (ARRAY['registered','account_created','submitted','eligible','ineligible'])[1 + i %% 5],
               'NAPI-' || i, md5('api-card' || i), (%(nik)s + i)::text, (3300000000000000 + i)::text,
               ('{FIRST}'::text[])[1 + (i * 7) %% 24] || ' ' || ('{LAST}'::text[])[1 + (i / 24) %% 16]
                   || ' ' || initcap(substr(md5(i::text), 1, 6)),
               'Bandung', date '1970-01-01' + (i %% 12000), CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END,
               'non_asn', '', 'Guru', '', 'APBD', '', '', 'S1', '', '', '', '', '', '',
               '{{}}'::varchar[], '', '', '', now() - (i || ' seconds')::interval, now(),
               date '2019-01-02', date '2019-01-02'
        FROM generate_series(1, %(total)s) AS s(i)
    """
    with connection.cursor() as cur:
        cur.execute(sql, {"period": period.pk, "agency": agency.pk, "nik": PREFILL_NIK, "total": BIG})
        cur.execute("VACUUM ANALYZE registry_workerrecord")


def _remove_added(period) -> int:
    """Drop what an earlier step (or run) added beyond the prefilled records, with its audit rows."""
    from django.db import connection

    with connection.cursor() as cur:
        added = "SELECT id FROM registry_workerrecord WHERE period_id = %s AND registration_number NOT LIKE 'NAPI-%%'"
        cur.execute(f"DELETE FROM registry_auditevent WHERE record_id IN ({added})", [period.pk])  # noqa: S608
        cur.execute(
            "DELETE FROM registry_workerrecord WHERE period_id = %s AND registration_number NOT LIKE 'NAPI-%%'",
            [period.pk],
        )
        removed = cur.rowcount
        cur.execute("DELETE FROM registry_importjob WHERE period_id = %s", [period.pk])
        cur.execute("VACUUM ANALYZE registry_workerrecord")
    return removed


def prepare():
    from bench.generate import bench_fixtures, use_bench_database

    use_bench_database()
    from registry.models import Period, WorkerRecord

    period, agency, user = bench_fixtures("APIBENCH", period_name="Benchmark API")
    # The API works in the active period (as the portal does).
    Period.objects.exclude(pk=period.pk).update(is_active=False)
    Period.objects.filter(pk=period.pk).update(is_active=True)
    removed = _remove_added(period)
    if removed:
        print(f"removed {removed:,} records left by an earlier run")
    existing = WorkerRecord.objects.filter(period=period, agency=agency).count()
    if existing != BIG:
        WorkerRecord.objects.filter(period=period).delete()
        t0 = time.perf_counter()
        _prefill(period, agency)
        print(f"prefilled the agency with {BIG:,} records in {time.perf_counter() - t0:.0f} s")
    else:
        print(f"reusing the agency's {BIG:,} records")
    return period, agency, user


def _items_from_xlsx(path: Path) -> list[dict]:
    """The XLSX file's rows as the API's JSON items (same workers, the API's value formats)."""
    from python_calamine import CalamineWorkbook

    from registry.services.imports import COLUMNS

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()
    header = [str(h) for h in rows[0]]
    by_header = {c.header: c.field for c in COLUMNS}
    items = []
    for values in rows[1:]:
        item = {}
        for head, value in zip(header, values, strict=False):
            name = by_header.get(head)
            if name is None or value in ("", None):
                continue
            if name in ("birth_date", "sk_date", "start_date", "end_date", "graduation_date"):
                value = dt.datetime.strptime(str(value), "%d-%m-%Y").date().isoformat()
            elif name == "sex":
                value = {"L": "M", "P": "F"}[value]
            elif name == "category":
                value = "thk2" if value == "THK-II" else "non_asn"
            elif name == "monthly_pay":
                value = int(float(value))
            item[name] = value
        items.append(item)
    return items


def _database_cpu() -> float:
    """CPU seconds of the local PostgreSQL server so far (its processes and reaped children): the
    database's share of a step, which wall time on a shared machine hides."""
    from bench._load import _tree_cpu, postmaster_pid

    return _tree_cpu(postmaster_pid())


def _import(period, agency, user, path: Path) -> float:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.services.imports import import_run, import_start

    db0 = _database_cpu()
    cpu0, t0 = time.process_time(), time.perf_counter()
    job = import_start(
        agency=agency, period=period, upload=SimpleUploadedFile("bench.xlsx", path.read_bytes()), actor=user
    )
    job = import_run(job_id=job.pk)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    db = _database_cpu() - db0
    rate = job.valid_rows / elapsed
    print(
        f"XLSX import:  {job.valid_rows:,} rows saved in {elapsed:.1f} s = {rate:,.0f} rows/s "
        f"(Django process CPU {cpu:.1f} s = {cpu * 1000 / max(job.valid_rows, 1):.2f} ms/row, "
        f"PostgreSQL CPU {db * 1000 / max(job.valid_rows, 1):.2f} ms/row)"
    )
    return rate


def _bulk(token: str, items: list[dict]) -> float:
    import json

    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    created = refused = 0
    batches = [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
    # The bodies as the HR system sends them, encoded before the clock starts (its work, not the
    # server's: the import's timing likewise starts with the file written).
    bodies = [json.dumps({"items": batch}) for batch in batches]
    # A running app server has loaded the site (the URLconf imports every app's views, WeasyPrint's
    # among them: ~1 s of CPU once per process, not per row), as the import's code was loaded
    # before its clock started: one read of the agency's endpoint first, which writes nothing.
    assert client.get("/api/v1/agency/", secure=True).status_code == 200
    db0 = _database_cpu()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for n, body in enumerate(bodies):
        response = client.post(
            "/api/v1/workers/bulk/",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": f"bench-{n}"},
            secure=True,
        )
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        created += body["created"]
        refused += body["refused"]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    db = _database_cpu() - db0
    rate = created / elapsed
    print(
        f"API bulk:     {created:,} rows created ({refused:,} refused) in {len(batches)} requests of "
        f"≤ {BATCH:,}, {elapsed:.1f} s = {rate:,.0f} rows/s (Django process CPU {cpu:.1f} s = "
        f"{cpu * 1000 / max(created, 1):.2f} ms/row, PostgreSQL CPU {db * 1000 / max(created, 1):.2f} ms/row)"
    )
    t0 = time.perf_counter()
    retry = client.post(
        "/api/v1/workers/bulk/",
        bodies[0],
        content_type="application/json",
        headers={"Idempotency-Key": "bench-0"},
        secure=True,
    )
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    print(
        f"API bulk retry of a batch (stored answer, nothing written): {(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    return rate


def _load(agency, period, user, token: str) -> None:
    from django.urls import reverse

    from bench._load import ensure_wrk, load_average, measure, print_table, serve
    from bench.bench_load import Session

    password = secrets.token_urlsafe(18)
    user.set_password(password)
    user.save()
    ensure_wrk()
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "API_RATE_LIMIT_PER_MINUTE": "100000000"}
    settings_module = "bench.load_settings"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "DEBUG": "0", **env}, check=True,
    )  # fmt: skip
    log = ROOT / "var" / "bench-api-gunicorn.log"
    with serve(settings_module, ready="/bench/ok/", workers=WORKERS, env=env, log=log, redis=True) as server:
        session = Session(server.base)
        session.login(reverse("staff:login"), user.username, password)
        key = {"Authorization": f"Bearer {token}"}
        listing = reverse("registry:worker-list")
        api = reverse("api:worker-list")
        results = []
        load = load_average()
        for label, path, headers in (
            ("bare view ('ok')", "/bench/ok/", {}),
            ("portal list, page 1 (25 rows, HTML)", listing, {"Cookie": session.cookie_header()}),
            ("API list, page 1 (25 rows, JSON)", api, key),
            ("API list, 100 rows (JSON)", f"{api}?size=100", key),
            ("portal list, search 'santoso'", f"{listing}?q=santoso", {"Cookie": session.cookie_header()}),
            ("API list, search 'santoso'", f"{api}?q=santoso", key),
        ):
            print(f"measuring {label} ...", flush=True)
            results.append(measure(server, label, path, seconds=SECONDS, headers=headers))
        print_table(results, title="the list: portal page vs API", server=server, seconds=SECONDS, load=load)


def main() -> None:
    from django.utils import timezone

    from api.models import Scope
    from api.services import api_key_create
    from bench._load import load_average
    from bench.generate import write_import_xlsx

    period, agency, user = prepare()
    print(f"load average before: {load_average()}; {os.cpu_count()} CPUs shared with other work")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        write_import_xlsx(path, ROWS)
        items = _items_from_xlsx(path)
        import_rate = _import(period, agency, user, path)
    _remove_added(period)
    _key, token = api_key_create(
        name=f"bench {timezone.now():%H%M%S}",
        scope=Scope.WRITE,
        expires_at=timezone.now() + dt.timedelta(days=1),
        agency=agency,
        actor=None,
    )
    bulk_rate = _bulk(token, items)
    print(
        f"bulk ÷ import: {bulk_rate / import_rate:.2f} (target ≥ 1) — {ROWS:,} workers into an agency of "
        f"{BIG:,}; load average after: {load_average()}"
    )
    _remove_added(period)
    if LOAD:
        _load(agency, period, user, token)
