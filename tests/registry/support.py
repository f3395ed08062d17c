"""What the registry's tests build: a worker as the agency form posts it, import rows and their XLSX file."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from registry.services.imports import COLUMNS
from tests.factories import make_kk, make_nik

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def worker_fields(**overrides) -> dict:
    """A complete, valid, flag-free worker as the form posts it."""
    birth = overrides.pop("birth", dt.date(1990, 5, 17))
    sex = overrides.pop("sex_for_nik", overrides.get("sex", "M"))
    data = {
        "nik": make_nik(birth, sex, serial=overrides.pop("serial", 1)),
        "kk": make_kk(serial=2),
        "full_name": "Budi Santoso",
        "birth_place": "Bandung",
        "birth_date": birth.isoformat(),
        "sex": "M",
        "category": "non_asn",
        "thk2_number": "",
        "position": "Guru",
        "asn_position": "Guru Ahli Pertama",
        "work_unit_name": "Dinas Pendidikan",
        "pay_source": "APBD",
        "sk_number": "800/1/SK/2019",
        "sk_date": "2019-01-02",
        "sk_signer_position": "Kepala Dinas",
        "start_date": "2019-01-02",
        "end_date": "",
        "monthly_pay": "2500000",
        "education_level": "S1",
        "education_institution": "Universitas Padjadjaran",
        "education_major": "Matematika",
        "diploma_number": "UNPAD-123",
        "graduation_date": "2012-08-30",
        "phone": "081234567890",
        "email": "budi@example.com",
        "address": "Jl. Merdeka 1",
    }
    data.update(overrides)
    return data


def import_row(**overrides) -> dict:
    """One valid import row keyed by field name (values as an operator types them)."""
    birth = overrides.pop("birth", dt.date(1990, 5, 17))
    sex = overrides.pop("sex_for_nik", "M")
    row = {c.field: c.example for c in COLUMNS}
    row.update(
        nik=make_nik(birth, sex, serial=overrides.pop("serial", 1)),
        kk=make_kk(serial=3),
        birth_date=birth.strftime("%d-%m-%Y"),
        sex="L" if sex == "M" else "P",
    )
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict], *, headers: list[str] | None = None) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    fields = [c.field for c in COLUMNS]
    ws.append(headers or [c.header for c in COLUMNS])
    for row in rows:
        ws.append([row.get(f, "") for f in fields])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "data.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)
