"""Reading an uploaded import file and checking its rows: pure, no database.

The archive is checked first (`archive`); then the sheet is opened and each row is turned into
model values with the same rules as the one-worker form (validators, date rules), or into a list
of (column, message) errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from registry.date_rules import date_errors
from registry.models import Category, EducationLevel, PaySource, Sex, WorkerRecord
from registry.services.imports.archive import ImportRefused, not_xlsx
from registry.services.imports.template import (
    COLUMN_BY_FIELD,
    COLUMNS,
    DATA_SHEET,
    EXAMPLE_SHEET,
    REFERENCE_SHEETS,
)
from registry.validators import identity_number, nik_mismatches, validate_kk, validate_nik

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
# Control characters (NUL included: PostgreSQL cannot store it in text) and lone surrogates
# (which cannot be encoded); tab and line breaks are whitespace and are folded into spaces.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_EXAMPLE = {c.field: str(c.example) for c in COLUMNS if c.field in ("nik", "kk", "full_name")}


def open_sheet(fileobj: BinaryIO):
    """The sheet named Data (or the first one that is neither the example nor a reference sheet).
    calamine (Rust) reads a 50,000-row sheet in about a second, where openpyxl's read-only mode
    takes twenty; the import is bound by this step otherwise. Call check_archive first."""
    try:
        wb = CalamineWorkbook.from_filelike(fileobj)
        names = wb.sheet_names
    except Exception:  # calamine raises several kinds for a broken file
        raise ImportRefused(not_xlsx()) from None
    candidates = [n for n in names if n not in (EXAMPLE_SHEET, *REFERENCE_SHEETS)]
    name = DATA_SHEET if DATA_SHEET in names else (candidates[0] if candidates else None)
    if name is None:
        wb.close()
        raise ImportRefused(
            _(
                "The file has no Data sheet. Fill in the Data sheet of the template; the Contoh sheet is never imported."
            )
        )
    try:
        return wb, wb.get_sheet_by_name(name)
    except Exception:
        wb.close()
        raise ImportRefused(not_xlsx()) from None


# --- Rows --------------------------------------------------------------------------------------


def text_of(value: Any) -> str:
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
    text = text_of(value)
    if len(text) == 10 and text[2] == "-" and text[5] == "-" and text.replace("-", "").isdigit():
        try:
            return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))  # the usual DD-MM-YYYY, fast
        except ValueError:
            raise ValueError(text) from None
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
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    is_example: bool = False


def header_index(header: Iterable[Any]) -> dict[str, int]:
    by_header = {c.header.lower(): c.field for c in COLUMNS}
    index: dict[str, int] = {}
    for pos, value in enumerate(header):
        name = by_header.get(text_of(value).lower())
        if name and name not in index:
            index[name] = pos
    missing = [c.header for c in COLUMNS if c.required and c.field not in index]
    if missing:
        raise ImportRefused(
            _("Required columns are missing: %(columns)s. Use the template's header row.")
            % {"columns": ", ".join(missing)}
        )
    return index


def data_rows(rows: Iterator[list]) -> Iterator[tuple[int, tuple]]:
    """(row number in the sheet, values) of each row that is not blank; the header row is 1."""
    for number, values in enumerate(rows, start=2):
        if values and any(v not in (None, "") for v in values):
            yield number, tuple(values)


def parse_row(number: int, values: tuple, index: dict[str, int], today: dt.date) -> RowResult:
    """One sheet row -> model values, or the errors that refuse it (nothing here asks the database)."""
    errors: list[tuple[str, str]] = []
    data: dict[str, Any] = {}

    def err(name: str, message: str) -> None:
        errors.append((COLUMN_BY_FIELD[name].header, message))

    for column in COLUMNS:
        pos = index.get(column.field)
        raw = values[pos] if pos is not None and pos < len(values) else None
        if isinstance(raw, str) and CONTROL_CHARACTERS.search(raw):
            err(
                column.field,
                _(
                    "This cell holds a control character (such as NUL) that cannot be saved. Retype the value."
                ),
            )
            data[column.field] = None if column.kind in ("date", "int") else ""
            continue
        if column.kind == "date":
            try:
                value = _date(raw)
            except ValueError:
                err(column.field, _("Not a date. Write it as DD-MM-YYYY, e.g. 31-12-2021."))
                data[column.field] = None
                continue
        elif column.kind == "int":
            text = text_of(raw).replace(".", "").replace(",", "")
            value = None
            if text:
                if text.isascii() and text.isdigit():
                    value = int(text)
                else:
                    err(column.field, _("Write a whole number of rupiah, without letters."))
        else:
            value = text_of(raw)
        if column.required and (value is None or value == ""):
            err(column.field, _("This column is required."))
        data[column.field] = value

    nik, kk = identity_number(data["nik"]), identity_number(data["kk"])  # as the form takes them
    data["nik"], data["kk"] = nik, kk
    if nik == _EXAMPLE["nik"] and kk == _EXAMPLE["kk"] and data["full_name"] == _EXAMPLE["full_name"]:
        # The example row of an older template that kept it on the Data sheet.
        return RowResult(number, values, None, [], is_example=True)
    if nik and not nik.isascii():
        err("nik", _("Use only the digits 0-9; the cell holds other characters (e.g. full-width digits)."))
        nik = ""
    elif nik:
        try:
            validate_nik(nik)
        except ValidationError as exc:
            err("nik", exc.messages[0])
            nik = ""
    if kk and not kk.isascii():
        err("kk", _("Use only the digits 0-9; the cell holds other characters (e.g. full-width digits)."))
    elif kk:
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
        for name, message in nik_mismatches(nik, birth_date=data["birth_date"], sex=sex).items():
            err(name, message)
    dates = {column.field: data[column.field] for column in COLUMNS if column.kind == "date"}
    for name, messages in date_errors(dates, today=today).items():
        for message in messages:
            err(name, message)
    for name, limit in _TEXT_LIMITS.items():
        if len(data[name] or "") > limit:
            err(name, _("Too long: at most %(limit)d characters.") % {"limit": limit})
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            err("email", _("Not a valid e-mail address."))
    if data["monthly_pay"] is not None and data["monthly_pay"] > MAX_MONTHLY_PAY:
        err("monthly_pay", _("The monthly pay is implausibly high; check the number."))
    return RowResult(number, values, None if errors else data, errors)
