"""XLSX import of worker records (agency side): template, upload checks, the import itself.

Rows are validated with the same rules as the one-worker form (validators + check_hard_errors'
messages); NIK conflicts are checked against the database in batches, records are bulk-inserted,
and possible duplicates are flagged with one set-based SQL statement at the end.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import secrets
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from registry.date_rules import date_errors
from registry.models import (
    Agency,
    AuditEvent,
    Category,
    EducationLevel,
    ImportJob,
    PaySource,
    Period,
    Sex,
    Status,
    WorkerRecord,
    WorkUnit,
)
from registry.rules import eligibility_flags
from registry.services.exports import spreadsheet_safe
from registry.services.records import flag_possible_duplicates, new_registration_number, require_input_open
from registry.validators import nik_mismatches, validate_kk, validate_nik

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_ROWS = 60_000
# Files up to this size are imported during the request; bigger ones by the background worker.
INLINE_MAX_BYTES = 150 * 1024
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    kind: str = "text"  # text | date | int | choice
    example: Any = ""


# Column headers are a file format, not page text: they stay Indonesian whatever the UI language,
# so a file filled in under one language imports under the other.
COLUMNS: tuple[Column, ...] = (
    Column("nik", "NIK", True, example="3201011705900001"),
    Column("kk", "Nomor KK", True, example="3201010101100002"),
    Column("full_name", "Nama Lengkap", True, example="Budi Santoso"),
    Column("birth_place", "Tempat Lahir", True, example="Bandung"),
    Column("birth_date", "Tanggal Lahir", True, "date", "17-05-1990"),
    Column("sex", "Jenis Kelamin", True, "choice", "L"),
    Column("category", "Kategori", False, "choice", "Non-ASN"),
    Column("thk2_number", "Nomor Peserta THK-II"),
    Column("position", "Jabatan", True, example="Guru"),
    Column("asn_position", "Jabatan ASN", example="Guru Ahli Pertama"),
    Column("work_unit_name", "Unit Kerja", example="Dinas Pendidikan"),
    Column("pay_source", "Sumber Gaji", False, "choice", "APBD"),
    Column("sk_number", "Nomor SK", example="800/123/SK/2019"),
    Column("sk_date", "Tanggal SK", False, "date", "02-01-2019"),
    Column("sk_signer_position", "Jabatan Penanda Tangan SK", example="Kepala Dinas"),
    Column("start_date", "TMT", False, "date", "02-01-2019"),
    Column("end_date", "Tanggal Berakhir", False, "date", ""),
    Column("monthly_pay", "Gaji per Bulan", False, "int", 2500000),
    Column("education_level", "Pendidikan Terakhir", False, "choice", "S1"),
    Column("education_institution", "Nama Institusi Pendidikan", example="Universitas Padjadjaran"),
    Column("education_major", "Jurusan", example="Pendidikan Matematika"),
    Column("diploma_number", "Nomor Ijazah"),
    Column("graduation_date", "Tanggal Lulus", False, "date", "30-08-2012"),
    Column("phone", "Nomor HP", example="081234567890"),
    Column("email", "Email", example="budi@example.com"),
    Column("address", "Alamat Domisili", example="Jl. Merdeka No. 1, Bandung"),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
ERROR_HEADER = "Keterangan Kesalahan"

SEX_VALUES = {
    "L": Sex.MALE,
    "LAKI-LAKI": Sex.MALE,
    "M": Sex.MALE,
    "P": Sex.FEMALE,
    "PEREMPUAN": Sex.FEMALE,
    "F": Sex.FEMALE,
}
CATEGORY_VALUES = {
    "THK-II": Category.THK2,
    "THK2": Category.THK2,
    "THK II": Category.THK2,
    "NON-ASN": Category.NON_ASN,
    "NON ASN": Category.NON_ASN,
    "": Category.NON_ASN,
}
PAY_VALUES = {"APBN": PaySource.APBN, "APBD": PaySource.APBD, "LAINNYA": PaySource.OTHER, "": PaySource.APBD}
EDUCATION_VALUES = {
    **{e.value: e.value for e in EducationLevel},
    **{e.label.upper(): e.value for e in EducationLevel},
    "SMA": "SMA", "SMK": "SMA", "DI": "D1", "DII": "D2", "DIII": "D3", "DIV": "D4", "S-1": "S1", "S-2": "S2", "S-3": "S3",
}  # fmt: skip
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
MAX_MONTHLY_PAY = 1_000_000_000
_TEXT_LIMITS = {
    c.field: WorkerRecord._meta.get_field(c.field).max_length or 10_000
    for c in COLUMNS
    if c.kind == "text" and c.field not in ("nik", "kk", "work_unit_name")
}
_TEXT_LIMITS["work_unit_name"] = 200


class ImportRefused(Exception):
    """The whole file is refused (not XLSX, empty, missing columns, too large)."""


# --- The template ----------------------------------------------------------------------------


def import_template() -> bytes:
    """The XLSX template: the header row, an example row, and reference sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append([c.header for c in COLUMNS])
    ws.append([c.example for c in COLUMNS])
    bold = Font(bold=True, color="FFFFFF")
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="0B4F8A" if column.required else "5B7FA6")
        ws.column_dimensions[cell.column_letter].width = max(14, len(column.header) + 4)
        if column.kind == "date" or column.field in ("nik", "kk", "phone"):
            ws.column_dimensions[cell.column_letter].number_format = "@"
    ws.freeze_panes = "A2"
    refs = {
        "Pendidikan": [["Kode", "Keterangan"], *[[e.value, e.label] for e in EducationLevel]],
        "Kategori": [["Kategori"], ["THK-II"], ["Non-ASN"]],
        "Sumber Gaji": [["Sumber Gaji"], ["APBN"], ["APBD"], ["Lainnya"]],
        "Jenis Kelamin": [["Kode", "Keterangan"], ["L", "Laki-laki"], ["P", "Perempuan"]],
    }
    for title, rows in refs.items():
        sheet = wb.create_sheet(title)
        for row in rows:
            sheet.append([str(v) for v in row])
        sheet.cell(row=1, column=1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 24
    notes = wb.create_sheet("Petunjuk")
    for line in (
        "Isi satu baris per tenaga non-ASN pada lembar Data, mulai baris 2 (contoh di baris 2 boleh ditimpa).",
        "Kolom berwarna biru tua wajib diisi. Tanggal ditulis HH-BB-TTTT, misalnya 31-12-2021.",
        "NIK dan Nomor KK 16 angka; ketik sebagai teks agar angka tidak berubah.",
        "Jenis Kelamin: L atau P. Kategori: THK-II atau Non-ASN. Sumber Gaji: APBN, APBD atau Lainnya.",
        "Pendidikan Terakhir: lihat lembar Pendidikan.",
        "Baris yang ditolak dapat diunduh kembali, diperbaiki, lalu diunggah ulang.",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110

    def add_list(field: str, sheet: str, rows: int) -> None:
        letter = ws.cell(row=1, column=list(COLUMN_BY_FIELD).index(field) + 1).column_letter
        dv = DataValidation(type="list", formula1=f"='{sheet}'!$A$2:$A${rows + 1}", allow_blank=True)
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.add_data_validation(dv)

    add_list("education_level", "Pendidikan", len(EducationLevel))
    add_list("category", "Kategori", 2)
    add_list("pay_source", "Sumber Gaji", 3)
    add_list("sex", "Jenis Kelamin", 2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Upload checks and job creation ----------------------------------------------------------


def check_upload(upload: UploadedFile) -> None:
    """Refuse what is obviously not an XLSX file before it is stored."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)d MB). The limit is %(limit)d MB; split it into several files.")
            % {"size": upload.size // (1024 * 1024), "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    head = upload.read(4)
    upload.seek(0)
    if not upload.name.lower().endswith(".xlsx") or head != b"PK\x03\x04":
        raise ValidationError(
            _("This is not an XLSX file. Save the sheet as Excel Workbook (.xlsx) and upload it again.")
        )
    try:
        with zipfile.ZipFile(upload) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise zipfile.BadZipFile
    except zipfile.BadZipFile:
        raise ValidationError(
            _("This is not an XLSX file. Save the sheet as Excel Workbook (.xlsx) and upload it again.")
        ) from None
    finally:
        upload.seek(0)


@transaction.atomic
def import_start(*, agency: Agency, period: Period, upload: UploadedFile, actor: Any) -> ImportJob:
    """Store the upload as an import job; the caller runs it inline or enqueues it."""
    require_input_open(agency=agency, period=period)
    check_upload(upload)
    job = ImportJob(agency=agency, period=period, created_by=actor, original_name=upload.name[:200])
    job.file.save("upload.xlsx", upload, save=False)
    job.save()
    AuditEvent.log(actor=actor, action="import:upload", obj=job, after={"file": job.original_name})
    return job


# --- Reading and validating rows -------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y")
    return " ".join(str(value).split())


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if len(text) == 10 and text[2] == "-" and text[5] == "-" and text.replace("-", "").isdigit():
        return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))  # the usual DD-MM-YYYY, fast
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class RowResult:
    number: int
    values: tuple
    data: dict[str, Any] | None
    errors: list[tuple[str, str]]  # (column header, message)


def _parse_row(number: int, values: tuple, index: dict[str, int], today: dt.date) -> RowResult:
    errors: list[tuple[str, str]] = []
    data: dict[str, Any] = {}

    def err(field: str, message: str) -> None:
        errors.append((COLUMN_BY_FIELD[field].header, message))

    for column in COLUMNS:
        pos = index.get(column.field)
        raw = values[pos] if pos is not None and pos < len(values) else None
        if column.kind == "date":
            try:
                value = _date(raw)
            except ValueError:
                err(column.field, _("Not a date. Write it as DD-MM-YYYY, e.g. 31-12-2021."))
                data[column.field] = None
                continue
        elif column.kind == "int":
            text = _text(raw).replace(".", "").replace(",", "")
            value = None
            if text:
                if text.isascii() and text.isdigit():
                    value = int(text)
                else:
                    err(column.field, _("Write a whole number of rupiah, without letters."))
        else:
            value = _text(raw)
        if column.required and (value is None or value == ""):
            err(column.field, _("This column is required."))
        data[column.field] = value

    nik, kk = data["nik"].replace(" ", ""), data["kk"].replace(" ", "")
    data["nik"], data["kk"] = nik, kk
    if nik:
        try:
            validate_nik(nik)
        except ValidationError as exc:
            err("nik", exc.messages[0])
            nik = ""
    if kk:
        try:
            validate_kk(kk)
        except ValidationError as exc:
            err("kk", exc.messages[0])
    sex = SEX_VALUES.get(data["sex"].upper()) if data["sex"] else None
    if data["sex"] and sex is None:
        err("sex", _("Write L (male) or P (female)."))
    data["sex"] = sex
    category = CATEGORY_VALUES.get(data["category"].upper())
    if category is None:
        err("category", _("Write THK-II or Non-ASN."))
    data["category"] = category or Category.NON_ASN
    pay = PAY_VALUES.get(data["pay_source"].upper())
    if pay is None:
        err("pay_source", _("Write APBN, APBD or Lainnya."))
    data["pay_source"] = pay or PaySource.OTHER
    if data["education_level"]:
        level = EDUCATION_VALUES.get(data["education_level"].upper().replace(" ", ""))
        if level is None:
            err("education_level", _("Unknown education level; use a code from the Pendidikan sheet."))
        data["education_level"] = level or ""
    if nik and (data["birth_date"] or sex):
        for field, message in nik_mismatches(nik, birth_date=data["birth_date"], sex=sex).items():
            err(field, message)
    dates = {column.field: data[column.field] for column in COLUMNS if column.kind == "date"}
    for field, messages in date_errors(dates, today=today).items():
        for message in messages:
            err(field, message)
    for field, limit in _TEXT_LIMITS.items():
        if len(data[field] or "") > limit:
            err(field, _("Too long: at most %(limit)d characters.") % {"limit": limit})
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            err("email", _("Not a valid e-mail address."))
    if data["monthly_pay"] is not None and data["monthly_pay"] > MAX_MONTHLY_PAY:
        err("monthly_pay", _("The monthly pay is implausibly high; check the number."))
    return RowResult(number, values, None if errors else data, errors)


def _open_sheet(fileobj: BinaryIO):
    """The sheet named Data (or the first one). calamine (Rust) reads a 50,000-row sheet in about a
    second, where openpyxl's read-only mode takes twenty; the import is bound by this step otherwise."""
    try:
        wb = CalamineWorkbook.from_filelike(fileobj)
        name = "Data" if "Data" in wb.sheet_names else wb.sheet_names[0]
        return wb, wb.get_sheet_by_name(name)
    except Exception:  # calamine raises several kinds for a broken file
        raise ImportRefused(
            _("This is not an XLSX file. Save the sheet as Excel Workbook (.xlsx) and upload it again.")
        ) from None


def _header_index(header: Iterable[Any]) -> dict[str, int]:
    by_header = {c.header.lower(): c.field for c in COLUMNS}
    index: dict[str, int] = {}
    for pos, value in enumerate(header):
        field = by_header.get(_text(value).lower())
        if field and field not in index:
            index[field] = pos
    missing = [c.header for c in COLUMNS if c.required and c.field not in index]
    if missing:
        raise ImportRefused(
            _("Required columns are missing: %(columns)s. Use the template's header row.")
            % {"columns": ", ".join(missing)}
        )
    return index


def _rows(rows: Iterator[list]) -> Iterator[tuple[int, tuple]]:
    for number, values in enumerate(rows, start=2):
        if values and any(v not in (None, "") for v in values):
            yield number, tuple(values)


# --- Running an import -----------------------------------------------------------------------


class _Run:
    """The state of one import while it runs (kept out of the job row until a batch is done)."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.period = job.period
        self.agency = job.agency
        self.units: dict[str, WorkUnit] = {
            u.name.lower(): u for u in WorkUnit.objects.filter(agency=self.agency)
        }
        self.seen_nik: dict[str, int] = {}
        self.refused: list[tuple[int, tuple, str]] = []
        self.errors: list[dict[str, Any]] = []
        self.created_ids: list[int] = []
        self.valid = 0

    def refuse(self, row: RowResult, errors: list[tuple[str, str]]) -> None:
        self.refused.append((row.number, row.values, "; ".join(f"{col}: {msg}" for col, msg in errors)))
        for column, message in errors:
            if len(self.errors) < ImportJob.MAX_STORED_ERRORS:
                self.errors.append({"row": row.number, "column": column, "message": str(message)})

    def unit(self, name: str) -> WorkUnit | None:
        name = " ".join(name.split())[:200]
        if not name:
            return None
        key = name.lower()
        if key not in self.units:
            self.units[key], _created = WorkUnit.objects.get_or_create(agency=self.agency, name=name)
        return self.units[key]

    def batch(self, rows: list[RowResult]) -> None:
        """Refuse NIKs held in the period, insert the rest."""
        niks = [r.data["nik"] for r in rows]
        holders = dict(
            WorkerRecord.objects.filter(period=self.period, nik__in=niks)
            .exclude(status=Status.RELEASED)
            .values_list("nik", "agency__name")
        )
        own_name = self.agency.name
        to_create: list[dict[str, Any]] = []
        for row in rows:
            data = row.data
            holder = holders.get(data["nik"])
            if holder is not None:
                if holder == own_name:
                    message = _("This NIK is already registered by your agency; the row was skipped.")
                else:
                    message = _(
                        "This NIK is already registered in this period by %(agency)s. It can be registered "
                        "here only after that agency releases it."
                    ) % {"agency": holder}
                self.refuse(row, [(COLUMN_BY_FIELD["nik"].header, message)])
                continue
            unit = self.unit(data.pop("work_unit_name"))
            data["work_unit_id"] = unit.pk if unit else None
            data["flags"] = eligibility_flags(_Facts(data, unit), self.period)
            to_create.append(data)
        if to_create:
            self._insert(to_create)
            self.valid += len(to_create)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [WorkerRecord._meta.db_table, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
        common = {
            "agency_id": self.agency.pk,
            "period_id": self.period.pk,
            "status": Status.REGISTERED.value,
            "created_by_id": self.job.created_by_id,
            "created_at": now,
        }
        for pk, row in zip(ids, rows, strict=True):
            row.update(common, id=pk)
        for attempt in range(3):
            for row in rows:
                row["registration_number"] = new_registration_number(self.period)
                row["card_token"] = secrets.token_urlsafe(24)
            try:
                with transaction.atomic():
                    copy_into(WorkerRecord, rows, now=now)
                break
            except IntegrityError as exc:
                # A registration number drawn twice (rare): draw new ones and retry the batch.
                if "registration_number" not in str(exc) or attempt == 2:
                    raise
        self.created_ids.extend(ids)
        audit = [
            {
                "actor_id": self.job.created_by_id,
                "action": "record:register",
                "object_type": "registry.workerrecord",
                "object_id": str(pk),
                "record_id": pk,
                "agency_id": self.agency.pk,
                "after": {"status": Status.REGISTERED.value, "import": self.job.pk},
                "created_at": now,
            }
            for pk in ids
        ]
        copy_into(AuditEvent, audit, now=now, with_pk=False)


class _Facts:
    """What the eligibility rules read, without building a model instance per row."""

    __slots__ = ("category", "birth_date", "start_date", "sk_date", "pay_source", "position", "work_unit")

    def __init__(self, data: dict[str, Any], unit: WorkUnit | None):
        for name in self.__slots__[:-1]:
            setattr(self, name, data[name])
        self.work_unit = unit


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        value = "{" + ",".join(f'"{v}"' for v in value) + "}"
    elif isinstance(value, dict):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_into(model, rows: list[dict[str, Any]], *, now: dt.datetime, with_pk: bool = True) -> None:
    """Insert many rows with PostgreSQL COPY: the ORM's bulk_create spends most of an import
    preparing values field by field; COPY takes the rows as text. Columns not given get the
    model's default (auto_now fields: `now`)."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif not f.primary_key and not callable(getattr(f, "default", None)):
            defaults[f.attname] = f.get_default()
    buffer = io.StringIO()
    for row in rows:
        values = []
        for f in fields:
            name = f.attname
            if name in row:
                value = row[name]
            elif name in defaults:
                value = defaults[name]
            else:
                value = f.get_default()
            values.append(_copy_text(value))
        buffer.write("\t".join(values))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)


def _refused_workbook(header: tuple, refused: list[tuple[int, tuple, str]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["Baris Asal", *[_text(h) for h in header], ERROR_HEADER])
    for number, values, message in refused:
        ws.append([number, *[spreadsheet_safe(v) for v in values], spreadsheet_safe(message)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _save_progress(job: ImportJob, run: _Run, processed: int) -> None:
    job.processed_rows = processed
    job.valid_rows = run.valid
    job.refused_rows = len(run.refused)
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=processed, valid_rows=run.valid, refused_rows=len(run.refused)
    )


def import_run(*, job_id: int) -> ImportJob:
    """Import one uploaded file. Valid rows are saved in batches; refused ones are reported."""
    job = ImportJob.objects.select_related("agency", "period").get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    try:
        with job.file.open("rb") as fh:
            wb, ws = _open_sheet(fh)
            try:
                _import_sheet(job, ws)
            finally:
                wb.close()
    except ImportRefused as exc:
        job.status, job.message, job.finished_at = ImportJob.Status.FAILED, str(exc), timezone.now()
        job.save(update_fields=["status", "message", "finished_at"])
    except Exception:
        job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
        job.message = _("The import stopped because of an internal error. Rows saved so far are kept.")
        job.save(update_fields=["status", "message", "finished_at"])
        raise
    return job


def _import_sheet(job: ImportJob, ws) -> None:
    rows = ws.iter_rows()
    header = next(rows, None)
    if not header or not any(header):
        raise ImportRefused(_("The file is empty: the first row must hold the column names."))
    header = tuple(header)
    index = _header_index(header)
    total = max(0, ws.height - 1)
    if total > MAX_ROWS:
        raise ImportRefused(
            _(
                "The file has %(rows)d rows; at most %(limit)d are accepted per file. Split it into several files."
            )
            % {"rows": total, "limit": MAX_ROWS}
        )
    job.total_rows = total
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
    try:
        require_input_open(agency=job.agency, period=job.period)
    except ValidationError as exc:
        raise ImportRefused(exc.messages[0]) from None

    run = _Run(job)
    started = time.monotonic()
    today = timezone.localdate()
    pending: list[RowResult] = []
    processed = 0
    for number, values in _rows(rows):
        row = _parse_row(number, values, index, today)
        processed += 1
        if row.data is None:
            run.refuse(row, row.errors)
        else:
            first = run.seen_nik.get(row.data["nik"])
            if first is not None:
                run.refuse(
                    row,
                    [
                        (
                            COLUMN_BY_FIELD["nik"].header,
                            _("The same NIK is already in row %(row)d of this file.") % {"row": first},
                        )
                    ],
                )
            else:
                run.seen_nik[row.data["nik"]] = number
                pending.append(row)
        if len(pending) >= CHUNK:
            run.batch(pending)
            pending = []
            _save_progress(job, run, min(processed, total) if total else 0)
    if pending:
        run.batch(pending)
    if processed == 0:
        raise ImportRefused(_("The file has no data rows. Fill in one row per worker below the header row."))

    read_seconds = time.monotonic() - started
    flagged = flag_possible_duplicates(period=job.period, record_ids=run.created_ids)
    logger.info(
        "import %s: %d rows, %d saved, %d refused in %.1f s; %d flagged as possible duplicates in %.1f s",
        job.pk, processed, run.valid, len(run.refused), read_seconds, flagged,
        time.monotonic() - started - read_seconds,
    )  # fmt: skip
    if run.refused:
        job.refused_file.save("refused.xlsx", ContentFile(_refused_workbook(header, run.refused)), save=False)
    job.total_rows = processed
    job.processed_rows = processed
    job.valid_rows = run.valid
    job.refused_rows = len(run.refused)
    job.errors = run.errors
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    AuditEvent.log(
        actor=job.created_by,
        action="import:done",
        obj=job,
        after={"valid": run.valid, "refused": len(run.refused)},
    )
