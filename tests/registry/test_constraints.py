"""Invariants the database itself holds, whatever code writes to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from registry.models import AgencySubmission, AuditEvent, Status, WorkerRecord
from registry.services.records import WorkerData, worker_register, worker_update
from tests.factories import AgencyFactory, SubmissionFactory, WorkerRecordFactory, make_kk, make_nik

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_active_record_with_the_same_nik_in_a_period(period, agency, other_agency):
    first = WorkerRecordFactory(period=period, agency=agency)
    with pytest.raises(IntegrityError, match="record_one_active_nik_per_period"), transaction.atomic():
        WorkerRecordFactory(period=period, agency=other_agency, nik=first.nik)


def test_released_nik_can_be_registered_again_by_another_agency(period, agency, other_agency):
    first = WorkerRecordFactory(period=period, agency=agency, status=Status.RELEASED)
    again = WorkerRecordFactory(period=period, agency=other_agency, nik=first.nik)
    assert WorkerRecord.objects.filter(nik=first.nik).count() == 2
    assert again.status == Status.REGISTERED


@pytest.mark.parametrize("bad", ["123", "327301170590000", "3273O11705900001"])
def test_database_refuses_a_nik_that_is_not_16_digits(bad):
    with pytest.raises(IntegrityError, match="record_nik_16_digits"), transaction.atomic():
        WorkerRecordFactory(nik=bad)


def test_database_refuses_a_kk_that_is_not_16_digits():
    with pytest.raises(IntegrityError, match="record_kk_16_digits"), transaction.atomic():
        WorkerRecordFactory(kk="12345")


def test_database_refuses_an_unknown_status():
    record = WorkerRecordFactory()
    with pytest.raises(IntegrityError, match="record_status_valid"), transaction.atomic():
        WorkerRecord.objects.filter(pk=record.pk).update(status="approved")


def test_database_refuses_a_second_submission_for_an_agency_and_period(period):
    agency = AgencyFactory()
    SubmissionFactory(agency=agency, period=period)
    with pytest.raises(IntegrityError, match="submission_one_per_agency_period"), transaction.atomic():
        AgencySubmission.objects.create(agency=agency, period=period)


def _data(**overrides) -> WorkerData:
    birth = dt.date(1990, 5, 17)
    values = dict(
        nik=make_nik(birth, "M", serial=4242),
        kk=make_kk(serial=77),
        full_name="Budi  Santoso",
        birth_place="Bandung",
        birth_date=birth,
        sex="M",
        position="Guru",
        start_date=dt.date(2015, 1, 1),
        sk_date=dt.date(2015, 1, 1),
    )
    values.update(overrides)
    return WorkerData(**values)


def test_register_saves_the_record_with_audit(agency, period, operator):
    record = worker_register(agency=agency, period=period, data=_data(), actor=operator, ip="10.1.1.1")
    assert record.status == Status.REGISTERED
    assert record.full_name == "Budi Santoso"  # spaces folded
    assert AuditEvent.objects.filter(record=record, action="record:register", actor=operator).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"nik": "32730117059"}, "nik", "16 digit"),
        ({"birth_date": dt.date(1990, 5, 18)}, "birth_date", "tidak sesuai dengan NIK"),
        ({"sex": "F"}, "sex", "laki-laki"),
        ({"kk": "1234"}, "kk", "Nomor KK"),
    ],
)
def test_register_refuses_hard_errors_and_saves_nothing(agency, period, operator, overrides, field, text):
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        worker_register(agency=agency, period=period, data=_data(**overrides), actor=operator)
    assert field in exc.value.message_dict
    assert text in " ".join(exc.value.message_dict[field])
    assert not WorkerRecord.objects.exists()
    assert not AuditEvent.objects.exists()


def test_register_refuses_a_nik_held_by_another_agency_and_names_it(agency, other_agency, period, operator):
    worker_register(agency=other_agency, period=period, data=_data(), actor=operator)
    with pytest.raises(ValidationError) as exc:
        worker_register(agency=agency, period=period, data=_data(full_name="Orang Lain"), actor=operator)
    assert other_agency.name in " ".join(exc.value.message_dict["nik"])
    assert WorkerRecord.objects.filter(agency=agency).count() == 0


def test_register_is_refused_after_the_input_deadline(agency, period, operator):
    period.input_deadline = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        worker_register(agency=agency, period=period, data=_data(), actor=operator)
    assert "Batas waktu input" in " ".join(exc.value.messages)
    assert not WorkerRecord.objects.exists()


def test_agency_edit_is_refused_after_the_input_deadline(agency, period, operator):
    record = worker_register(agency=agency, period=period, data=_data(), actor=operator)
    period.input_deadline = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    with pytest.raises(ValidationError):
        worker_update(record_id=record.pk, data=_data(full_name="Nama Baru"), actor=operator)
    record.refresh_from_db()
    assert record.full_name == "Budi Santoso"
