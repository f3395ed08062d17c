"""Export of an agency's worker list (the current filter) to CSV or XLSX."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from registry.labels import record_field_label
from registry.models import Agency, AuditEvent, Flag, WorkerRecord

EXPORT_FIELDS = (
    "registration_number", "nik", "kk", "full_name", "birth_place", "birth_date", "sex", "category",
    "thk2_number", "position", "asn_position", "work_unit", "pay_source", "sk_number", "sk_date",
    "start_date", "end_date", "education_level", "status", "flags",
)  # fmt: skip
FLAG_LABELS = dict(Flag.choices)
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values stay."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _headers() -> list[str]:
    return [record_field_label(name) for name in EXPORT_FIELDS]


def _cells(record: WorkerRecord) -> list[Any]:
    out: list[Any] = []
    for name in EXPORT_FIELDS:
        value = getattr(record, name)
        if name in ("sex", "category", "status", "pay_source", "education_level"):
            value = getattr(record, f"get_{name}_display")()
        elif name == "work_unit":
            value = value.name if value else ""
        elif name == "flags":
            value = "; ".join(str(FLAG_LABELS.get(f, f)) for f in value)
        elif hasattr(value, "strftime"):
            value = value.strftime("%d-%m-%Y")
        out.append("" if value is None else spreadsheet_safe(str(value)))
    return out


def _records(qs: QuerySet[WorkerRecord]) -> Iterator[WorkerRecord]:
    return qs.select_related("work_unit").iterator(chunk_size=2000)


def export_csv_rows(qs: QuerySet[WorkerRecord]) -> Iterator[str]:
    """CSV lines, streamed. Numbers stay text: NIK and KK keep their leading digits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer.writerow(_headers())
    for record in _records(qs):
        writer.writerow(_cells(record))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_xlsx(qs: QuerySet[WorkerRecord]) -> tempfile.SpooledTemporaryFile:
    from openpyxl import Workbook  # imported here: ~0.2 s that every process start would pay

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Workers"))
    ws.append(_headers())
    for record in _records(qs):
        ws.append(_cells(record))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out


def export_log(*, agency: Agency, actor: Any, file_format: str, filters: dict, ip: str | None = None) -> None:
    """Personal data leaving the system is audited (who, when, which filter)."""
    AuditEvent.log(
        actor=actor, action=f"records:export:{file_format}", obj=agency, after={"filters": filters}, ip=ip
    )
