"""The XLSX file format of the import: its columns and the template operators download.

The example row lives on its own sheet ("Contoh"): a template uploaded unchanged has no data
rows, so the example can never become a worker. (Older templates had it on the Data sheet; the
parser still skips a row identical to it.)
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from registry.models import EducationLevel

MAX_ROWS = settings.IMPORT_MAX_ROWS  # one setting: the page, the check and the template read it
DATA_SHEET = "Data"
EXAMPLE_SHEET = "Contoh"
REFERENCE_SHEETS = ("Pendidikan", "Kategori", "Sumber Gaji", "Jenis Kelamin", "Petunjuk")


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


def _header_row(ws, columns: tuple[Column, ...]) -> None:
    ws.append([c.header for c in columns])
    from openpyxl.styles import Font, PatternFill  # imported here: see import_template

    bold = Font(bold=True, color="FFFFFF")
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="0B4F8A" if column.required else "5B7FA6")
        ws.column_dimensions[cell.column_letter].width = max(14, len(column.header) + 4)
        if column.kind == "date" or column.field in ("nik", "kk", "phone"):
            ws.column_dimensions[cell.column_letter].number_format = "@"
    ws.freeze_panes = "A2"


def import_template() -> bytes:
    """The XLSX template: an empty Data sheet (header only), the example on its own sheet, and
    reference sheets."""
    # openpyxl imported here, not at the top: ~0.15 s that every process start would pay.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    _header_row(ws, COLUMNS)
    example = wb.create_sheet(EXAMPLE_SHEET)
    _header_row(example, COLUMNS)
    example.append([c.example for c in COLUMNS])
    example.sheet_properties.tabColor = "999999"
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
        "Isi satu baris per tenaga non-ASN pada lembar Data, mulai baris 2.",
        "Lembar Contoh hanya menunjukkan cara mengisi; lembar itu tidak pernah diimpor.",
        "Kolom berwarna biru tua wajib diisi. Tanggal ditulis HH-BB-TTTT, misalnya 31-12-2021.",
        "NIK dan Nomor KK 16 angka; ketik sebagai teks agar angka tidak berubah.",
        "Jenis Kelamin: L atau P. Kategori: THK-II atau Non-ASN. Sumber Gaji: APBN, APBD atau Lainnya.",
        "Pendidikan Terakhir: lihat lembar Pendidikan.",
        "Baris yang ditolak dapat diunduh kembali, diperbaiki, lalu diunggah ulang.",
        "Mengunggah ulang berkas yang sama aman: NIK yang sudah terdaftar di instansi Anda dilewati.",
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
