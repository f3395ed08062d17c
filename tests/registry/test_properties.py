"""Property-based tests (hypothesis) of the NIK/KK validator and the XLSX row parser.

Two promises, over generated input instead of hand-picked examples:
- nothing crashes them: any text is either accepted or refused with a ValidationError (validator),
  any row of cell values gives a row result with data or with errors (parser);
- a NIK built from a region, a birth date, a sex and a serial is accepted and decodes back to the
  same parts, however it is typed (spaces as on the card, surrounding blanks), through the validator
  and through the import.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.services import imports
from registry.services.imports.parse import parse_row
from registry.validators import (
    FEMALE,
    MALE,
    PROVINCE_CODES,
    mask_number,
    nik_mismatches,
    parse_nik,
    validate_identity,
    validate_kk,
    validate_nik,
)

INDEX = {column.field: position for position, column in enumerate(imports.COLUMNS)}
TODAY = dt.date.today()

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- Strategies ----------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
region_codes = st.builds(
    lambda province, regency, district: province + regency + district,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(1, 99).map("{:02d}".format),
    st.integers(1, 99).map("{:02d}".format),
)
# A NIK holds only the year's last two digits: the validator reads them as the latest year up to
# now, so the dates that decode back exactly are those of the last hundred years.
birth_dates = st.dates(min_value=dt.date(TODAY.year - 99, 1, 1), max_value=TODAY)
sexes = st.sampled_from([MALE, FEMALE])
serials = st.integers(1, 9999).map("{:04d}".format)


def build_nik(region: str, birth_date: dt.date, sex: str, serial: str) -> str:
    day = birth_date.day + (40 if sex == FEMALE else 0)
    return f"{region}{day:02d}{birth_date:%m}{birth_date:%y}{serial}"


valid_niks = st.builds(
    lambda region, birth_date, sex, serial: (
        build_nik(region, birth_date, sex, serial),
        region,
        birth_date,
        sex,
        serial,
    ),
    region_codes,
    birth_dates,
    sexes,
    serials,
)
# A KK: region, six digits (the issue date), and a serial that is never 0000 (validate_kk's rule).
valid_kks = st.builds(
    lambda region, issued, serial: region + issued + serial,
    region_codes,
    st.integers(0, 999_999).map("{:06d}".format),
    st.integers(1, 9999).map("{:04d}".format),
)


def typed_as_on_the_card(number: str) -> st.SearchStrategy[str]:
    """The same number as people type it: grouped by spaces (4-4-4-4 or 6-6-4), blanks around."""
    groupings = st.sampled_from(
        [
            number,
            " ".join(number[i : i + 4] for i in range(0, 16, 4)),
            f"{number[:6]} {number[6:12]} {number[12:]}",
        ]
    )
    return st.builds(
        lambda text, before, after: before + text + after,
        groupings,
        st.sampled_from(["", " ", "  "]),
        st.sampled_from(["", " ", "\t"]),
    )


# Digits of every Unicode kind: ASCII, full-width, Arabic-Indic, superscripts, circled (some of them
# pass str.isdigit() and still are no decimal digits), and the separators people type.
digit_chars = st.one_of(
    st.sampled_from("0123456789"),
    st.sampled_from("\u00b2\u00b3\u00b9\u2074\u2070\u2460\u0663\uff10\uff15\u06f5\u07c7"),
    st.characters(categories=["Nd", "No"]),
)
digit_like_text = st.text(alphabet=st.one_of(digit_chars, st.sampled_from(" .,-")), max_size=20)
# Text that looks like a NIK more often than random text would.
nik_like_text = st.one_of(
    st.text(),
    digit_like_text,
    st.text(alphabet="0123456789 .-", min_size=14, max_size=20),
    st.text(alphabet="0123456789", min_size=16, max_size=16),
    st.builds(
        lambda nik, position, char: nik[:position] + char + nik[position + 1 :],
        valid_niks.map(lambda built: built[0]),
        st.integers(0, 15),
        digit_chars,
    ),
)

# What a spreadsheet reader hands over for a cell.
cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    nik_like_text,
    digit_like_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.sampled_from(
        ["L", "P", "THK-II", "Non-ASN", "APBD", "S1", "31-12-2021", "29-02-2023", "2.500.000", "²"]
    ),
)
rows = st.lists(cell_values, min_size=0, max_size=len(imports.COLUMNS) + 3).map(tuple)


def valid_row(nik: str, birth_date: dt.date, sex: str, kk: str) -> tuple:
    values: list = [None] * len(imports.COLUMNS)
    values[INDEX["nik"]] = nik
    values[INDEX["kk"]] = kk
    values[INDEX["full_name"]] = "Siti Aminah"
    values[INDEX["birth_place"]] = "Bandung"
    values[INDEX["birth_date"]] = birth_date.strftime("%d-%m-%Y")
    values[INDEX["sex"]] = "P" if sex == FEMALE else "L"
    values[INDEX["position"]] = "Guru"
    return tuple(values)


# --- The validator ---------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(value=st.one_of(st.none(), nik_like_text))
def test_nik_validator_accepts_or_refuses_any_text_with_a_validation_error(value):
    try:
        parts = parse_nik(value)
    except ValidationError as exc:
        assert exc.messages  # a message a person can read, never an empty refusal
        return
    # Accepted: then it really is 16 ASCII digits (after the blanks a person may type).
    cleaned = "".join((value or "").split())
    assert len(cleaned) == 16 and cleaned.isascii() and cleaned.isdigit()
    assert parts.region == cleaned[:6] and parts.serial == cleaned[12:]


@PROPERTY_SETTINGS
@given(value=nik_like_text)
def test_kk_validator_accepts_or_refuses_any_text_with_a_validation_error(value):
    try:
        validate_kk(value)
    except ValidationError as exc:
        assert exc.messages
        return
    cleaned = "".join(value.split())
    assert len(cleaned) == 16 and cleaned.isascii() and cleaned.isdigit()


@PROPERTY_SETTINGS
@given(
    nik=nik_like_text,
    kk=nik_like_text,
    birth_date=st.one_of(st.none(), st.dates()),
    sex=st.one_of(st.none(), sexes, st.text(max_size=2)),
)
def test_identity_check_refuses_only_with_field_errors(nik, kk, birth_date, sex):
    try:
        validate_identity(nik=nik, kk=kk, birth_date=birth_date, sex=sex)
    except ValidationError as exc:
        assert set(exc.message_dict) <= {"nik", "kk", "birth_date", "sex"}


@PROPERTY_SETTINGS
@given(value=st.one_of(st.none(), nik_like_text))
def test_masking_never_shows_the_birth_date_digits(value):
    masked = mask_number(value)
    cleaned = (value or "").strip().replace(" ", "")
    assert len(masked) == len(cleaned)
    if len(cleaned) == 16:
        # At most the first 6 (region) and the last 2 digits show; the birth date (digits 7-12) never.
        assert masked[6:14] == "********"


@PROPERTY_SETTINGS
@given(built=valid_niks, data=st.data())
def test_every_built_nik_is_accepted_and_decodes_to_what_built_it(built, data):
    nik, region, birth_date, sex, serial = built
    typed = data.draw(typed_as_on_the_card(nik))
    validate_nik(typed)
    parts = parse_nik(typed)
    assert (parts.region, parts.birth_date, parts.sex, parts.serial) == (region, birth_date, sex, serial)
    # Round trip: the parts give back the same 16 digits.
    assert build_nik(parts.region, parts.birth_date, parts.sex, parts.serial) == nik
    assert nik_mismatches(typed, birth_date=birth_date, sex=sex) == {}


@PROPERTY_SETTINGS
@given(built=valid_niks, other_sex=sexes)
def test_a_built_nik_disagrees_with_the_other_sex(built, other_sex):
    nik, _region, birth_date, sex, _serial = built
    mismatches = nik_mismatches(nik, birth_date=birth_date, sex=other_sex)
    assert ("sex" in mismatches) == (other_sex != sex)
    assert "birth_date" not in mismatches


# --- The XLSX row parser ---------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(values=rows)
def test_row_parser_gives_a_result_for_any_row(values):
    result = parse_row(7, values, INDEX, TODAY)
    assert result.number == 7
    assert (result.data is None) == bool(result.errors)
    headers = {column.header for column in imports.COLUMNS}
    for header, message in result.errors:
        assert header in headers and message
    if result.data is not None:
        nik = result.data["nik"]
        assert len(nik) == 16 and nik.isascii() and nik.isdigit()


@PROPERTY_SETTINGS
@given(
    values=rows,
    index=st.dictionaries(st.sampled_from([c.field for c in imports.COLUMNS]), st.integers(0, 40)),
)
def test_row_parser_survives_any_column_layout(values, index):
    result = parse_row(2, values, index, TODAY)
    assert (result.data is None) == bool(result.errors)


@PROPERTY_SETTINGS
@given(built=valid_niks, kk=valid_kks, data=st.data())
def test_a_row_with_a_built_nik_is_accepted_with_the_same_sixteen_digits(built, kk, data):
    nik, _region, birth_date, sex, _serial = built
    typed = data.draw(typed_as_on_the_card(nik))
    result = parse_row(2, valid_row(typed, birth_date, sex, kk), INDEX, TODAY)
    assert result.errors == []
    assert result.data["nik"] == nik
    assert result.data["kk"] == kk
    assert result.data["birth_date"] == birth_date
    assert result.data["sex"] == sex


@PROPERTY_SETTINGS
@given(
    built=valid_niks,
    kk=valid_kks,
    field=st.sampled_from([column.field for column in imports.COLUMNS]),
    value=cell_values,
)
def test_one_odd_cell_in_a_valid_row_is_accepted_or_refused_by_its_column(built, kk, field, value):
    nik, _region, birth_date, sex, _serial = built
    values = list(valid_row(nik, birth_date, sex, kk))
    values[INDEX[field]] = value
    result = parse_row(2, tuple(values), INDEX, TODAY)
    assert (result.data is None) == bool(result.errors)


@PROPERTY_SETTINGS
@given(value=st.one_of(digit_like_text, st.integers(), st.floats()))
def test_the_pay_column_reads_a_whole_number_or_says_what_is_wrong(value):
    values = [None] * len(imports.COLUMNS)
    values[INDEX["monthly_pay"]] = value
    result = parse_row(2, tuple(values), INDEX, TODAY)
    pay_header = imports.COLUMN_BY_FIELD["monthly_pay"].header
    pay_errors = [message for header, message in result.errors if header == pay_header]
    assert result.data is None  # the required columns are empty
    if not pay_errors:
        text = str(value).replace(".", "").replace(",", "").strip()
        assert text == "" or text.isascii()
