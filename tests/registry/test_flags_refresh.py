"""Eligibility flags stay current on every write path, for both records of a possible-duplicate pair."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from registry.models import Flag, Status, WorkerRecord
from registry.services.records import WorkerData, worker_register, worker_release, worker_update
from registry.services.worker_data import worker_details_update, worker_submit
from tests.accounts.support import complete, make_worker
from tests.factories import make_kk, make_nik
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db
DUP = Flag.POSSIBLE_DUPLICATE.value
BIRTH = dt.date(1990, 5, 17)


def register(agency, period, operator, *, name: str, serial: int, **extra) -> WorkerRecord:
    fields = {
        "nik": make_nik(BIRTH, "M", serial=serial),
        "kk": make_kk(serial=serial),
        "full_name": name,
        "birth_place": "Bandung",
        "birth_date": BIRTH,
        "sex": "M",
        "position": "Guru",
        "sk_date": dt.date(2019, 1, 2),
        "start_date": dt.date(2019, 1, 2),
        **extra,
    }
    data = WorkerData(**fields)
    return worker_register(agency=agency, period=period, data=data, actor=operator)


def as_data(record: WorkerRecord, **changes) -> WorkerData:
    fields = {
        name: getattr(record, name) for name in WorkerData.__dataclass_fields__ if hasattr(record, name)
    }
    fields.pop("extra", None)
    fields.pop("work_unit_name", None)
    fields.update(changes)
    return WorkerData(**fields)


def flags(record: WorkerRecord) -> list[str]:
    record.refresh_from_db()
    return record.flags


def test_worker_entering_the_tmt_clears_the_service_flag_at_once(agency, period, operator):
    record = register(agency, period, operator, name="Siti Aminah", serial=1, start_date=None)
    assert Flag.SERVICE in flags(record)
    WorkerRecord.objects.filter(pk=record.pk).update(status=Status.ACCOUNT_CREATED)
    worker_details_update(record_id=record.pk, changes={"start_date": dt.date(2015, 3, 1)}, actor=None)
    assert Flag.SERVICE not in flags(record)


def test_worker_entering_an_sk_date_after_the_cutoff_is_flagged_at_once(agency, period, operator):
    record = register(agency, period, operator, name="Siti Aminah", serial=1)
    # The agency left the SK date empty: the worker completes it (an entered one is the agency's).
    WorkerRecord.objects.filter(pk=record.pk).update(status=Status.ACCOUNT_CREATED, sk_date=None)
    worker_details_update(record_id=record.pk, changes={"sk_date": dt.date(2022, 3, 1)}, actor=None)
    assert Flag.SK_AFTER_CUTOFF in flags(record)


def test_corrected_name_clears_the_duplicate_flag_on_both_records(agency, period, operator):
    first = register(agency, period, operator, name="Budi Santoso", serial=1)
    second = register(agency, period, operator, name="Budi Santosa", serial=2)
    assert DUP in flags(first) and DUP in flags(second)
    worker_update(record_id=second.pk, data=as_data(second, full_name="Wahyu Hidayat"), actor=operator)
    assert DUP not in flags(second)
    assert DUP not in flags(first)


def test_edit_that_creates_a_pair_flags_the_other_record_too(agency, period, operator):
    first = register(agency, period, operator, name="Budi Santoso", serial=1)
    second = register(agency, period, operator, name="Wahyu Hidayat", serial=2)
    assert DUP not in flags(first)
    worker_update(record_id=second.pk, data=as_data(second, full_name="Budi Santosa"), actor=operator)
    assert DUP in flags(second)
    assert DUP in flags(first)


def test_edit_through_the_form_refreshes_the_counterpart(login, agency, period, operator):
    first = register(agency, period, operator, name="Budi Santoso", serial=1)
    second = register(agency, period, operator, name="Budi Santosa", serial=2)
    data = worker_fields(nik=second.nik, kk=second.kk, full_name="Agus Salim")
    response = login(operator).post(reverse("registry:worker-edit", args=[second.pk]), data)
    assert response.status_code == 302
    assert DUP not in flags(first)


def test_releasing_one_of_a_pair_clears_the_other(agency, period, operator):
    first = register(agency, period, operator, name="Budi Santoso", serial=1)
    second = register(agency, period, operator, name="Budi Santosa", serial=2)
    worker_release(record_id=second.pk, reason="Pindah instansi", actor=operator)
    assert DUP not in flags(first)


def test_one_of_three_leaving_keeps_the_flag_on_the_two_still_paired(agency, period, operator):
    a = register(agency, period, operator, name="Budi Santoso", serial=1)
    b = register(agency, period, operator, name="Budi Santosa", serial=2)
    c = register(agency, period, operator, name="Budi Santoso", serial=3)
    worker_update(record_id=c.pk, data=as_data(c, full_name="Rina Kartika"), actor=operator)
    assert DUP in flags(a) and DUP in flags(b) and DUP not in flags(c)


def test_resubmission_recomputes_flags(agency, period, operator):
    record = register(agency, period, operator, name="Siti Aminah", serial=1)
    user = make_worker(record, email="siti@example.test")
    complete(record, user)
    worker_submit(record_id=record.pk, actor=user)
    # A rule's input changed behind the services' back (e.g. a data fix): the next submission catches it.
    WorkerRecord.objects.filter(pk=record.pk).update(flags=[])
    WorkerRecord.objects.filter(pk=record.pk).update(pay_source=WorkerRecord.PaySource.OTHER)
    worker_submit(record_id=record.pk, actor=user)
    assert Flag.PAY_SOURCE in flags(record)
