from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from registry.validators import (
    mask_number,
    nik_mismatches,
    parse_nik,
    validate_identity,
    validate_kk,
    validate_nik,
)
from tests.factories import make_kk, make_nik


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_valid_male_nik_is_parsed():
    parts = parse_nik("3273011705900001")
    assert parts.region == "327301"
    assert parts.birth_date == dt.date(1990, 5, 17)
    assert parts.sex == "M"
    assert parts.serial == "0001"


def test_womans_nik_has_forty_added_to_the_day():
    parts = parse_nik("3273015705900001")  # day 57 = 17 + 40
    assert parts.birth_date == dt.date(1990, 5, 17)
    assert parts.sex == "F"


def test_nik_born_after_2000_gets_this_century():
    assert parse_nik("3273010103020001").birth_date == dt.date(2002, 3, 1)


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("327301170590001", "16 digit"),  # 15 digits
        ("32730117059000011", "16 digit"),  # 17 digits
        ("3273O11705900001", "16 digit"),  # letter O
        ("", "16 digit"),
        ("9973011705900001", "kode wilayah"),  # province 99 does not exist
        ("3200011705900001", "kode wilayah"),  # regency 00
        ("3273013205900001", "tanggal lahir"),  # day 32
        ("3273017205900001", "tanggal lahir"),  # day 72 = 32 + 40
        ("3273011713900001", "tanggal lahir"),  # month 13
        ("3273013002900001", "tanggal lahir"),  # 30 February
        ("3273011705900000", "0000"),
    ],
)
def test_malformed_nik_is_refused_with_indonesian_message(nik, expected):
    with pytest.raises(ValidationError) as exc:
        validate_nik(nik)
    assert expected in messages(exc.value)


def test_nik_message_counts_what_was_entered():
    with pytest.raises(ValidationError) as exc:
        validate_nik("12345")
    assert messages(exc.value) == "NIK harus tepat 16 digit angka (Anda memasukkan 5 karakter)."


@pytest.mark.parametrize(
    "kk", ["327301010120000", "3273010101200000", "9973010101200001", "32730101012000a1"]
)
def test_malformed_kk_is_refused(kk):
    with pytest.raises(ValidationError) as exc:
        validate_kk(kk)
    assert "KK" in messages(exc.value)


def test_valid_kk_passes():
    validate_kk(make_kk())


def test_nik_agreeing_with_birth_date_and_sex_has_no_mismatch():
    nik = make_nik(dt.date(1985, 12, 3), "F")
    assert nik_mismatches(nik, birth_date=dt.date(1985, 12, 3), sex="F") == {}


def test_nik_disagreeing_with_birth_date_names_both_dates():
    nik = make_nik(dt.date(1985, 12, 3), "M")
    errors = nik_mismatches(nik, birth_date=dt.date(1985, 12, 4), sex="M")
    assert set(errors) == {"birth_date"}
    assert "04-12-1985" in errors["birth_date"]
    assert "03-12-85" in errors["birth_date"]
    assert "tidak sesuai dengan NIK" in errors["birth_date"]


def test_womans_nik_entered_as_man_is_a_sex_mismatch():
    nik = make_nik(dt.date(1985, 12, 3), "F")
    errors = nik_mismatches(nik, birth_date=dt.date(1985, 12, 3), sex="M")
    assert set(errors) == {"sex"}
    assert "perempuan" in errors["sex"]


def test_mans_nik_entered_as_woman_is_a_sex_mismatch():
    nik = make_nik(dt.date(1985, 12, 3), "M")
    assert set(nik_mismatches(nik, birth_date=dt.date(1985, 12, 3), sex="F")) == {"sex"}


def test_validate_identity_reports_every_field_at_once():
    nik = make_nik(dt.date(1990, 1, 1), "M")
    with pytest.raises(ValidationError) as exc:
        validate_identity(nik=nik, kk="123", birth_date=dt.date(1991, 1, 1), sex="F")
    assert set(exc.value.message_dict) == {"kk", "birth_date", "sex"}


def test_mask_shows_at_most_the_first_six_and_last_two_digits():
    assert mask_number("3273015705900001") == "327301********01"
    assert "570590" not in mask_number("3273015705900001")  # the birth date stays hidden


def test_mask_of_short_value_hides_everything():
    assert mask_number("1234") == "****"
    assert mask_number(None) == ""
