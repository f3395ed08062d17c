"""Worker list at national scale: 2,000,000 records, 140,000 of them in one agency.

Prints the median server time (the whole Django request: middleware, view, queries, template) of
the list's first page, a deep page (keyset cursor ~130,000 rows in), and name searches.
Target (issue 3): each under 50 ms; the search by part of a NIK (six digits or more) too. Runs in its own database (`nonasn_bench`); the records are made
with one INSERT ... SELECT generate_series, and kept for the next run.
"""

from __future__ import annotations

import os
import statistics
import time

TOTAL = int(os.environ.get("BENCH_LIST_TOTAL", "2000000"))
BIG_AGENCY = int(os.environ.get("BENCH_LIST_BIG", "140000"))
AGENCIES = 600
RUNS = 21

FIRST = "{Budi,Siti,Agus,Dewi,Rina,Andi,Yusuf,Putri,Hendra,Nur,Eko,Wati,Fajar,Lina,Rizky,Ayu,Dimas,Sri,Bayu,Indah,Joko,Maya,Rudi,Tuti}"
LAST = "{Santoso,Lestari,Pratama,Wijaya,Hidayat,Saputra,Kurniawan,Rahmawati,Nugroho,Setiawan,Susanto,Permana,Siregar,Nasution,Harahap,Simanjuntak}"


def _fill(period, big_agency) -> None:
    from django.db import connection

    from registry.models import Agency, AgencySubmission

    others = []
    for n in range(AGENCIES - 1):
        agency, _ = Agency.objects.get_or_create(
            code=f"L{n:04d}", defaults={"name": f"Instansi Uji {n}", "kind": "regency"}
        )
        others.append(agency.pk)
    for pk in [big_agency.pk, *others]:
        AgencySubmission.objects.get_or_create(agency_id=pk, period=period)
    sql = f"""
        INSERT INTO registry_workerrecord (
            period_id, agency_id, status, registration_number, card_token, nik, kk, full_name,
            birth_place, birth_date, sex, category, thk2_number, position, asn_position, pay_source,
            sk_number, sk_signer_position, education_level, education_institution, education_major,
            diploma_number, phone, email, address, flags, revision_note, decision_reason,
            release_reason, created_at, updated_at, sk_date, start_date, submitted_at
        )
        SELECT %(period)s,
               CASE WHEN i <= %(big)s THEN %(big_agency)s
                    ELSE (%(others)s::bigint[])[1 + (i %% array_length(%(others)s::bigint[], 1))] END,
               (ARRAY['registered','account_created','submitted','eligible','ineligible'])[1 + i %% 5],
               'NB-' || i, md5('card' || i), (3200000000000000 + i)::text, (3300000000000000 + i)::text,
               ('{FIRST}'::text[])[1 + (i * 7) %% 24] || ' ' || ('{LAST}'::text[])[1 + (i / 24) %% 16]
                   || ' ' || initcap(substr(md5(i::text), 1, 6)),
               'Bandung', date '1970-01-01' + (i %% 12000), CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END,
               'non_asn', '', 'Guru', '', 'APBD', '', '', 'S1', '', '', '', '', '', '',
               CASE WHEN i %% 17 = 0 THEN ARRAY['age']::varchar[] ELSE '{{}}'::varchar[] END,
               '', '', '', now() - (i || ' seconds')::interval, now(), date '2019-01-02', date '2019-01-02',
               CASE WHEN i %% 5 >= 2 THEN now() - (i || ' seconds')::interval END
        FROM generate_series(1, %(total)s) AS s(i)
    """
    with connection.cursor() as cur:
        cur.execute(
            sql,
            {
                "period": period.pk,
                "big": BIG_AGENCY,
                "big_agency": big_agency.pk,
                "others": others,
                "total": TOTAL,
            },
        )
        cur.execute("VACUUM ANALYZE registry_workerrecord")  # visibility map: index-only counts


def _median_ms(client, url: str, params: dict | None = None, *, before=None) -> tuple[float, int]:
    times = []
    rows = 0
    for _ in range(RUNS):
        if before:
            before()
        t0 = time.perf_counter()
        response = client.get(url, params or {}, secure=True)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        rows = response.content.count(b'class="fw-semibold text-decoration-none"')
    return statistics.median(times[1:]), rows  # the first run warms caches


