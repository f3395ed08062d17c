"""NIK and KK: the one place that knows their shape, and the one masking function.

A NIK (Nomor Induk Kependudukan) is 16 digits: 2 province + 2 regency/city + 2 district (the
region), then the birth date as DDMMYY with 40 added to the day for women, then a 4-digit serial.
A KK (Kartu Keluarga) number is also 16 digits and starts with the same kind of region code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# ASCII digits only (Python's \d also takes e.g. full-width digits, which the database's CHECK refuses).
SIXTEEN_DIGITS = re.compile(r"^[0-9]{16}\Z")

# Province codes of Kemendagri (including the Papua provinces created in 2022).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

MALE = "M"
FEMALE = "F"


@dataclass(frozen=True)
class NikParts:
    region: str
    birth_date: dt.date
    sex: str  # MALE or FEMALE
    serial: str


_NUMBER_NOISE = re.compile(r"[\s.]+")


def identity_number(value: str | None) -> str:
    """A NIK or KK number as typed from the card ("3273 0164.1283 0432"): spaces and dots dropped.

    The one normaliser of every path that takes one: the agency's form, the XLSX import, the worker's
    identity check."""
    return _NUMBER_NOISE.sub("", value or "")


def _clean(value: str | None) -> str:
    return (value or "").strip().replace(" ", "")


def _check_region(value: str, label: Callable[[], str]) -> None:
    # `label` is called only for the message: translating it for every valid number (a bulk
    # upsert's or an import's thousands) costs more than the check.
    if value[:2] not in PROVINCE_CODES or value[2:4] == "00" or value[4:6] == "00":
        raise ValidationError(
            _(
                "%(label)s starts with region code %(region)s, which is not a valid region. Check the number against the card."
            )
            % {"label": label(), "region": value[:6]},
            code="region",
        )


def _century_year(yy: int, today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    year = 2000 + yy
    return year if year <= today.year else 1900 + yy


def parse_nik(value: str | None) -> NikParts:
    """Split a NIK into its parts, or raise ValidationError saying what is wrong."""
    nik = _clean(value)
    if not SIXTEEN_DIGITS.match(nik):
        raise ValidationError(
            _("NIK must be exactly 16 digits (you entered %(count)d characters).") % {"count": len(nik)},
            code="format",
        )
    _check_region(nik, lambda: "NIK")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = MALE
    if day > 40:
        day -= 40
        sex = FEMALE
    try:
        birth_date = dt.date(_century_year(yy), month, day)
    except ValueError:
        raise ValidationError(
            _(
                "Digits 7 to 12 of the NIK (%(digits)s) are not a valid birth date. Check the number against the KTP."
            )
            % {"digits": nik[6:12]},
            code="birth_date",
        ) from None
    if nik[12:] == "0000":
        raise ValidationError(_("The last four digits of the NIK cannot be 0000."), code="serial")
    return NikParts(region=nik[:6], birth_date=birth_date, sex=sex, serial=nik[12:])


def validate_nik(value: str) -> None:
    """Model/form field validator: the NIK's own shape (16 digits, region, embedded date)."""
    parse_nik(value)


def validate_kk(value: str) -> None:
    kk = _clean(value)
    if not SIXTEEN_DIGITS.match(kk):
        raise ValidationError(
            _("KK number must be exactly 16 digits (you entered %(count)d characters).") % {"count": len(kk)},
            code="format",
        )
    _check_region(kk, lambda: _("KK number"))
    if kk[12:] == "0000":
        raise ValidationError(_("The last four digits of the KK number cannot be 0000."), code="serial")


def nik_mismatches(nik: str, *, birth_date: dt.date | None, sex: str | None) -> dict[str, str]:
    """Compare a well-formed NIK with the entered birth date and sex.

    Returns {field name: Indonesian message} for each disagreement; empty when they agree.
    The century is not encoded in a NIK, so only day, month and the last two digits of the year count.
    """
    return _mismatches(parse_nik(nik), nik, birth_date=birth_date, sex=sex)


def _mismatches(parts: NikParts, nik: str, *, birth_date: dt.date | None, sex: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if birth_date is not None:
        same = (
            parts.birth_date.day == birth_date.day
            and parts.birth_date.month == birth_date.month
            and parts.birth_date.year % 100 == birth_date.year % 100
        )
        if not same:
            errors["birth_date"] = _(
                "Date of birth %(entered)s does not match the NIK, which encodes %(encoded)s. "
                "Correct the date of birth or the NIK."
            ) % {
                "entered": birth_date.strftime("%d-%m-%Y"),
                "encoded": parts.birth_date.strftime("%d-%m-") + nik.strip()[10:12],
            }
    if sex in (MALE, FEMALE) and sex != parts.sex:
        errors["sex"] = (
            _("The NIK is a woman's (birth day + 40) but the sex entered is male.")
            if parts.sex == FEMALE
            else _(
                "The NIK is a man's but the sex entered is female (a woman's NIK has 40 added to the birth day)."
            )
        )
    return errors


def validate_identity(*, nik: str, kk: str, birth_date: dt.date | None, sex: str | None) -> None:
    """All hard identity checks at once; raises ValidationError with a dict of field errors."""
    errors: dict[str, list[ValidationError]] = {}
    parts = None
    try:
        parts = parse_nik(nik)  # once: the NIK's shape and what it encodes
    except ValidationError as exc:
        errors["nik"] = [exc]
    try:
        validate_kk(kk)
    except ValidationError as exc:
        errors["kk"] = [exc]
    if parts is not None:
        for field, message in _mismatches(parts, nik, birth_date=birth_date, sex=sex).items():
            errors.setdefault(field, []).append(ValidationError(message, code="nik_mismatch"))
    if errors:
        raise ValidationError(errors)


# The one masking rule (issue 10: at most the first 6 and the last 2 digits visible).
MASK_KEEP_START = 6
MASK_KEEP_END = 2


def mask_number(value: str | None) -> str:
    """Show a NIK or KK in part: the region (first 6 digits) and the last 2 (`320101********01`).

    The birth date (digits 7-12) and most of the serial are always hidden. Every page, PDF and export
    uses this (or `mask_number_sql`, the same rule for set-based copies in SQL).
    """
    value = _clean(value)
    if len(value) <= MASK_KEEP_START + MASK_KEEP_END:
        return "*" * len(value)
    return (
        value[:MASK_KEEP_START]
        + "*" * (len(value) - MASK_KEEP_START - MASK_KEEP_END)
        + value[-MASK_KEEP_END:]
    )


def mask_number_sql(column: str) -> str:
    """`mask_number` as a PostgreSQL expression over `column` (a trusted column name, never input)."""
    keep = MASK_KEEP_START + MASK_KEEP_END
    return (
        f"CASE WHEN length({column}) <= {keep} THEN repeat('*', length({column})) "
        f"ELSE left({column}, {MASK_KEEP_START}) || repeat('*', length({column}) - {keep}) "
        f"|| right({column}, {MASK_KEEP_END}) END"
    )


mask_nik = mask_number
mask_kk = mask_number
