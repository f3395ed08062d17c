from __future__ import annotations

import datetime as dt

import pytest

from registry.models import Flag, WorkerRecord, WorkUnit
from registry.services.records import WorkerData, worker_register
from tests.factories import WorkerRecordFactory, make_kk, make_nik

pytestmark = pytest.mark.django_db


def register(agency, period, operator, **overrides) -> WorkerRecord:
    birth = overrides.pop("birth_date", dt.date(1990, 5, 17))
    fields = {
        "nik": make_nik(birth, "M", serial=overrides.pop("serial", 1)),
        "kk": make_kk(serial=7),
        "full_name": "Budi Santoso",
        "birth_place": "Bandung",
        "birth_date": birth,
        "sex": "M",
        "position": "Guru",
        "pay_source": "APBD",
        "sk_date": dt.date(2019, 1, 2),
        "start_date": dt.date(2019, 1, 2),
    }
    fields.update(overrides)
    return worker_register(agency=agency, period=period, data=WorkerData(**fields), actor=operator)


def test_a_worker_meeting_every_rule_has_no_flags(agency, period, operator):
    assert register(agency, period, operator).flags == []


@pytest.mark.parametrize(
    ("birth_date", "flagged"),
    [
        (dt.date(2002, 1, 1), True),  # 19 on 31-12-2021
        (dt.date(2001, 12, 31), False),  # exactly 20
        (dt.date(1965, 1, 1), False),  # 56
        (dt.date(1964, 12, 30), True),  # 57
    ],
)
def test_age_outside_range_on_cutoff_is_flagged(agency, period, operator, birth_date, flagged):
    record = register(agency, period, operator, birth_date=birth_date)
    assert (Flag.AGE in record.flags) is flagged


def test_age_is_not_checked_for_thk2(agency, period, operator):
    record = register(agency, period, operator, birth_date=dt.date(1960, 3, 3), category="thk2")
    assert Flag.AGE not in record.flags


def test_service_under_the_minimum_is_flagged(agency, period, operator):
    assert Flag.SERVICE in register(agency, period, operator, start_date=dt.date(2021, 6, 1)).flags
    assert (
        Flag.SERVICE
        not in register(agency, period, operator, serial=2, start_date=dt.date(2020, 12, 31)).flags
    )


def test_missing_start_date_is_flagged_as_service(agency, period, operator):
    assert Flag.SERVICE in register(agency, period, operator, start_date=None).flags


def test_sk_dated_after_cutoff_is_flagged(agency, period, operator):
    record = register(agency, period, operator, sk_date=dt.date(2022, 1, 3))
    assert Flag.SK_AFTER_CUTOFF in record.flags


def test_pay_not_from_apbn_or_apbd_is_flagged(agency, period, operator):
    assert register(agency, period, operator, pay_source="OTHER").flags == [Flag.PAY_SOURCE]
    assert register(agency, period, operator, serial=2, full_name="Siti", pay_source="APBN").flags == []


@pytest.mark.parametrize("position", ["Petugas Kebersihan", "PENGEMUDI Dinas", "satpam kantor"])
def test_excluded_job_title_is_flagged(agency, period, operator, position):
    assert register(agency, period, operator, position=position).flags == [Flag.EXCLUDED_POSITION]


def test_title_merely_containing_an_excluded_word_part_is_not_flagged(agency, period, operator):
    assert register(agency, period, operator, position="Satpamwan Analis").flags == []


def test_blu_unit_is_flagged(agency, period, operator):
    unit = WorkUnit.objects.create(agency=agency, name="RSUD", is_blu=True)
    assert register(agency, period, operator, work_unit=unit).flags == [Flag.BLU_UNIT]


def test_similar_name_and_same_birth_date_under_other_nik_is_a_possible_duplicate(
    agency, other_agency, period, operator
):
    WorkerRecordFactory(
        period=period,
        agency=other_agency,
        full_name="Muhammad Rizky Pratama",
        birth_date=dt.date(1990, 5, 17),
        nik=make_nik(dt.date(1990, 5, 17), "M", serial=500),
    )
    record = register(agency, period, operator, full_name="Muhamad Rizki Pratama")
    assert Flag.POSSIBLE_DUPLICATE in record.flags
    assert WorkerRecord.objects.get(agency=other_agency).flags == [Flag.POSSIBLE_DUPLICATE]


def test_different_name_or_birth_date_is_not_a_duplicate(agency, period, operator):
    WorkerRecordFactory(
        period=period, agency=agency, full_name="Siti Aminah", birth_date=dt.date(1990, 5, 17)
    )
    WorkerRecordFactory(
        period=period, agency=agency, full_name="Budi Santoso", birth_date=dt.date(1991, 5, 17)
    )
    assert register(agency, period, operator).flags == []


def test_flags_are_counted_on_the_dashboard(login, agency, period, operator):
    register(agency, period, operator, pay_source="OTHER")
    register(agency, period, operator, serial=2, pay_source="OTHER", position="Satpam")
    page = login(operator).get("/instansi/").content.decode()
    assert 'data-flag="pay_source">2<' in page
    assert 'data-flag="excluded_position">1<' in page
    assert 'data-status="registered">2<' in page
    assert 'data-testid="flagged-total">2<' in page