def _plain_static_files(settings) -> None:
    """Production settings want collectstatic's manifest; the benchmark serves no static files."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.files.storage import storages
    from django.utils.functional import empty

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    storages.__dict__.pop("backends", None)
    storages._backends = None
    storages._storages = {}
    staticfiles_storage._wrapped = empty


def prepare():
    """The benchmark database with its records (filled once, then reused): (period, agency, user).

    The load benchmark (bench_load.py) measures the same data under concurrent requests.
    """
    from django.db import connection

    from bench.generate import bench_fixtures, use_bench_database

    use_bench_database()
    from accounts.models import Role
    from registry.models import Period, WorkerRecord

    period, agency, user = bench_fixtures("LIST", period_name="Benchmark daftar pegawai")
    Period.objects.exclude(pk=period.pk).update(is_active=False)
    Period.objects.filter(pk=period.pk).update(is_active=True)
    user.role = Role.OPERATOR
    user.save()

    existing = WorkerRecord.objects.filter(period=period).count()
    if existing != TOTAL or os.environ.get("BENCH_LIST_REGENERATE"):
        WorkerRecord.objects.filter(period=period).delete()
        t0 = time.perf_counter()
        _fill(period, agency)
        print(
            f"generated {TOTAL:,} records ({BIG_AGENCY:,} in the measured agency) in {time.perf_counter() - t0:.0f} s"
        )
    else:
        print(f"reusing {TOTAL:,} generated records")
    with connection.cursor() as cur:
        # The verification queue's records (submitted, and decided ones) carry their submission time
        # (data generated before the queue existed is given it here, once).
        cur.execute(
            """UPDATE registry_workerrecord SET submitted_at = created_at
               WHERE period_id = %s AND status IN ('submitted', 'eligible', 'ineligible')
                 AND submitted_at IS NULL""",
            [period.pk],
        )
        if cur.rowcount:
            cur.execute("VACUUM ANALYZE registry_workerrecord")
        cur.execute("SELECT count(*) FROM registry_workerrecord")
        print(f"records in the table: {cur.fetchone()[0]:,}")
    return period, agency, user


def deep_cursor(agency, period, depth: int = 130_000) -> str:
    """A page link `depth` rows into the agency's list sorted by name (capped to the list's length)."""
    from registry.listing import encode_cursor
    from registry.models import WorkerRecord

    qs = WorkerRecord.objects.filter(agency=agency, period=period).order_by("full_name", "id")
    depth = max(0, min(depth, BIG_AGENCY - 26))
    return encode_cursor(*qs.values_list("full_name", "id")[depth : depth + 1].get())


def main() -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from registry.models import WorkerRecord

    period, agency, user = prepare()
    settings.ALLOWED_HOSTS = ["testserver"]
    _plain_static_files(settings)
    rare = WorkerRecord.objects.filter(agency=agency).order_by("id").values_list("full_name", flat=True)[777]
    # NIKs here are 32000000000xxxxx: the digits a person would remember are the last ones.
    nik_part = (
        WorkerRecord.objects.filter(agency=agency).order_by("id").values_list("nik", flat=True)[4321][-6:]
    )
    client = Client()
    client.force_login(user)
    url = reverse("registry:worker-list")
    for label, params in (
        ("page 1 (sorted by name)", {}),
        ("deep page (~130,000 rows in)", {"after": deep_cursor(agency, period)}),
        ("page 1, newest first", {"sort": "newest"}),
        ("name search, common word 'santoso'", {"q": "santoso"}),
        (f"name search, rare '{rare.split()[-1]}'", {"q": rare.split()[-1]}),
        ("search by full NIK", {"q": "3200000000000777"}),
        (f"search by part of a NIK '{nik_part}'", {"q": nik_part}),
        ("filter status + flag", {"status": "submitted", "flag": "age"}),
    ):
        ms, rows = _median_ms(client, url, params)
        print(f"{label:<42} median {ms:6.1f} ms  ({rows} rows on the page)")
    _search_table(client, url, period, agency, rare)
    # The dashboard reads its counts from registry's tally, kept by database triggers (registry/
    # services/counts.py); counting the agency's records afresh instead is shown beside.
    ms, _rows = _median_ms(client, reverse("registry:dashboard"), before=cache.clear)
    print(f"{'dashboard (counts from the tally)':<42} median {ms:6.1f} ms")
    from registry.services.counts import count_records

    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        count_records(WorkerRecord.objects.filter(agency=agency, period=period))
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{'for comparison, counting 140,000 records':<42} median {statistics.median(times):6.1f} ms")


# The searches of issue 22 point 3: the worst on any agency at most 3x that agency's page 1, and a
# small agency never slower than the big one.
SEARCH_KINDS = (
    ("page 1 (no search)", ""),
    ("common first name 'yusuf' (1 in 24)", "yusuf"),
    ("common family name 'santoso' (1 in 16)", "santoso"),
    ("first name early in name order 'budi'", "budi"),
    ("first name mid-order 'joko'", "joko"),
    ("no match 'zz'", "zz"),
    ("two letters 'ab'", "ab"),
    ("common name + no match 'santoso zz'", "santoso zz"),
    ("common name + rare word", "santoso {rare}"),
)


def _search_table(client, url: str, period, big, rare: str) -> None:
    """Each search kind on the big agency and on a small one: median ms (the count's cache cleared
    before every request, as a new search gets it) and the ratio to the agency's own page 1.

    Measured in interleaved rounds: each round asks every kind on both agencies once, so a change
    in the machine's speed during the run (other work, a CPU's clock) reaches every cell alike
    instead of the cells measured while it lasted."""
    from django.core.cache import cache
    from django.test import Client

    from bench.generate import bench_fixtures
    from registry.models import WorkerRecord

    _period, small, small_user = bench_fixtures("L0005", period_name="Benchmark daftar pegawai")
    small_client = Client()
    small_client.force_login(small_user)
    small_rare = (
        WorkerRecord.objects.filter(agency=small, period=period)
        .order_by("id")
        .values_list("full_name", flat=True)[7]
    )
    sizes = {a.code: WorkerRecord.objects.filter(agency=a, period=period).count() for a in (big, small)}
    print(
        f"\nsearch kinds, median ms of the whole request (count cache cleared) and x page 1, "
        f"{RUNS - 1} interleaved rounds; big agency {sizes[big.code]:,} records, small {sizes[small.code]:,}"
    )
    print(f"{'search':<40} {'big ms':>8} {'x p1':>6} {'small ms':>9} {'x p1':>6}")
    cells = [
        (label, index, who, {"q": q.format(rare=word)} if q else {})
        for label, q in SEARCH_KINDS
        for index, (who, word) in enumerate(
            ((client, rare.split()[-1]), (small_client, small_rare.split()[-1]))
        )
    ]
    times: dict[tuple[str, int], list[float]] = {(label, index): [] for label, index, _w, _p in cells}
    for round_ in range(RUNS):
        for label, index, who, params in cells:
            cache.clear()
            t0 = time.perf_counter()
            response = who.get(url, params, secure=True)
            elapsed = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200 and b'data-testid="result-count"' in response.content, label
            if round_:  # the first round warms caches
                times[(label, index)].append(elapsed)
    results = {
        label: [statistics.median(times[(label, index)]) for index in (0, 1)] for label, _q in SEARCH_KINDS
    }
    first_big, first_small = results[SEARCH_KINDS[0][0]]
    worst = 0.0
    for label, (big_ms, small_ms) in results.items():
        ratio_big, ratio_small = big_ms / first_big, small_ms / first_small
        worst = max(worst, ratio_big, ratio_small)
        mark = (
            ""
            if small_ms <= big_ms * 1.1 or not label.startswith(("common", "first", "no", "two"))
            else "  small slower"
        )
        print(f"{label:<40} {big_ms:8.1f} {ratio_big:6.1f} {small_ms:9.1f} {ratio_small:6.1f}{mark}")
    print(
        f"  [{'ok' if worst <= 3 else 'MISSED'}] worst search {worst:.1f}x its agency's page 1 (target <= 3x)"
    )
