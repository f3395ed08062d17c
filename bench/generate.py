"""Data generators for the benchmarks: a dedicated database, XLSX files, and millions of records in SQL."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

BENCH_DB = "nonasn_bench"

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Yusuf", "Putri", "Hendra", "Nur", "Eko", "Wati",
         "Fajar", "Lina", "Rizky", "Ayu", "Dimas", "Sri", "Bayu", "Indah", "Joko", "Maya", "Rudi", "Tuti"]  # fmt: skip
LAST = ["Santoso", "Lestari", "Pratama", "Wijaya", "Hidayat", "Saputra", "Kurniawan", "Rahmawati",
        "Nugroho", "Setiawan", "Susanto", "Permana", "Siregar", "Nasution", "Harahap", "Simanjuntak"]  # fmt: skip
POSITIONS = ["Guru", "Perawat", "Bidan", "Staf Administrasi", "Analis Data", "Penyuluh", "Pengemudi"]


def use_bench_database() -> None:
    """Point Django at a throw-away database of its own (created and migrated if needed).

    The benchmarks never touch the development data: they run in `nonasn_bench` on the same server.
    """
    import psycopg2
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    connections["default"].ensure_connection()  # starts the embedded server, filling in its host
    default = settings.DATABASES["default"]
    params = {
        "dbname": default["NAME"],
        "user": default.get("USER") or None,
        "password": default.get("PASSWORD") or None,
        "host": default.get("HOST") or default.get("OPTIONS", {}).get("host") or None,
        "port": default.get("PORT") or None,
    }
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()
    connections["default"].close()
    default["NAME"] = BENCH_DB
    connections["default"].settings_dict["NAME"] = BENCH_DB
    call_command("migrate", verbosity=0)


def bench_fixtures(code: str = "BENCH", *, period_name: str = "Pendataan Non-ASN 2022 (benchmark)"):
    """A period, one agency with its submission, and an operator, in the bench database.

    Each benchmark has a period of its own, so their records (and NIKs) never meet.
    """
    from django.utils import timezone

    from accounts.models import Role, User
    from registry.models import Agency, AgencySubmission, Period

    period = Period.objects.filter(name=period_name).first()
    if period is None:
        now = timezone.now()
        period = Period.objects.create(
            name=period_name,
            is_active=not Period.objects.filter(is_active=True).exists(),
            excluded_positions=["Petugas Kebersihan", "Pengemudi", "Satpam"],
            input_deadline=now + dt.timedelta(days=30),
            correction_deadline=now + dt.timedelta(days=40),
            finalisation_deadline=now + dt.timedelta(days=50),
        )
    agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": f"Instansi {code}", "kind": "city"})
    AgencySubmission.objects.get_or_create(agency=agency, period=period)
    user, created = User.objects.get_or_create(
        username=f"bench.{code.lower()}", defaults={"role": Role.OPERATOR, "agency": agency}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return period, agency, user


def nik_for(birth: dt.date, sex: str, serial: int, region: str = "320101") -> str:
    day = birth.day + (40 if sex == "F" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def write_import_xlsx(path: Path, rows: int, *, bad_every: int = 0, seed: int = 2022) -> Path:
    """A filled-in import template with `rows` workers (unique NIKs); every `bad_every`-th row is malformed."""
    from openpyxl import Workbook

    from registry.services.imports import COLUMNS

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append([c.header for c in COLUMNS])
    base = dt.date(1970, 1, 1)
    for i in range(rows):
        birth = base + dt.timedelta(days=i % 12000)
        sex = "M" if i % 2 else "F"
        nik = nik_for(birth, sex, serial=i // 12000 + 1, region=f"32{(i // 120000) % 80 + 10:02d}01")
        values = {
            "nik": nik,
            "kk": f"3201{rng.randint(10, 99)}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}10{rng.randint(1, 9999):04d}",
            "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
            "birth_place": "Bandung",
            "birth_date": birth.strftime("%d-%m-%Y"),
            "sex": "L" if sex == "M" else "P",
            "category": "Non-ASN",
            "position": rng.choice(POSITIONS),
            "work_unit_name": f"Dinas {i % 40}",
            "pay_source": "APBD",
            "sk_number": f"800/{i}/SK/2019",
            "sk_date": "02-01-2019",
            "start_date": "02-01-2019",
            "monthly_pay": 2500000,
            "education_level": "S1",
            "phone": "081234567890",
        }
        if bad_every and i % bad_every == bad_every - 1:
            values["nik"] = values["nik"][:10]
        ws.append([values.get(c.field, "") for c in COLUMNS])
    wb.save(path)
    return path
